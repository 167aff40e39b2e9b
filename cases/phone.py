"""Phone number facts the rules use."""

from functools import lru_cache

from evidence.processing.filenames import normalise_number


def is_overseas(number: str) -> bool:
    """True for a number with a country code other than China's (+852, 00886, …)."""
    number = normalise_number(number)
    return number.startswith("+") or number.startswith("00")


def is_virtual(number: str, prefixes: list[str]) -> bool:
    """True for a mainland mobile number in a virtual-operator range (170, 171, 165, …)."""
    number = normalise_number(number)
    return len(number) == 11 and any(number.startswith(p) for p in prefixes)


@lru_cache(maxsize=4096)
def number_key(number: str) -> str:
    """The form two sightings of one number share (spaces, +86/0086 and MIUI's p/s removed).

    Every comparison of numbers in the timeline goes through here, so switching to the
    phonenumbers-based normaliser is a change of this one function."""
    return normalise_number(number or "")
