"""Who a task expects an answer from, and which places a message names. Pure functions."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.places import normalize_building, normalize_unit
from bot.tasks.model import Slot

try:  # the parser's normaliser turns 三单元 into 3单元 and 樓棟 into 楼栋
    from bot.nlu.normalize import normalize as _normalize
except ImportError:  # pragma: no cover - the parser is always there in a full install
    def _normalize(text: str) -> str:
        return text

_CODE = r"[0-9]+|[A-Za-z][0-9]?"
_LIST = rf"(?:{_CODE})(?:\s*(?:、|,|，|和|及|与|跟|/|至|到|~|-|—)\s*(?:{_CODE}))*"
_BUILDINGS_RE = re.compile(rf"(?<![0-9A-Za-z])第?({_LIST})\s*(?:号楼|号栋|栋楼|栋|幢|座)")
_UNITS_RE = re.compile(rf"(?<![0-9A-Za-z])第?({_LIST})\s*单元(?!长)")
_RANGE_RE = re.compile(r"^([0-9]+)\s*(?:至|到|~|-|—)\s*([0-9]+)$")
_SPLIT_RE = re.compile(r"\s*(?:、|,|，|和|及|与|跟|/)\s*")
_MAX_RANGE = 50

BUILDING_WORDS = ("楼栋长", "栋长", "楼长")
UNIT_WORDS = ("单元长",)


@dataclass(frozen=True)
class Post:
    """A unit or building head of the grid, where they serve."""

    building: str
    unit: str | None
    person_id: int
    name: str


@dataclass(frozen=True)
class Places:
    buildings: tuple[str, ...] = ()
    units: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.buildings or self.units)


def _expand(run: str) -> list[str]:
    out: list[str] = []
    for part in _SPLIT_RE.split(run.strip()):
        if not part:
            continue
        m = _RANGE_RE.match(part)
        if m:
            lo, hi = int(m.group(1)), int(m.group(2))
            if lo <= hi and hi - lo <= _MAX_RANGE:
                out += [str(n) for n in range(lo, hi + 1)]
                continue
        for piece in re.split(r"\s*(?:至|到|~|-|—)\s*", part):
            if piece:
                out.append(piece)
    return out


def named_places(text: str) -> Places:
    """Every building and unit a message names: "1栋和2栋", "1、2单元", "3至5单元", "三单元"."""
    norm = _normalize(text)
    buildings: list[str] = []
    units: list[str] = []
    for m in _BUILDINGS_RE.finditer(norm):
        buildings += [b for b in (normalize_building(x) for x in _expand(m.group(1))) if b]
    for m in _UNITS_RE.finditer(norm):
        units += [u for u in (normalize_unit(x) for x in _expand(m.group(1))) if u]
    return Places(tuple(dict.fromkeys(buildings)), tuple(dict.fromkeys(units)))


def audience_of(text: str) -> str:
    """'building' when the text speaks to 楼栋长 (and not to 单元长), else 'unit'."""
    norm = _normalize(text)
    if any(w in norm for w in UNIT_WORDS):
        return "unit"
    if any(w in norm for w in BUILDING_WORDS):
        return "building"
    return "unit"


def resolve_scope(audience: str, places: Places, unit_heads: list[Post],
                  building_heads: list[Post]) -> list[Slot]:
    """The slots a task expects: every head of the grid for its audience, narrowed to the places named.

    A place that matches nobody in the grid is ignored rather than leaving the task without anyone.
    """
    posts = building_heads if audience == "building" else unit_heads
    chosen = list(posts)
    if places.buildings:
        narrowed = [p for p in chosen if p.building in places.buildings]
        chosen = narrowed or chosen
    if places.units and audience == "unit":
        narrowed = [p for p in chosen if p.unit in places.units]
        chosen = narrowed or chosen
    slots: dict[tuple[str, str | None], Slot] = {}
    for p in chosen:
        key = (p.building, p.unit if audience == "unit" else None)
        if key not in slots:  # one line per place; a second head of the same unit is not another line
            slots[key] = Slot(key[0], key[1], p.person_id, p.name)
    return sorted(slots.values(), key=lambda s: (_natural(s.building), _natural(s.unit or "")))


def _natural(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (1 << 30, name)
