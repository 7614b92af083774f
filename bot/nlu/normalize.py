"""Text normalisation: traditional → simplified (OpenCC), full-width → half-width, numerals before measure words → digits."""
from __future__ import annotations

import re
import unicodedata

import opencc

from bot.nlu.numerals import DIGITS, NUMERAL_CHARS, UNITS, to_int

# OpenCC keeps a few traditional spellings that are also valid simplified ones; people mean these.
_FIXUPS = {"著火": "着火", "週": "周", "髮": "发"}
_DASHES = str.maketrans({"—": "-", "–": "-", "−": "-", "－": "-", "～": "~", "﹣": "-", "‐": "-"})
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u2028\u2029\u2060\ufeff\u00ad]")
_SPACE_RE = re.compile(r"\s+")

# Measure words after which a run of numerals is a number ("三单元", "二十一栋", "十二月一日", "五个人").
# 点 is handled apart: "一点都不热" / "快一点" are not times.
_MEASURES = ("号楼|栋|幢|座|单元|楼|层|室|户|号|个|位|名|人|岁|月|日|天|周|年|分钟|分|小时|次|份|套|元|块|度|"
             "家|间|辆|条|张|遍|趟|倍|斤|米")
_NUM_RUN = f"[{NUMERAL_CHARS}]+"
_MEASURE_RE = re.compile(rf"({_NUM_RUN})(?=(?:{_MEASURES}))")
_PERIODS = ("上午", "下午", "晚上", "早上", "早晨", "中午", "晌午", "凌晨", "傍晚", "今晚", "明晚", "今早", "明早", "夜里",
            "半夜")
_CLOCK_RE = re.compile(rf"({_NUM_RUN})(?=[点时])")
_CLOCK_AFTER_RE = re.compile(rf"[点时](?:前|之前|以前|半|钟|整|到|至|左右|过|[0-9]|[{NUMERAL_CHARS}]+分)")
_WEEKDAY_WORDS = ("周", "星期", "礼拜")
_POSITIONAL = "零〇一二三四五六七八九幺洞"
_ROOM_AFTER_PLACE_RE = re.compile(rf"(?:(?<=单元)|(?<=号楼)|(?<=栋)|(?<=座))\s?([{_POSITIONAL}]{{3,4}})(?![{NUMERAL_CHARS}])")
# Places: "两栋楼" counts buildings, it never names one.
_PLACE_SUFFIXES = ("号楼", "栋", "幢", "单元", "座")


def normalize(text: str) -> str:
    """The text as the rules read it: simplified, half-width, numbers as digits, single spaces."""
    s = _INVISIBLE_RE.sub("", text)
    s = unicodedata.normalize("NFKC", s).translate(_DASHES)
    if not s.isascii():
        s = numerals_to_digits(to_simplified(s))
    return _SPACE_RE.sub(" ", s).strip()


_converter: opencc.OpenCC | None = None
_traditional: re.Pattern[str] | None = None  # any character t2s changes


def _load_converter() -> opencc.OpenCC:
    """OpenCC's t2s, and the characters it changes (found by converting every CJK character once, ~50 ms)."""
    global _converter, _traditional
    converter = opencc.OpenCC("t2s")
    chars = [chr(i) for i in range(0x3400, 0xA000)] + [chr(i) for i in range(0xF900, 0xFB00)]
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) == len(chars):
        changed = "".join(a for a, b in zip(chars, converted) if a != b)
        _traditional = re.compile(f"[{re.escape(changed)}]") if changed else None
    _converter = converter  # immutable once built
    return converter


def to_simplified(text: str) -> str:
    """Traditional characters and phrases to simplified (OpenCC's t2s), and a few spellings people mean."""
    converter = _converter or _load_converter()
    # Most chat is simplified already: a message without a character t2s changes is given back as it is.
    s = converter.convert(text) if _traditional is None or _traditional.search(text) else text
    for old, new in _FIXUPS.items():
        if old in s:
            s = s.replace(old, new)
    return s


def numerals_to_digits(text: str) -> str:
    """Chinese numerals that stand before a measure word or a clock time, as ASCII digits; a room said digit by
    digit right after its building or unit ("3栋2单元二零一") too."""
    if not any(ch in DIGITS or ch in UNITS for ch in text):
        return text
    text = _CLOCK_RE.sub(_clock, text)
    text = _MEASURE_RE.sub(lambda m: _measure(m, m.string), text)
    return _ROOM_AFTER_PLACE_RE.sub(lambda m: str(to_int(m.group(1))).zfill(len(m.group(1))), text)


def _clock(m: re.Match[str]) -> str:
    before = m.string[:m.start()]
    if before.endswith(_PERIODS) or _CLOCK_AFTER_RE.match(m.string, m.end()):
        return _digits(m.group(1), None, before)
    return m.group(1)


def _measure(m: re.Match[str], text: str) -> str:
    before = text[:m.start()]
    if before.endswith(_WEEKDAY_WORDS):  # 周一、星期三 are weekdays, not "1周"
        return m.group(1)
    return _digits(m.group(1), text[m.end():m.end() + 2], before)


def _digits(run: str, after: str | None, before: str) -> str:
    # "402一户": a numeral right after digits would merge with them.
    if before[-1:].isdigit():
        return run
    # A lone 百/千/万 is a word (百度, 千万), not a number.
    if all(ch in UNITS and ch not in "十拾" for ch in run):
        return run
    if run.startswith("两") and after is not None and after.startswith(_PLACE_SUFFIXES):
        return run
    # "两三天", "五六个人" are ranges; only digit-by-digit runs with a zero ("二零一") read positionally.
    if len(run) > 1 and not any(ch in UNITS for ch in run) and not any(DIGITS[ch] == 0 for ch in run):
        if after is None or not after.startswith(("室", "号", "房")):
            return run
    value = to_int(run)
    return run if value is None else str(value)
