"""Phone number facts the rules use."""

from evidence.processing.filenames import normalise_number


def is_overseas(number: str) -> bool:
    """True for a number with a country code other than China's (+852, 00886, …)."""
    number = normalise_number(number)
    return number.startswith("+") or number.startswith("00")


def is_virtual(number: str, prefixes: list[str]) -> bool:
    """True for a mainland mobile number in a virtual-operator range (170, 171, 165, …)."""
    number = normalise_number(number)
    return len(number) == 11 and any(number.startswith(p) for p in prefixes)
