"""Which places and which heads a message speaks to: "1栋和2栋", "3至5单元", "各楼栋长"."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.normalize import normalize as _normalize
from bot.nlu.addresses import normalize_building, normalize_unit

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
