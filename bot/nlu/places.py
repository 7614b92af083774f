"""Places in a message: building (楼栋), unit (单元) and room (户), as the strings people mean."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Words before a number that make it a count ("这3栋楼", "一共4个单元"), not a name.
_COUNTING = r"(?<!这)(?<!那)(?<!有)(?<!共)(?<!几)(?<!每)(?<!各)(?<!近)(?<!约)(?<!达)"
_NOT_DIGIT_BEFORE = r"(?<![0-9#@_a-zA-Z])(?<![0-9][.:/-])"
_B = r"[0-9]{1,3}"
_FULL_RE = re.compile(rf"{_NOT_DIGIT_BEFORE}({_B})\s?[-#]\s?([0-9]{{1,2}})\s?-\s?([0-9]{{3,4}})(?![0-9]|-[0-9])")
_BUILDING_RE = re.compile(
    rf"{_NOT_DIGIT_BEFORE}{_COUNTING}(?:({_B})|(?<![a-zA-Z])([a-zA-Z][0-9]{{0,3}}))\s?(号楼|楼栋|栋|幢|座|号院|#楼?)"
    rf"|{_NOT_DIGIT_BEFORE}{_COUNTING}({_B})\s?(?:楼|号)(?=\s?[0-9]{{1,2}}\s?单元)"
)
_UNIT_RE = re.compile(rf"{_NOT_DIGIT_BEFORE}{_COUNTING}([0-9]{{1,2}})\s?(?:单元|门洞)")
# Right after a building or unit: "5栋302", "3单元201家", "6号楼2-301", "B座1502".
_ROOM_AFTER_RE = re.compile(r"\s?(?:([0-9]{1,2})\s?-\s?)?([0-9]{3,4})(?![0-9])")
_ROOM_MARKED_RE = re.compile(rf"{_NOT_DIGIT_BEFORE}([0-9]{{3,4}})\s?(?:室|房间|号房)")
_ROOM_AT_HOME_RE = re.compile(r"(?:我家|家住|住在|家在)\s?([0-9]{3,4})(?![0-9])")
# A bare number that looks like a door: floor 1-39 then door 01-20 ("302", "1101").
_BARE_RE = re.compile(rf"{_NOT_DIGIT_BEFORE}{_COUNTING}(?<!第)(?<!超过)([0-9]{{3,4}})(?![0-9.:%/])"
                      r"(?!\s?(?:年|元|块|米|度|号|人|个|名|位|次|天|多|万|份|套|岁|斤|公里|平|mm|cm|kg|w))")
_SERVICE_NUMBERS = frozenset({"110", "119", "120", "122", "114", "12345", "12315"})


# Every place above holds a digit, or a letter before a building word ("B座"); most chat holds neither.
_MAY_HOLD_PLACE_RE = re.compile(r"[0-9]|[a-zA-Z]\s?(?:号楼|楼栋|栋|幢|座|号院|#)")
# What may stand around an address written alone ("第5栋第2单元301室"), and nothing else.
_ADDRESS_FILLER_RE = re.compile(r"[第室号户家的\s,.!。]")


@dataclass(frozen=True)
class Place:
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    phrase: str | None = None  # the words it was read from, for --explain


_NOWHERE = Place()


def find_place(text: str) -> Place:
    """The first building, unit and room named in normalised text (digits already ASCII)."""
    if not _MAY_HOLD_PLACE_RE.search(text):
        return _NOWHERE
    m = _FULL_RE.search(text)
    if m:
        return Place(_num(m.group(1)), _num(m.group(2)), _num(m.group(3)), m.group(0))
    building = unit = room = None
    spans: list[tuple[int, int]] = []
    b = _BUILDING_RE.search(text)
    if b:
        digits = b.group(1) or b.group(4)
        building = _num(digits) if digits else b.group(2).upper()
        spans.append(b.span())
    u = _UNIT_RE.search(text)
    if u:
        unit = _num(u.group(1))
        spans.append(u.span())
    if b or u:
        r = _ROOM_AFTER_RE.match(text, (u or b).end())
        if r:
            if r.group(1) and unit is None:
                unit = _num(r.group(1))
            room = _num(r.group(2))
            spans.append(r.span())
    if room is None:
        room = _loose_room(text, spans)
    phrase = text[min(s for s, _ in spans):max(e for _, e in spans)] if spans else None
    if room is not None and phrase is None:
        phrase = room
    return Place(building, unit, room, phrase)


def find_address(text: str) -> Place | None:
    """The place when normalised text is an address and nothing more ("3号院2单元301", "5栋", "A座3单元1202");
    None when it names no building or says something besides ("5栋2单元301漏水了")."""
    place = find_place(text)
    if place.building is None or place.phrase is None:
        return None
    rest = _ADDRESS_FILLER_RE.sub("", text.replace(place.phrase, "", 1))
    return place if not rest else None


def _loose_room(text: str, taken: list[tuple[int, int]]) -> str | None:
    for rx in (_ROOM_MARKED_RE, _ROOM_AT_HOME_RE):
        m = rx.search(text)
        if m:
            taken.append(m.span(1))
            return _num(m.group(1))
    for m in _BARE_RE.finditer(text):
        digits = m.group(1)
        if digits in _SERVICE_NUMBERS or not _looks_like_door(digits):
            continue
        taken.append(m.span(1))
        return _num(digits)
    return None


def _looks_like_door(digits: str) -> bool:
    floor, door = int(digits[:-2]), int(digits[-2:])
    return 1 <= floor <= 39 and 1 <= door <= 20


def _num(digits: str) -> str:
    return str(int(digits))
