"""Who a task expects an answer from, given the places and heads a message names. Pure functions."""
from __future__ import annotations

from dataclasses import dataclass

from bot.nlu.scope import Places
from bot.model.tasks import Slot


@dataclass(frozen=True)
class Post:
    """A unit or building head of the grid, where they serve."""

    building: str
    unit: str | None
    person_id: int
    name: str


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
