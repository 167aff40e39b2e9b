"""Call logs exported from phones as CSV: one call a row.

Exports differ by phone and app, so columns are found by their header words
(Chinese or English) rather than by position.
"""

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from harassguard.lib.phone import normalise

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADERS = {
    "number": ("号码", "电话", "number", "phone"),
    "datetime": ("通话时间", "时间", "日期", "date", "time"),
    "direction": ("类型", "type", "direction", "呼叫类型"),
    "duration": ("时长", "duration"),
}
DIRECTIONS = {
    "来电": "incoming",
    "呼入": "incoming",
    "incoming": "incoming",
    "in": "incoming",
    "未接": "missed",
    "未接来电": "missed",
    "missed": "missed",
    "去电": "outgoing",
    "呼出": "outgoing",
    "outgoing": "outgoing",
    "out": "outgoing",
    "拒接": "rejected",
    "rejected": "rejected",
}
FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
)


class CallLogUnreadable(Exception):
    """The file has no columns recognisable as a call log."""


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(h.strip().lower() for h in header):
        for field, words in HEADERS.items():
            if field not in found and any(w in name for w in words):
                found[field] = index
                break
    if "number" not in found or "datetime" not in found:
        raise CallLogUnreadable("no number and time columns")
    return found


def _when(text: str) -> datetime | None:
    text = re.sub(r"\s+", " ", text.strip())
    for fmt in FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=SHANGHAI)
        except ValueError:
            continue
    return None


def _seconds(text: str) -> int | None:
    parts = re.findall(r"\d+", text)
    if not parts:
        return None
    if "分" in text or ":" in text:
        *minutes, seconds = (int(p) for p in parts)
        return sum(m * 60 ** (len(minutes) - i) for i, m in enumerate(minutes)) + seconds
    return int(parts[0])


def parse_call_log(data: bytes) -> list[dict]:
    """Return the rows of a CSV call log: at (aware, Asia/Shanghai), number, direction, duration_s, row."""
    text = data.decode("utf-8-sig", errors="replace") if not data.startswith(b"\xff\xfe") else data.decode("utf-16")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise CallLogUnreadable("the file is empty")
    columns = _columns(rows[0])
    calls = []
    for n, row in enumerate(rows[1:], start=2):
        cell = {field: row[index].strip() if index < len(row) else "" for field, index in columns.items()}
        if not cell["number"]:
            continue
        calls.append(
            {
                "row": n,
                "number": normalise(cell["number"]),
                "at": _when(cell["datetime"]),
                "direction": DIRECTIONS.get(cell.get("direction", "").lower(), ""),
                "duration_s": _seconds(cell.get("duration", "")),
            }
        )
    return calls
