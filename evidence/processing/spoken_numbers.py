"""Numbers heard as words, written as digits where that is unambiguous.

Collectors read out phone numbers, amounts and dates; whisper writes them as Chinese words
("一三八一二三四五六七八", "两千五"). The transcript shows digits, so they can be searched and
compared with the case's numbers; the words heard stay beside them (`Segment.heard`).

Two forms are converted, nothing else:
- digit by digit, four or more digits in a row (phone numbers, years, card numbers):
  一三八一二三四五六七八 → 13812345678, 二零二三年 → 2023年, 幺 read as 1;
- positional, with at least one digit and one unit (十 百 千 万 亿), in the strict grammar or the
  spoken short forms: 两千五 → 2500, 三百五 → 350, 一万二 → 12000, 一千零五 → 1005, 三十多岁 → 30多岁;
  百分之五十 → 50%.
Anything that does not parse stays as heard: 十分 (very), 千万 (by all means), 万一 (in case), 三四个
(three or four), 十几, 五六百, 七七八八, decimals and clock times (五点半).
"""

import re

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "幺": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10**4, "亿": 10**8}
# After these, a trailing digit is a count of its own ("一千万一个月"), not a short form.
MEASURE_WORDS = set("个次位天月年号岁点分秒遍条家张")

_DIGIT_RUN = re.compile(
    r"(?<![零〇一幺二两三四五六七八九十百千万亿])[零〇一幺二三四五六七八九]{4,}"
    r"(?![零〇一幺二两三四五六七八九十百千万亿])"
)
_POSITIONAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")


def _below_10000(text: str, next_char: str) -> int | None:
    """Parse a number below 10000 ("三千零五", "十五", "两千五"); None if it is not one."""
    if not text:
        return 0
    if text[0] == "十":
        text = "一" + text
    total, last_unit, i, digit = 0, 10**4, 0, None
    while i < len(text):
        char = text[i]
        if char in DIGITS:
            if digit is not None:
                return None  # two digits in a row ("三四十")
            digit = DIGITS[char]
            if char in "零〇":
                digit = None
                if i + 1 == len(text) or text[i + 1] in SMALL_UNITS:
                    return None
        elif char in SMALL_UNITS:
            unit = SMALL_UNITS[char]
            if digit is None or unit >= last_unit:
                return None
            total, last_unit, digit = total + digit * unit, unit, None
        else:
            return None
        i += 1
    if digit is not None:
        zero_before = len(text) > 1 and text[-2] in "零〇"
        if last_unit >= 100 and last_unit < 10**4 and not zero_before:
            if next_char in MEASURE_WORDS:
                return None
            total += digit * last_unit // 10  # the short form: 两千五 = 2500
        else:
            total += digit
    return total


def parse_positional(text: str, next_char: str = "") -> int | None:
    """Return the value of a positional Chinese number, or None where it is not unambiguous."""
    if text[0] not in DIGITS and text[0] != "十" or text[0] in "零〇":
        return None
    if not any(c in DIGITS for c in text) or not any(c in SMALL_UNITS or c in BIG_UNITS for c in text):
        return None
    total, rest = 0, text
    for unit_char, unit in (("亿", 10**8), ("万", 10**4)):
        if unit_char in rest:
            high, rest = rest.split(unit_char, 1)
            if unit_char in rest or not high:
                return None
            value = _below_10000(high, "")
            if value is None or value == 0:
                return None
            total += value * unit
            if rest and rest[0] in DIGITS and len(rest) == 1 and rest not in "零〇":
                if next_char in MEASURE_WORDS:
                    return None
                return total + DIGITS[rest] * unit // 10  # 一万二 = 12000
            if rest.startswith(("零", "〇")):
                rest = rest[1:]
    value = _below_10000(rest, next_char)
    return None if value is None else total + value


def normalise_numbers(text: str) -> str:
    """Return `text` with numbers heard as words written as digits where unambiguous."""

    def digits(match: re.Match) -> str:
        run = match.group()
        if len(run) == 4 and run[0] == run[1] and run[2] == run[3]:
            return run  # 七七八八 and the like
        return "".join(str(DIGITS[c]) for c in run)

    def positional(match: re.Match) -> str:
        run = match.group()
        if not any(c in SMALL_UNITS or c in BIG_UNITS for c in run):
            return run
        after = text[match.end() : match.end() + 1]
        value = parse_positional(run, after)
        return run if value is None else str(value)

    text = _DIGIT_RUN.sub(digits, text)
    text = _POSITIONAL.sub(positional, text)
    return re.sub(r"百分之(\d+)", r"\1%", text)
