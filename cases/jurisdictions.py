"""The time zone of a case's rule set, read without loading the rules: processing reads file-name
and screenshot times in it, and must not depend on the analysis."""

import tomllib
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=8)
def jurisdiction_timezone(jurisdiction: str) -> ZoneInfo:
    """The `timezone` of cases/data/rules_<jurisdiction>.toml (Asia/Shanghai, America/New_York, …)."""
    data = tomllib.loads((DATA / f"rules_{jurisdiction.lower()}.toml").read_text(encoding="utf-8"))
    return ZoneInfo(data["timezone"])


def case_timezone(case) -> ZoneInfo:
    """The time zone the case's rule set names: wall-clock times without an offset are read in it."""
    return jurisdiction_timezone(case.jurisdiction)
