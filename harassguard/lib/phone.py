"""Phone numbers: the one place that parses, normalises, finds and masks them.

A number is stored in one normal form so that the same line seen in a recording's
file name, a call-log row, a screenshot and a statement is one number:
mainland numbers in their national form without separators (13812345678,
02155558888, 4008001234, 95588), other countries' in E.164 (+85291234567).
Parsing uses Google's libphonenumber data (the `phonenumbers` package); the
mainland service numbers it does not know (95xxx bank hotlines, 106 SMS
gateways) are kept as their digits.
"""

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberMatcher

REGION = "CN"
# Mainland service numbers libphonenumber does not parse as valid: 95xxx(x) hotlines, 106 SMS gateways.
_SERVICE = re.compile(r"(?<![\d+])(?:95\d{3,4}|106\d{5,17})(?!\d)")
_SEPARATORS = re.compile(r"[^\d+]")


def _digits(raw: str) -> str:
    return _SEPARATORS.sub("", raw)


def parse(raw: str) -> phonenumbers.PhoneNumber | None:
    """The number `raw` writes, read as a mainland number unless it has a country code; None if unreadable."""
    try:
        return phonenumbers.parse(_digits(raw), REGION)
    except NumberParseException:
        return None


def normalise(raw: str) -> str:
    """Return `raw` in the stored form: "+86 138-1234-5678" → "13812345678", "+852 9123 4567" → "+85291234567".

    Text with no digits gives ""; what libphonenumber cannot read as a valid
    number keeps its digits (and a leading + or 00 country prefix)."""
    digits = _digits(raw)
    if not digits.strip("+"):
        return ""
    number = parse(digits)
    if number is None or not phonenumbers.is_valid_number(number):
        return _strip_china_code(digits)
    if number.country_code == 86:
        return _digits(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _strip_china_code(digits: str) -> str:
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 5:
            return digits[len(prefix) :]
    return digits


def number_spans(text: str) -> list[tuple[int, int, str]]:
    """Where numbers are written in `text`: (start, end, normalised number), in order, not overlapping."""
    spans = [(m.start, m.end, normalise(m.raw_string)) for m in PhoneNumberMatcher(text, REGION)]
    spans += [(m.start(), m.end(), m.group()) for m in _SERVICE.finditer(text)]
    result: list[tuple[int, int, str]] = []
    for start, end, number in sorted(spans):
        if number and (not result or start >= result[-1][1]):
            result.append((start, end, number))
    return result


def find_numbers(text: str) -> list[str]:
    """Return the distinct phone numbers written in `text`, normalised, in order of appearance.

    Amounts, order numbers and dates are not numbers: only what libphonenumber
    finds valid for the mainland (or with its own country code), and the
    service numbers above, count."""
    found = [
        (m.start, phonenumbers.format_number(m.number, PhoneNumberFormat.E164))
        for m in PhoneNumberMatcher(text, REGION)
    ]
    found += [(m.start(), m.group()) for m in _SERVICE.finditer(text)]
    numbers: list[str] = []
    for _start, raw in sorted(found):
        number = normalise(raw)
        if number and number not in numbers:
            numbers.append(number)
    return numbers


# Mainland public numbers of banks, customer service and SMS platforms: 95xxx, 96xxx, 400/800, 106, 1xxxx.
_PUBLIC = re.compile(r"^(95\d{3,4}|96\d{3,4}|400\d{7}|800\d{7}|106\d+|1\d{4})$")


def is_public_service(number: str) -> bool:
    """True for a bank, customer-service or SMS-platform number: a company's, no person's."""
    return bool(_PUBLIC.match(normalise(number)))


def is_mainland_mobile(number: str) -> bool:
    number = normalise(number)
    return len(number) == 11 and number.startswith("1")


def is_overseas(number: str) -> bool:
    """True for a number with a country code other than China's (+852, 00886, …)."""
    number = normalise(number)
    return number.startswith("+") or number.startswith("00")


def is_virtual(number: str, prefixes: list[str]) -> bool:
    """True for a mainland mobile in a virtual-operator (MVNO) range; `prefixes` are data (the rule set's)."""
    number = normalise(number)
    return is_mainland_mobile(number) and any(number.startswith(p) for p in prefixes)


def mask(number: str) -> str:
    """138****5678 for a mobile; other numbers keep their first three and last two digits."""
    digits = re.sub(r"\D", "", number)
    if len(digits) >= 11:
        return f"{digits[-11:-8]}****{digits[-4:]}"
    if len(digits) >= 6:
        return f"{digits[:3]}{'*' * (len(digits) - 5)}{digits[-2:]}"
    return "*" * len(digits)
