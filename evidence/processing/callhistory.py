"""Reading a picture of the phone's call history (通话记录): one call per list row.

The dialers of Xiaomi/HyperOS, Huawei/Honor, OPPO/ColorOS, vivo and the iPhone all draw a row as
the contact's name or number (red for a missed call), a line below with the location or a label
(呼入, 呼出, 未接, 响铃3声, 1分20秒), and the date or time on the right. Rows are found around the
date-and-time lines; a relative date (今天, 昨天, 星期二, 10-12) is worked out from the day the
picture was taken and marked as worked out ("推算") until the user confirms it.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

import numpy as np

from evidence.processing.carrier import direction_of, seconds_of
from evidence.processing.ocr import OcrLine, extract_phone_numbers

TITLE_WORDS = ("通话记录", "最近通话", "通话", "拨号", "电话", "Recents", "Calls")
_CLOCK = r"(?P<ampm>上午|下午|晚上|凌晨|早上|中午)?\s*(?P<hour>\d{1,2})[:：](?P<minute>\d{2})"
_DATE_FORMS = [
    ("full", re.compile(r"(?P<year>20\d{2})[年/\-.](?P<month>\d{1,2})[月/\-.](?P<day>\d{1,2})日?")),
    ("relative", re.compile(r"(?P<rel>今天|昨天|前天)")),
    ("weekday", re.compile(r"(?:星期|周)(?P<wd>[一二三四五六日天])")),
    ("month_day", re.compile(r"(?<![\d:])(?P<month>\d{1,2})(?:[月/\-])(?P<day>\d{1,2})日?(?![\d:])")),
]
_AGO = re.compile(r"(?P<n>\d+)\s*分钟前|刚刚")
_DURATION = re.compile(r"(?:\d+\s*(?:小时|分钟|分|秒))+")
_COUNT = re.compile(r"[（(](?P<n>\d{1,3})[)）]\s*$")
_LOCATION = re.compile(r"(移动|联通|电信|广电|未知|中国|省|市|手机|住宅|^[\u4e00-\u9fff]{2,3}\s*[\u4e00-\u9fff]{2,3}$)")
LABEL_WORDS = ("呼入", "呼出", "来电", "去电", "未接", "拒接", "已拒接", "响铃", "未接通", "已取消", "骚扰", "标记")
_WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class When:
    at: datetime | None  # None when only the day is shown
    day: date | None
    derived: bool  # the day was worked out from the screenshot's own date
    text: str


def read_when(text: str, reference: datetime, tz: ZoneInfo) -> When | None:
    """A row's date and time, relative forms resolved against `reference` (the picture's own time)."""
    today = reference.astimezone(tz).date()
    text = re.sub(r"(星期|周)[—–\-－_]", r"\1一", text)  # OCR reads the one-stroke 一 as a dash
    if m := _AGO.search(text):
        minutes = int(m["n"]) if m["n"] else 0
        at = (reference - timedelta(minutes=minutes)).astimezone(tz).replace(second=0, microsecond=0)
        return When(at, at.date(), True, m.group())
    day, derived, spans = None, True, []
    for kind, pattern in _DATE_FORMS:
        m = pattern.search(text)
        if not m:
            continue
        parts = m.groupdict()
        try:
            if kind == "full":
                day, derived = date(int(parts["year"]), int(parts["month"]), int(parts["day"])), False
            elif kind == "relative":
                day = today - timedelta(days={"今天": 0, "昨天": 1, "前天": 2}[parts["rel"]])
            elif kind == "weekday":
                target = 6 if parts["wd"] in "日天" else _WEEKDAYS.index(parts["wd"])
                day = today - timedelta(days=(today.weekday() - target) % 7 or 7)
            else:
                day = date(today.year, int(parts["month"]), int(parts["day"]))
                day = day if day <= today else day.replace(year=today.year - 1)
        except ValueError:
            continue
        spans.append(m.span())
        break
    rest = text
    for start, end in spans:
        rest = rest[:start] + " " * (end - start) + rest[end:]
    clock = re.search(r"(?<![\d:：])" + _CLOCK + r"(?![\d:：])", rest)
    if clock is None and day is None:
        return None
    if day is None:
        day = today  # a bare time of day is today's call
    if clock is None:
        return When(None, day, derived, text.strip())
    hour = int(clock["hour"])
    if clock["ampm"] in ("下午", "晚上") and hour < 12 or clock["ampm"] == "中午" and hour < 11:
        hour += 12
    if clock["ampm"] == "凌晨" and hour == 12:
        hour = 0
    try:
        at = datetime.combine(day, time(hour, int(clock["minute"])), tzinfo=tz)
    except ValueError:
        return None
    return When(at, day, derived, text.strip())


def _cy(line: OcrLine) -> float:
    return sum(p[1] for p in line.box) / len(line.box)


def _cx(line: OcrLine) -> float:
    return sum(p[0] for p in line.box) / len(line.box)


def _height(line: OcrLine) -> float:
    ys = [p[1] for p in line.box]
    return max(ys) - min(ys)


def _bounds(lines: list[OcrLine]) -> list[float]:
    xs = [p[0] for line in lines for p in line.box]
    ys = [p[1] for line in lines for p in line.box]
    return [round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys))]


def is_red(image, line: OcrLine) -> bool:
    """True when the line's text is drawn in red (a missed call), on a light or a dark background."""
    left, top, right, bottom = _bounds([line])
    crop = image.convert("RGB").crop((max(left, 0), max(top, 0), right, bottom))
    pixels = np.asarray(crop, dtype=np.int16).reshape(-1, 3)
    if not len(pixels):
        return False
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    background = colours[counts.argmax()]
    ink = pixels[np.abs(pixels - background).sum(axis=1) > 120]
    red = ink[(ink[:, 0] > 150) & (ink[:, 0] - ink[:, 1] > 70) & (ink[:, 0] - ink[:, 2] > 70)]
    return len(ink) > 10 and len(red) / len(ink) > 0.35


