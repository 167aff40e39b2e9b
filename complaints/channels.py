"""The complaint channels and the provisions their letters cite, read from complaints/data/.

Like the analysis rules, this is data so that a lawyer can change a channel's
reply time, its place on the path or the provisions it cites without code.
Provisions already in the case rules (cases/data/rules_cn.toml) are cited by id,
so the letters and the analysis never disagree on an article or its version.
"""

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from cases.analysis.rules import Provision, load_rule_set, provision_from_toml
from harassguard.lib.language import wants_english

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Channel:
    code: str
    step: int
    name_zh: str
    name_en: str
    document: str
    template: str
    masks_third_parties: bool
    reply_days: int
    next_zh: str
    next_en: str
    citations: tuple[str, ...]
    # The lender kinds the channel is for (cases.Case.lender_kind; "" is an unknown kind); empty: every lender.
    lender_kinds: tuple[str, ...] = ()
    # A public, non-governmental site: masked text only, and no evidence files listed.
    public: bool = False

    def suits(self, lender_kind: str) -> bool:
        return not self.lender_kinds or lender_kind in self.lender_kinds

    def name(self, language: str) -> str:
        return self.name_en if wants_english(language) else self.name_zh

    def next_step(self, language: str) -> str:
        return self.next_en if wants_english(language) else self.next_zh


@dataclass(frozen=True)
class ComplaintPath:
    disclaimer: str
    start_zh: str
    start_en: str
    steps: dict[int, dict]
    channels: dict[str, Channel]
    start_unlawful_zh: str = ""
    start_unlawful_en: str = ""
    police_offences: dict | None = None


@lru_cache(maxsize=1)
def load_channels() -> ComplaintPath:
    """Return the path, its steps and channels from complaints/data/channels.toml; raise ValueError on a bad cite."""
    data = tomllib.loads((DATA / "channels.toml").read_text(encoding="utf-8"))
    channels = {
        c["code"]: Channel(
            **{**c, "citations": tuple(c["citations"]), "lender_kinds": tuple(c.get("lender_kinds", ()))}
        )
        for c in data["channels"]
    }
    known = provisions()
    offences = data.get("police_offences", {})
    cited = [(c.code, set(c.citations)) for c in channels.values()] + [
        (f"police_offences.{k}", set(v)) for k, v in offences.items()
    ]
    for code, ids in cited:
        missing = ids - known.keys()
        if missing:
            raise ValueError(f"{code} cites unknown provisions {sorted(missing)}")
    steps = {s["step"]: s for s in data["steps"]}
    return ComplaintPath(
        data["disclaimer"],
        data["start_zh"],
        data["start_en"],
        steps,
        channels,
        data.get("start_unlawful_zh", ""),
        data.get("start_unlawful_en", ""),
        offences,
    )


@lru_cache(maxsize=1)
def provisions() -> dict[str, Provision]:
    """Every provision a letter may cite: the Chinese case rules' and complaints/data/citations.toml's."""
    data = tomllib.loads((DATA / "citations.toml").read_text(encoding="utf-8"))
    own = {p["id"]: provision_from_toml(p, data["documents"]) for p in data["provisions"]}
    return {**load_rule_set("CN").provisions, **own}


def channel(code: str) -> Channel:
    return load_channels().channels[code]


def citations_for(
    code: str,
    days: Sequence[date | None],
    lender_kind: str = "",
    unlawful_debt: bool = False,
    only: set[str] | None = None,
) -> list[dict]:
    """The channel's provisions in force on any of `days` (all of them when no day is known), in order,
    that bind the case's kind of lender; those for unlawful debts only when the debt is said to be one;
    and, when `only` is given, only those ids.

    The 2012 and 2025 texts of the public security law both stay when the events span 2026-01-01."""
    cited = [provisions()[pid] for pid in channel(code).citations if only is None or pid in only]
    return [
        p.as_dict()
        for p in cited
        if any(p.in_force_on(d) for d in (days or [None]))
        and p.binds(lender_kind)
        and (unlawful_debt or not p.unlawful_debt_only)
    ]
