"""Reading the counterparty number and call time from call-recorder file names.

Android recorders name files after the call, e.g. `13812345678_20230512143000.amr`,
`通话录音 13812345678 2023-05-12 14-30-00.m4a`,
`+8613812345678(13812345678)_20230512143000.mp3`, `张三(13812345678)_20230512143000.mp3`,
`13812345678 20230512_143000.m4a`, `Call recording 张三_230512_143000.m4a`.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from harassguard.lib import phone

SHANGHAI = ZoneInfo("Asia/Shanghai")

# A phone number: mainland mobile or landline, service numbers, with an optional country code.
_NUMBER = r"(?P<number>(?:\+|00)?\d[\d\- ]{3,18}\d)"
# Date and time in the separators recorders use: 20230512143000, 2023-05-12 14-30-00,
# 20230512_143000, 230512_143000.
_WHEN = (r"(?<!\d)(?P<year>(?:19|20)?\d{2})[-_.]?(?P<month>\d{2})[-_.]?(?P<day>\d{2})[ _\-T]?"
         r"(?P<hour>\d{2})[-_.:]?(?P<minute>\d{2})[-_.:]?(?P<second>\d{2})(?!\d)")


@dataclass(frozen=True)
class FilenameFacts:
    number: str = ""
    occurred_at: datetime | None = None

    @property
    def found(self) -> list[str]:
        """The names of the facts that came from the file name."""
        return [name for name, value in (("counterparty_number", self.number), ("occurred_at", self.occurred_at)) if value]


def normalise_number(raw: str) -> str:
    """Return a phone number in the stored form (see harassguard.lib.phone.normalise)."""
    return phone.normalise(raw)


def _numbers(stem: str) -> list[str]:
    # Dates look like long numbers too; drop runs that parse as the date part.
    return [m.group("number") for m in re.finditer(_NUMBER, stem)]


def _when(stem: str) -> datetime | None:
    for match in re.finditer(_WHEN, stem):
        parts = match.groupdict()
        year = int(parts["year"])
        year = year + 2000 if year < 100 else year
        try:
            return datetime(year, int(parts["month"]), int(parts["day"]), int(parts["hour"]),
                            int(parts["minute"]), int(parts["second"]), tzinfo=SHANGHAI)
        except ValueError:
            continue
    return None


def parse_recording_filename(name: str) -> FilenameFacts:
    """Return the number and time a recorder wrote into `name`; empty facts when none are found."""
    stem = name.rsplit(".", 1)[0]
    occurred = _when(stem)
    # Remove the date part before looking for the number, so a timestamp is not taken for one.
    without_date = re.sub(_WHEN, " ", stem) if occurred else stem
    candidates = [normalise_number(n) for n in _numbers(without_date)]
    numbers = [n for n in candidates if 5 <= len(n.lstrip("+")) <= 15]
    # "+8613812345678(13812345678)": both are the same number once normalised.
    return FilenameFacts(number=numbers[0] if numbers else "", occurred_at=occurred)
