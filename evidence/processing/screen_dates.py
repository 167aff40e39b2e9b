"""The day a screenshot was taken, to read its relative message times ("昨天 01:15", a bare "23:47") against.

In order of trust: the image's own EXIF time, a full date the phone's status
bar shows at the top of the screen, the date the user gave, and only last the
day it was uploaded. Whatever the source, a time worked out from it is an
estimate ("推算，待核对") until the user confirms it.
"""

import re
from datetime import date, datetime

from django.utils import timezone

BASES = ("exif", "status_bar", "user", "upload")
STATUS_BAR_SHARE = 0.08  # the top 8 % of the screen
_FULL_DATE = re.compile(r"(20\d{2})[年/\-.](\d{1,2})[月/\-.](\d{1,2})")


def exif_day(exif: dict) -> date | None:
    """The day in an EXIF DateTimeOriginal or DateTime ("2023:05:13 09:12:00"), if there is a valid one."""
    for tag in ("DateTimeOriginal", "DateTime"):
        try:
            return datetime.strptime(str(exif.get(tag, "")).strip()[:19], "%Y:%m:%d %H:%M:%S").date()
        except ValueError:
            continue
    return None


def in_status_bar(line: dict, height: int | None) -> bool:
    """True for a text line at the very top of the screen, where the phone shows its clock (not a message)."""
    top = min((y for _x, y in line.get("box") or []), default=None)
    return height is not None and height > 0 and top is not None and top < height * STATUS_BAR_SHARE


def status_bar_day(lines: list[dict], height: int | None) -> date | None:
    """A full date shown in the status bar (the text lines at the very top of the screenshot)."""
    for line in lines:
        match = _FULL_DATE.search(line["text"]) if in_status_bar(line, height) else None
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue
    return None


def reference_day(metadata: dict, lines: list[dict], occurred_at, received_at) -> tuple[date, str]:
    """(day, basis): the day the screenshot's relative times are read against, and where it came from."""
    image = metadata.get("image") or {}
    day = exif_day(image.get("exif") or {})
    if day:
        return day, "exif"
    day = status_bar_day(lines, image.get("height"))
    if day:
        return day, "status_bar"
    if occurred_at:
        return timezone.localdate(occurred_at), "user"
    return timezone.localdate(received_at), "upload"


def message_times(lines: list[dict], height: int | None, reference: date) -> list[dict]:
    """The message times of the screenshot's lines (its status bar left out), read against `reference`,
    as stored: [{"text", "at" (ISO 8601), "estimated"}]."""
    from evidence.processing.ocr import extract_message_times

    text = "\n".join(line["text"] for line in lines if not in_status_bar(line, height))
    return [{**t, "at": t["at"].isoformat()} for t in extract_message_times(text, reference)]
