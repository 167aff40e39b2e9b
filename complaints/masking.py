"""Hiding third parties' names and phone numbers in letters that do not need them.

Relatives and colleagues whom collectors called did not choose to be in the
case: a letter to a platform or a regulator names them as 王* and 138****5678.
The victim's own identity and the collectors' numbers stay as they are.
"""

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from harassguard.lib import phone

# Chinese mobile numbers, optionally with +86 and spaces or dashes (138 1234 5678).
MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
DIGITS = re.compile(r"\D")


def mask_number(number: str) -> str:
    """138****5678 for a mobile; other numbers keep their first three and last two digits."""
    return phone.mask(number)


def mask_name(name: str) -> str:
    """张* for two characters, 张** for three, J*** for a Latin name: the first character stays."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else name


@dataclass
class ThirdParties:
    """Who must be masked: names of people contacted, and their own numbers."""

    names: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    # Numbers that are never masked even when they look like a third party's: the victim's, the collectors'.
    keep_numbers: set[str] = field(default_factory=set)


def _normal(number: str) -> str:
    return phone.normalise(number)


def _kept(parties: ThirdParties) -> set[str]:
    return {_normal(n) for n in parties.keep_numbers if n}


def _names_to_hide(parties: ThirdParties, keep_names: AbstractSet[str]) -> list[str]:
    # Longest first, so 王芳芳 is not half-masked as 王芳 plus 芳.
    return [
        name
        for name in sorted(parties.names, key=len, reverse=True)
        if len(name) >= 2 and not any(name in kept for kept in keep_names)
    ]


def mask_text(text: str, parties: ThirdParties, keep_names: AbstractSet[str] = frozenset()) -> str:
    """Return `text` with every third party's name and every mobile number that is not kept masked.

    Any mobile number that is neither the victim's nor a collector's is treated
    as a third party's, since a quoted statement may name a number we never
    recorded as such."""
    keep = _kept(parties)

    def number(match: re.Match) -> str:
        found = "".join(match.groups())
        return match.group(0) if found in keep else mask_number(found)

    text = MOBILE.sub(number, text)
    text = _mask_other_numbers(text, keep)
    for raw in parties.numbers:
        if raw and _normal(raw) not in keep and len(DIGITS.sub("", raw)) >= 6:
            text = text.replace(raw, mask_number(raw))
    for name in _names_to_hide(parties, keep_names):
        text = text.replace(name, mask_name(name))
    return text


def _mask_other_numbers(text: str, keep: set[str]) -> str:
    """Landlines and foreign numbers that are not kept, masked like mobiles (the mobiles are already done)."""
    for start, end, number in reversed(phone.number_spans(text)):
        if number not in keep and "*" not in text[start:end] and not phone.is_public_service(number):
            text = text[:start] + mask_number(number) + text[end:]
    return text


def unmasked_left(text: str, parties: ThirdParties, keep_names: AbstractSet[str] = frozenset()) -> list[str]:
    """What mask_text would still hide in `text` (after the user's edits): third parties' names, and
    full mobile numbers that are neither the victim's nor a collector's."""
    numbers = (
        {"".join(m.groups()) for m in MOBILE.finditer(text)}
        | {n for _s, _e, n in phone.number_spans(text) if not phone.is_public_service(n)}
    ) - _kept(parties)
    names = {name for name in _names_to_hide(parties, keep_names) if name in text}
    return sorted(names | numbers)
