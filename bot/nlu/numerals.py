"""Chinese numerals to integers: 三 → 3, 二十一 → 21, 两百零五 → 205, 一〇二 → 102."""
from __future__ import annotations

import re

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "洞": 0,
    "一": 1, "幺": 1, "壹": 1,
    "二": 2, "两": 2, "贰": 2,
    "三": 3, "叁": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "万": 10000}

NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)
# One run of numeral characters or ASCII digits, for callers that scan text.
NUMBER_RE = re.compile(rf"[0-9]+|[{NUMERAL_CHARS}]+")


def to_int(text: str) -> int | None:
    """The value of a run of ASCII digits or Chinese numerals; None when it is not a number.

    Digit-by-digit readings ("一〇二", "二零一") are read as positional digits, as people write
    room numbers; readings with 十/百/千 are read as amounts.
    """
    s = text.strip()
    if not s:
        return None
    if s.isascii():
        return int(s) if s.isdigit() else None
    if any(ch not in DIGITS and ch not in UNITS for ch in s):
        return None
    if not any(ch in UNITS for ch in s):
        return int("".join(str(DIGITS[ch]) for ch in s))
    return _amount(s)


def _amount(s: str) -> int | None:
    total = 0  # completed 万 groups
    section = 0  # below 万
    digit: int | None = None
    for ch in s:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0:
                return None  # "三四十" is a range, not a number
            digit = DIGITS[ch] if DIGITS[ch] != 0 else None
            continue
        unit = UNITS[ch]
        if unit == 10000:
            section += digit or 0
            total = (total + section) * 10000
            section, digit = 0, None
            continue
        section += (1 if digit is None else digit) * unit
        digit = None
    return total + section + (digit or 0)