def screenshot_clock(lines: list[OcrLine], height: float) -> time | None:
    """The status bar's clock: the time the picture was taken, where the phone shows it."""
    for line in lines:
        if _cy(line) < height * 0.045 and (m := re.fullmatch(r"\s*(\d{1,2})[:：](\d{2})\s*", line.text)):
            if int(m[1]) < 24 and int(m[2]) < 60:
                return time(int(m[1]), int(m[2]))
    return None


def read_call_history(
    lines: list[OcrLine], image, taken: datetime, tz: ZoneInfo, *, require_title: bool = True
) -> list[dict]:
    """Return the picture's call rows: number, contact, at, direction, duration_s, connected,
    derived_date, count (calls grouped into the row), box and the text read; [] when it is not a call list.

    `taken` is the picture's own date (its file name, the phone's metadata, or when it was received);
    the status bar's clock, where readable, gives the time of day for 今天 and 分钟前."""
    width, height = image.size
    clock = screenshot_clock(lines, height)
    if clock is not None:
        taken = datetime.combine(taken.astimezone(tz).date(), clock, tzinfo=tz)
    body = [line for line in lines if _cy(line) >= height * 0.045]
    timed = [
        (line, w)
        for line in body
        if not extract_phone_numbers(line.text) and (w := read_when(line.text, taken, tz)) is not None
    ]
    # A row's date sits at the right of the list; the same kind of text on the left is a label.
    anchors = sorted([(line, w) for line, w in timed if _cx(line) > width * 0.5], key=lambda lw: _cy(lw[0]))
    if len(anchors) < 2 and not any(w in line.text for line in lines for w in TITLE_WORDS):
        return []
    if require_title and len(anchors) < 3 and not any(w in line.text for line in lines[:12] for w in TITLE_WORDS):
        return []
    centres = [_cy(a) for a, _ in anchors]
    pitch = (
        median([b - a for a, b in zip(centres, centres[1:], strict=False)])
        if len(centres) > 1
        else 4 * _height(anchors[0][0])
        if anchors
        else 0
    )
    rows: list[dict] = []
    for index, (anchor, when) in enumerate(anchors):
        top = (centres[index - 1] + centres[index]) / 2 if index else centres[index] - pitch / 2
        bottom = (centres[index] + centres[index + 1]) / 2 if index + 1 < len(centres) else centres[index] + pitch / 2
        members = [line for line in body if top <= _cy(line) < bottom]
        row = _row(members, anchor, when, image, width)
        if row is not None:
            rows.append({**row, "row": len(rows) + 1})
    return rows if sum(1 for r in rows if r["number"] or r["contact"]) >= 1 else []


def _row(members: list[OcrLine], anchor: OcrLine, when: When, image, width: int) -> dict | None:
    others = [line for line in members if line is not anchor]
    text = " ".join(line.text for line in sorted(members, key=lambda x: (_cy(x), _cx(x))))
    numbers = extract_phone_numbers(" ".join(line.text for line in others))
    labels = [line for line in others if any(w in line.text for w in LABEL_WORDS) or _DURATION.search(line.text)]
    names = [
        line
        for line in others
        if line not in labels
        and _cx(line) < width * 0.6
        and not extract_phone_numbers(line.text)
        and not _LOCATION.search(line.text)
        and read_when(line.text, datetime.now(), ZoneInfo("UTC")) is None
    ]
    # The row's title is its largest text: the name, or the number where there is no name.
    numbered = [line for line in others if extract_phone_numbers(line.text) and _cx(line) < width * 0.6]
    title = max(names + numbered, key=lambda line: (round(_height(line) / 4), -_cy(line)), default=None)
    if title is None:
        return None
    contact = _COUNT.sub("", title.text).strip() if title in names else ""
    count = int(m["n"]) if (m := _COUNT.search(title.text)) else 1
    direction = next((d for line in labels if (d := direction_of(line.text))), "")
    if not direction and any("响铃" in line.text for line in labels):
        direction = "missed"
    red = is_red(image, title)
    if red and direction in ("", "incoming"):
        direction = "missed"
    duration = next((seconds_of(m.group()) for line in labels if (m := _DURATION.search(line.text))), None)
    connected = False if direction in ("missed", "rejected") else (True if duration else None)
    return {
        "number": numbers[0] if numbers else "",
        "contact": contact,
        "at": when.at,
        "day": when.day.isoformat() if when.day else None,
        "when_text": when.text,
        "derived_date": when.derived,
        "direction": direction,
        "duration_s": duration,
        "connected": connected,
        "count": count,
        "red": red,
        "box": _bounds(members),
        "text": text,
    }
