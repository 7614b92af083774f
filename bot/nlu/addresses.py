"""Places as people write them ("五号樓", "３单元", "5-2-301"): normalised, and found in what they say."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.nlu.normalize import normalize, to_simplified
from bot.nlu.numerals import NUMERAL_CHARS, to_int
from bot.nlu.places import find_address

# Longest first, so "号楼" is stripped whole rather than leaving "号".
_BUILDING_SUFFIXES = ("号楼", "号栋", "栋楼", "栋", "幢", "座", "楼", "号")
_UNIT_SUFFIXES = ("单元",)
_ROOM_SUFFIXES = ("室", "号", "户")

# A bare place code: digits, Chinese numerals, or a short letter code such as "A" or "B2".
_CODE = rf"(?:[0-9]+|[{NUMERAL_CHARS}]+|[A-Za-z][A-Za-z0-9]{{0,3}}|[0-9]+[A-Za-z])"
_ADDRESS_MARKED = re.compile(
    rf"(?:第?(?P<b>{_CODE})(?:号楼|号栋|栋楼|栋|幢|座|楼|号))"
    rf"(?:第?(?P<u>{_CODE})单元)?"
    rf"(?:(?P<r>[0-9]+[A-Za-z]?|[{NUMERAL_CHARS}]+)(?:室|号|户)?)?"
)
_ADDRESS_SEPARATORS = re.compile(r"[\s\-‐‑–—―_/\\、,，.。·]+")
_PLAIN_PART = re.compile(rf"{_CODE}")


@lru_cache(maxsize=8192)  # a roster repeats its communities, grids and buildings 100,000 times
def fold(text: str) -> str:
    """Full-width to half-width and traditional to simplified, so "５號樓" compares equal to "5号楼".

    Not for personal names: a name is kept as its owner writes it.
    """
    return to_simplified(unicodedata.normalize("NFKC", text))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))


def _as_code(text: str) -> str | None:
    """A place code's canonical form: numbers without leading zeros, letters upper-case."""
    n = to_int(text)
    if n is not None:
        return str(n)
    if re.fullmatch(r"[A-Za-z0-9]+", text):
        return text.upper()
    return None


@lru_cache(maxsize=8192)
def _normalize(text: str | None, suffixes: tuple[str, ...]) -> str | None:
    if text is None:
        return None
    s = _squeeze(text)
    if not s:
        return None
    core = s[1:] if s.startswith("第") and len(s) > 1 else s
    for suffix in suffixes:
        if core.endswith(suffix) and len(core) > len(suffix):
            code = _as_code(core[: -len(suffix)])
            if code is not None:
                return code
            break
    # A proper name such as "综合楼" or "第一教学楼" is kept whole: stripping a prefix or
    # suffix would turn it into a fragment nobody writes.
    return _as_code(core) or s


def normalize_building(text: str | None) -> str | None:
    """The bare building label: "5栋", "5号楼", "五幢", "5號樓", "5" → "5"; "A座" → "A"; "" → None."""
    return _normalize(text, _BUILDING_SUFFIXES)


def normalize_unit(text: str | None) -> str | None:
    """The bare unit label: "3单元", "三单元", "第3单元", "3" → "3"; "" → None."""
    return _normalize(text, _UNIT_SUFFIXES)


def normalize_room(text: str | None) -> str | None:
    """The bare room label: "201室", "201号", "二〇一" → "201"; "" → None.

    Digits are kept as written ("0201" stays), since some estates do number rooms that way.
    """
    if text is None:
        return None
    s = _squeeze(text)
    for suffix in _ROOM_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    if not s:
        return None
    if s.isascii():
        return s.upper()
    n = to_int(s)
    return str(n) if n is not None else s


# "我住5栋2单元302", "家住5-2-301", "我家在五栋二单元301": the words around an address.
_HOME_WORDS = re.compile(r"^(?:您好|你好)?[,，\s]*(?:我家?(?:住)?(?:在)?|家住(?:在)?|住在?|地址(?:是)?[:：]?)|(?:的?家|号?房间?)?[。.!！]*$")


def parse_address(text: str) -> tuple[str, str | None, str | None] | None:
    """(building, unit, room) from what a resident types: "5栋2单元301", "5-2-301", "5号楼2单元301室",
    "五栋二单元301", "５栋 ２单元 ３０１". None when no building can be read.

    A bare number ("5") is not an address: it could as well be a room or a count.
    """
    s = _HOME_WORDS.sub("", fold(text).strip()).strip()
    if not s:
        return None
    parts = [p for p in _ADDRESS_SEPARATORS.split(s) if p]
    # "5-2-301" and "5 2 301": three bare codes are building, unit, room in that order.
    if len(parts) == 3 and all(_PLAIN_PART.fullmatch(p) for p in parts):
        building, unit, room = (normalize_building(parts[0]), normalize_unit(parts[1]),
                                normalize_room(parts[2]))
        if building and unit and room:
            return building, unit, room
        return None
    # Everything else is read by the same grammar as places in reports.
    place = find_address(normalize(s))
    if place is None:
        return None
    return place.building, place.unit, place.room
