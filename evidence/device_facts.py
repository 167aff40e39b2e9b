"""What the sender's phone says about a file: its `lastModified`, the phone's clock and time zone
when the file was picked and when it was announced. None of it can be checked: it is kept apart
from what the server measured and always shown as device-reported. The phone's clock at the
announcement, beside the server's clock at the same moment, tells how far off the phone's clock
was, which is what a reader needs to weigh the other two times."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# An offset from UTC beyond ±14 hours exists nowhere; a time-zone name longer than this is not one.
MAX_OFFSET_MINUTES = 14 * 60
MAX_ZONE_NAME = 64


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def device_facts(
    *,
    file_last_modified: datetime | None,
    picked_at: datetime | None,
    sent_at: datetime | None,
    utc_offset_minutes: int | None,
    time_zone: str,
    now: datetime | None = None,
) -> dict:
    """Return the facts worth keeping, as JSON; {} when the phone said nothing. Values out of any
    possible range (an offset of 30 hours) are dropped rather than kept as if they meant something."""
    facts: dict = {}
    if file_last_modified:
        facts["file_last_modified"] = _iso(file_last_modified)
    if picked_at:
        facts["clock_when_picked"] = _iso(picked_at)
    if sent_at:
        facts["clock_when_sent"] = _iso(sent_at)
        # Positive: the phone's clock was behind the server's.
        facts["clock_behind_server_s"] = round(((now or timezone.now()) - sent_at).total_seconds())
    if utc_offset_minutes is not None and abs(utc_offset_minutes) <= MAX_OFFSET_MINUTES:
        facts["utc_offset_minutes"] = utc_offset_minutes
    zone = time_zone.strip()
    if zone and len(zone) <= MAX_ZONE_NAME:
        facts["time_zone"] = zone
    if facts:
        facts["source"] = "device-reported"
    return facts


# How each fact is named on the item page (translated) and in a bundle (Chinese, as the bundle is).
LABELS_ZH = {
    "file_last_modified": "文件修改时间（手机报告）",
    "clock_when_picked": "选取文件时的手机时间（手机报告）",
    "clock_when_sent": "发送时的手机时间（手机报告）",
    "clock_behind_server_s": "手机时间慢于服务器（秒）",
    "time_zone": "手机时区（手机报告）",
}


def facts_rows(facts: dict) -> list[tuple[str, str]]:
    """(field, value) rows for pages and the bundle, in a fixed order; [] when there are none."""
    rows = []
    for key in ("file_last_modified", "clock_when_picked", "clock_when_sent", "clock_behind_server_s"):
        if key in facts:
            rows.append((key, str(facts[key])))
    if "utc_offset_minutes" in facts or "time_zone" in facts:
        offset = facts.get("utc_offset_minutes")
        text = ""
        if offset is not None:
            sign = "+" if offset >= 0 else "-"
            text = f"UTC{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
        rows.append(("time_zone", " ".join(part for part in (text, facts.get("time_zone", "")) if part)))
    return rows


LABELS = {
    "file_last_modified": _("File last changed (phone's clock)"),
    "clock_when_picked": _("Phone's clock when the file was picked"),
    "clock_when_sent": _("Phone's clock when it was sent"),
    "clock_behind_server_s": _("Phone's clock behind the server's (seconds)"),
    "time_zone": _("Phone's time zone"),
}


def facts_rows_labelled(facts: dict) -> list[tuple[str, str]]:
    return [(str(LABELS[key]), value) for key, value in facts_rows(facts)]


def facts_rows_zh(facts: dict) -> list[tuple[str, str]]:
    return [(LABELS_ZH[key], value) for key, value in facts_rows(facts)]
