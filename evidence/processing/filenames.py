"""Reading the counterparty number and call time from call-recorder file names.

Each common phone's recorder has its own pattern (see ../shared/reviews/phones.md):

- Xiaomi MIUI/HyperOS: `通话录音@张三(13800138000)_20230512143000.mp3`; conference calls repeat
  `name(number)` joined by `_`; `+` is written `00`, `,` `p` and `*` `s`; the name is cut at 50
  characters, possibly in the middle of a number.
- Huawei/Honor: `张三@138 0013 8000_20230512143000.m4a` or `13800138000_20230512143000.amr`.
- OPPO/ColorOS/realme/OnePlus: `张三-2203021149.mp3`: two-digit year, no seconds, split on the last `-`.
- BCR (and ShizuCallRecorder): `20230512_143000.123+0800_in_sim1_13800138000_张三.oga`, the only
  pattern with a time-zone offset, with a `.json` sidecar (see parse_bcr_sidecar).
- LineageOS/GrapheneOS: `13800138000_230512_143000123.amr`, `CallRecord_20230512-143000_13800138000.m4a`.
- iPhone exports carry no number: the user is asked for it.
- Anything else: the first mobile or landline number and the first date-and-time, marked a guess.

A time from a file name is the device's wall clock without an offset (except BCR): it is read
in the case's time zone, which the case's rule set names.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from harassguard.lib import phone

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class FilenameFacts:
    number: str = ""
    occurred_at: datetime | None = None
    maker: str = ""  # miui | huawei | coloros | bcr | lineageos | iphone | generic | ""
    numbers: tuple[str, ...] = ()  # every party of a conference call
    contact: str = ""  # the name the phone gave the caller
    direction: str = ""  # incoming | outgoing, where the name says
    precision: str = "second"  # second | minute: how exact the time is
    guessed: bool = False  # no known pattern matched: the generic reading
    truncated: bool = False  # a party was cut off by the 50-character limit
    ask_number: bool = False  # a format that never carries the number (iPhone): ask the user
    extra: dict = field(default_factory=dict)

    @property
    def found(self) -> list[str]:
        """The names of the facts that came from the file name."""
        return [
            name for name, value in (("counterparty_number", self.number), ("occurred_at", self.occurred_at)) if value
        ]

    def as_metadata(self) -> dict:
        """What the item keeps of the reading, so the page can say where the facts came from."""
        return {
            "maker": self.maker,
            "numbers": list(self.numbers),
            "contact": self.contact,
            "direction": self.direction,
            "precision": self.precision,
            "guessed": self.guessed,
            "truncated": self.truncated,
            "ask_number": self.ask_number,
            "sidecar": bool(self.extra.get("sidecar")),
            "occurred_at": self.occurred_at.isoformat() if self.occurred_at else None,
        }


def normalise_number(raw: str) -> str:
    """Return a phone number in the stored form (see harassguard.lib.phone.normalise)."""
    return phone.normalise(raw)


def _miui_number(raw: str) -> str:
    """MIUI writes `+` as `00`, `,` (pause) as `p` and `*` as `s`: keep the dialled digits."""
    return normalise_number(raw.split("p")[0].replace("s", "*"))


def _plausible(number: str) -> bool:
    """Service numbers (95588, 0321) count; a bare date-like run does not."""
    return 3 <= len(number.lstrip("+")) <= 15


def _wall(text: str, fmt: str, tz: tzinfo) -> datetime | None:
    try:
        return datetime.strptime(text, fmt).replace(tzinfo=tz)
    except ValueError:
        return None


_TS14 = r"(?P<ts>(?:19|20)\d{12})"
_MIUI = re.compile(r"^(?P<word>[^@]*)@(?P<parties>.*\(.*)_" + _TS14 + r"$")
_MIUI_PARTY = re.compile(r"(?P<name>[^()]*)\((?P<number>[\d+ps]+)\)")
_HUAWEI = re.compile(r"^(?:(?P<name>[^@]+)@)?(?P<number>\+?[\d ]{3,20})_" + _TS14 + r"$")
_COLOROS = re.compile(r"^(?P<who>.+)-(?P<ts>\d{10})$")
_BCR = re.compile(
    r"^(?P<date>\d{8})_(?P<time>\d{6})\.(?P<ms>\d{3})(?P<offset>[+-]\d{4})_(?P<dir>in|out|conference)"
    r"(?:_sim(?P<sim>\d))?(?:_(?P<number>\+?\d+))?(?:_(?P<name>.+))?$"
)
_LINEAGE = re.compile(r"^(?P<number>\+?\d{3,15})_(?P<date>\d{6})_(?P<time>\d{6})(?P<ms>\d{3})?$")
_LINEAGE_CALLRECORD = re.compile(r"^CallRecord_(?P<date>\d{8})-(?P<time>\d{6})_(?P<number>\+?\d{3,15})$")
_IPHONE = re.compile(r"^(?:通话录音|Call Recording|Call with|与.+的通话|New Recording|新录音)", re.IGNORECASE)


def _miui(stem: str, tz: ZoneInfo) -> FilenameFacts | None:
    match = _MIUI.match(stem)
    if not match:
        return None
    parties = list(_MIUI_PARTY.finditer(match["parties"]))
    if not parties:
        return None
    numbers = tuple(n for n in (_miui_number(p["number"]) for p in parties) if _plausible(n))
    # A party cut by the 50-character limit leaves an unclosed "(" after the last complete one.
    truncated = "(" in match["parties"][parties[-1].end() :]
    return FilenameFacts(
        numbers[0] if numbers else "",
        _wall(match["ts"], "%Y%m%d%H%M%S", tz),
        "miui",
        numbers,
        parties[0]["name"].strip("_ "),
        truncated=truncated,
    )


def _huawei(stem: str, tz: ZoneInfo) -> FilenameFacts | None:
    match = _HUAWEI.match(stem)
    if not match:
        return None
    number = normalise_number(match["number"])
    if not _plausible(number):
        return None
    return FilenameFacts(
        number, _wall(match["ts"], "%Y%m%d%H%M%S", tz), "huawei", (number,), (match["name"] or "").strip()
    )


def _coloros(stem: str, tz: ZoneInfo) -> FilenameFacts | None:
    match = _COLOROS.match(stem)  # greedy `who`: the split is on the last "-"
    if not match:
        return None
    when = _wall(match["ts"], "%y%m%d%H%M", tz)
    if when is None:
        return None
    who = match["who"].strip()
    digits = normalise_number(who)
    is_number = re.fullmatch(r"[\d +\-()]+", who) is not None and _plausible(digits)
    number = digits if is_number else ""
    return FilenameFacts(
        number, when, "coloros", (number,) if number else (), "" if is_number else who, precision="minute"
    )


def _bcr(stem: str, tz: ZoneInfo) -> FilenameFacts | None:
    match = _BCR.match(stem)
    if not match:
        return None
    sign = 1 if match["offset"][0] == "+" else -1
    offset = timezone(sign * timedelta(hours=int(match["offset"][1:3]), minutes=int(match["offset"][3:])))
    local = _wall(match["date"] + match["time"], "%Y%m%d%H%M%S", offset)
    when = local.replace(microsecond=int(match["ms"]) * 1000).astimezone(tz) if local else None
    number = normalise_number(match["number"] or "")
    direction = {"in": "incoming", "out": "outgoing"}.get(match["dir"], "")
    return FilenameFacts(
        number,
        when,
        "bcr",
        (number,) if number else (),
        (match["name"] or "").strip(),
        direction,
        extra={"offset": match["offset"], "sim": match["sim"] or ""},
    )


def _lineage(stem: str, tz: ZoneInfo) -> FilenameFacts | None:
    if match := _LINEAGE.match(stem):
        when = _wall(match["date"] + match["time"], "%y%m%d%H%M%S", tz)
    elif match := _LINEAGE_CALLRECORD.match(stem):
        when = _wall(match["date"] + match["time"], "%Y%m%d%H%M%S", tz)
    else:
        return None
    number = normalise_number(match["number"])
    return FilenameFacts(number, when, "lineageos", (number,)) if when else None


def _iphone(stem: str, tz: ZoneInfo) -> FilenameFacts | None:
    if not _IPHONE.match(stem) or re.search(r"\d{5,}", stem):
        return None
    return FilenameFacts(maker="iphone", ask_number=True)


# The generic reading: a mobile or a landline with area code, and a date and time in the
# separators recorders use (20230512143000, 2023-05-12 14-30-00, 230512_143000, 2203021149).
_GENERIC_NUMBER = re.compile(
    r"(?<![\d])(?:(?:\+|00)86[\s\-]?)?(?:1[3-9]\d(?:[\s\-]?\d){8}|0\d{2,3}[\s\-]?\d{7,8}"
    r"|9[56]\d{3,4}|\+(?!86)\d{6,14})(?![\d])"
)
_GENERIC_WHEN = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)?\d{2})[-_.]?(?P<month>\d{2})[-_.]?(?P<day>\d{2})[ _\-T]?"
    r"(?P<hour>\d{2})[-_.:]?(?P<minute>\d{2})(?:[-_.:]?(?P<second>\d{2}))?(?!\d)"
)


def generic_when(stem: str, tz: ZoneInfo) -> tuple[datetime, tuple[int, int], str] | None:
    """The first valid date-and-time, preferring one with seconds; searched at every position."""
    for with_seconds in (True, False):
        pos = 0
        while (match := _GENERIC_WHEN.search(stem, pos)) is not None:
            parts = match.groupdict()
            pos = match.start() + 1
            if with_seconds != bool(parts["second"]):
                continue
            year = int(parts["year"]) + (2000 if len(parts["year"]) == 2 else 0)
            try:
                when = datetime(
                    year,
                    int(parts["month"]),
                    int(parts["day"]),
                    int(parts["hour"]),
                    int(parts["minute"]),
                    int(parts["second"] or 0),
                    tzinfo=tz,
                )
            except ValueError:
                continue
            return when, match.span(), "second" if with_seconds else "minute"
    return None


def _generic(stem: str, tz: ZoneInfo) -> FilenameFacts:
    found = generic_when(stem, tz)
    occurred, span, precision = found if found else (None, None, "second")
    # The date part is removed before looking for the number, so a timestamp is never taken for one.
    rest = stem[: span[0]] + " " + stem[span[1] :] if span else stem
    numbers = tuple(dict.fromkeys(normalise_number(m.group()) for m in _GENERIC_NUMBER.finditer(rest)))
    return FilenameFacts(
        numbers[0] if numbers else "",
        occurred,
        "generic" if numbers or occurred else "",
        numbers,
        precision=precision,
        guessed=bool(numbers or occurred),
    )


PARSERS = (_bcr, _miui, _coloros, _lineage, _huawei, _iphone)


def parse_recording_filename(name: str, tz: ZoneInfo = SHANGHAI) -> FilenameFacts:
    """Return the number and time a recorder wrote into `name`; empty facts when none are found.

    Times without an offset are read as wall time in `tz`, the case's time zone."""
    stem = name.rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    for parser in PARSERS:
        facts = parser(stem, tz)
        if facts is not None:
            return facts
    return _generic(stem, tz)


def parse_bcr_sidecar(data: bytes, tz: ZoneInfo = SHANGHAI) -> FilenameFacts | None:
    """Read BCR's `.json` sidecar (direction, SIM, the call log's name and number); None when it is not one."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(doc, dict) or "direction" not in doc or "calls" not in doc:
        return None
    calls = [c for c in doc.get("calls") or [] if isinstance(c, dict)]
    numbers = tuple(n for n in (normalise_number(str(c.get("phone_number") or "")) for c in calls) if n)
    when = None
    if isinstance(doc.get("timestamp"), str):
        try:
            when = datetime.fromisoformat(doc["timestamp"])
            when = when.astimezone(tz) if when.tzinfo else when.replace(tzinfo=tz)
        except ValueError:
            when = None
    name = next((str(c.get("contact_name") or c.get("caller_name") or "") for c in calls), "") or str(
        doc.get("call_log_name") or ""
    )
    direction = {"in": "incoming", "out": "outgoing"}.get(str(doc.get("direction")), "")
    return FilenameFacts(
        numbers[0] if numbers else "",
        when,
        "bcr",
        numbers,
        name,
        direction,
        extra={"sim": str(doc.get("sim_slot") or "")},
    )
