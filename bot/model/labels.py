"""How places are printed: "5栋", "3单元", "5栋2单元301"."""
from __future__ import annotations

import re


def building_label(building: str) -> str:
    """How a building is shown: "5" → "5栋", "A" → "A座", a proper name as it is."""
    if building.isdigit():
        return f"{building}栋"
    if re.fullmatch(r"[A-Za-z0-9]+", building):
        return f"{building}座"
    return building


def unit_label(unit: str) -> str:
    """How a unit is shown: "3" → "3单元"."""
    return unit if unit.endswith("单元") else f"{unit}单元"


def address_label(building: str | None, unit: str | None = None, room: str | None = None) -> str:
    """"5栋2单元301", leaving out the missing levels; "" when all are missing."""
    parts = []
    if building:
        parts.append(building_label(building))
    if unit:
        parts.append(unit_label(unit))
    if room:
        parts.append(room)
    return "".join(parts)
