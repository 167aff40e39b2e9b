"""Reading screenshots: OCR lines with rapidocr (Chinese PP-OCR models shipped
in the package, nothing downloaded), then phone numbers and message times."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from harassguard.lib import phone

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: list[list[float]]
    confidence: float


@lru_cache(maxsize=1)
def _engine(threads: int):
    from rapidocr_onnxruntime import RapidOCR

    # ONNX Runtime would start a thread per core in every worker process: workers × threads ≤ cores.
    return RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)


def ocr_lines(path: str, threads: int = 1) -> list[OcrLine]:
    """Return the text lines of an image, top to bottom, with their boxes and confidence;
    ONNX Runtime uses `threads` threads (the worker's TRANSCRIBE_THREADS)."""
    result, _elapsed = _engine(threads)(path)
    lines = [
        OcrLine(text, [[float(x), float(y)] for x, y in box], round(float(score), 3))
        for box, text, score in (result or [])
    ]
    return sorted(lines, key=lambda line: (line.box[0][1], line.box[0][0]))


def extract_phone_numbers(text: str) -> list[str]:
    """Return the distinct phone numbers in `text`, normalised, in order of appearance."""
    return phone.find_numbers(text)


_CLOCK = r"(?P<ampm>上午|下午|晚上|凌晨|早上|中午)?\s*(?P<hour>\d{1,2})[:：](?P<minute>\d{2})"
_TIME_PATTERNS = [
    ("full", re.compile(r"(?P<year>20\d{2})[年/\-.](?P<month>\d{1,2})[月/\-.](?P<day>\d{1,2})日?\s*" + _CLOCK)),
    ("month_day", re.compile(r"(?<!\d)(?P<month>\d{1,2})月(?P<day>\d{1,2})日\s*" + _CLOCK)),
    ("relative", re.compile(r"(?P<rel>昨天|前天|今天)\s*" + _CLOCK)),
    ("weekday", re.compile(r"(?P<weekday>星期|周)(?P<wd>[一二三四五六日天])\s*" + _CLOCK)),
    ("clock", re.compile(r"(?<![\d:：])" + _CLOCK + r"(?![\d:：])")),
]
_WEEKDAYS = "一二三四五六日"


def _hour(parts: dict) -> int:
    hour = int(parts["hour"])
    if parts.get("ampm") in ("下午", "晚上") and hour < 12:
        hour += 12
    if parts.get("ampm") == "中午" and hour < 11:
        hour += 12
    return hour


def _day(kind: str, parts: dict, reference: date) -> date:
    if kind == "full":
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    if kind == "month_day":
        candidate = date(reference.year, int(parts["month"]), int(parts["day"]))
        return candidate if candidate <= reference else candidate.replace(year=reference.year - 1)
    if kind == "relative":
        return reference - timedelta(days={"今天": 0, "昨天": 1, "前天": 2}[parts["rel"]])
    if kind == "weekday":
        target = 6 if parts["wd"] == "天" else _WEEKDAYS.index(parts["wd"])
        return reference - timedelta(days=(reference.weekday() - target) % 7 or 7)
    return reference


def extract_message_times(text: str, reference: date) -> list[dict]:
    """Return the message times seen in `text` as [{"text", "at", "estimated"}], `at` an aware Asia/Shanghai
    datetime, `estimated` True when its day was worked out from `reference` rather than read in full.

    Relative forms (昨天, 星期二, a bare 23:47) are read against `reference`,
    the day the screenshot was taken (or received, when unknown).
    """
    found: list[dict] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _TIME_PATTERNS:
        for match in pattern.finditer(text):
            if any(start <= match.start() < end for start, end in taken):
                continue
            try:
                day = _day(kind, match.groupdict(), reference)
                at = datetime(
                    day.year, day.month, day.day, _hour(match.groupdict()), int(match["minute"]), tzinfo=SHANGHAI
                )
            except ValueError:
                taken.append(match.span())  # its clock belongs to the impossible date
                continue
            taken.append(match.span())
            found.append({"text": match.group().strip(), "at": at, "start": match.start(), "estimated": kind != "full"})
    found.sort(key=lambda f: f["start"])
    return [{"text": f["text"], "at": f["at"], "estimated": f["estimated"]} for f in found]
