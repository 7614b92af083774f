"""Who may do what: permission decisions as plain functions over people and what they touch."""
from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Assignment, Person
from bot.elders.model import Elder, Responder
from bot.roles import Role

# -- elders ------------------------------------------------------------------------------------
# An elder's health notes and family phone are for those who answer for them: their 包保人, the grid
# worker of their grid, the health worker and the community's admins. Nobody else, never in a group.


def _serves(a: Assignment, elder: Elder) -> bool:
    return a.community_id == elder.community_id


def is_keeper(person: Person | None, elder: Elder) -> bool:
    return person is not None and person.id in elder.keeper_ids


def may_see_elder(person: Person | None, elder: Elder) -> bool:
    """The elder's whole record: health notes, family name and phone, visits."""
    if person is None or not person.active:
        return False
    if is_keeper(person, elder):
        return True
    for a in person.roles:
        if not _serves(a, elder):
            continue
        if a.role is Role.ADMIN:
            return True
        if a.role is Role.HEALTH and (a.grid_id is None or a.grid_id == elder.grid_id):
            return True
        if a.role is Role.GRID_WORKER and elder.grid_id is not None and a.grid_id == elder.grid_id:
            return True
    return False


def may_log_visit(person: Person | None, elder: Elder) -> bool:
    """Whether someone's "去看了王奶奶" counts as a visit: those who may see the elder, the building's
    heads, and the community's volunteers (the 天天敲门组)."""
    if may_see_elder(person, elder):
        return True
    if person is None or not person.active:
        return False
    for a in person.roles:
        if not _serves(a, elder):
            continue
        if a.role is Role.VOLUNTEER:
            return True
        if a.role in (Role.BUILDING_HEAD, Role.UNIT_HEAD) and a.building == elder.building:
            return True
    return False


@dataclass(frozen=True)
class ElderScope:
    """The elders someone may look through beyond their own: a community, limited to some grids
    (None: every grid) and, for building heads, to some buildings."""

    community_id: int
    grid_ids: frozenset[int] | None = None
    buildings: frozenset[str] | None = None


def elders_seen_by(person: Person) -> ElderScope | None:
    """Beyond their own 包保 elders, whose records a person may list; None for nobody else's."""
    grids: set[int] = set()
    for a in person.roles:
        if a.community_id != person.community_id:
            continue
        if a.role is Role.ADMIN or (a.role is Role.HEALTH and a.grid_id is None):
            return ElderScope(person.community_id)
        if a.role in (Role.GRID_WORKER, Role.HEALTH) and a.grid_id is not None:
            grids.add(a.grid_id)
    return ElderScope(person.community_id, frozenset(grids)) if grids else None


def visits_logged_by(person: Person) -> ElderScope | None:
    """Whose visits a person may log beyond their own elders (the widest scope they have)."""
    seen = elders_seen_by(person)
    if seen is not None and seen.grid_ids is None:
        return seen
    if person.has(Role.VOLUNTEER):
        return ElderScope(person.community_id)
    buildings = frozenset(a.building for a in person.roles
                          if a.role in (Role.BUILDING_HEAD, Role.UNIT_HEAD) and a.building)
    if seen is None and not buildings:
        return None
    if seen is None:
        return ElderScope(person.community_id, frozenset(), buildings)
    return ElderScope(person.community_id, seen.grid_ids, buildings or None)


# -- the 防走失 finder flow -------------------------------------------------------------------------
# When a stranger scans an elder's code, the elder's family (if linked), 包保人, the grid worker, the
# admins and the police are alerted. The alert carries the health notes and the family's phone: the
# people who go and fetch the elder need them. The finder only ever sees the given name and photo.

def is_lost_responder(a: Assignment, elder: Elder) -> bool:
    """A role alerted when the elder's code is scanned (besides the family and the 包保人)."""
    if a.community_id != elder.community_id:
        return False
    if a.role in (Role.ADMIN, Role.POLICE):
        return a.grid_id is None or a.grid_id == elder.grid_id
    return a.role is Role.GRID_WORKER and elder.grid_id is not None and a.grid_id == elder.grid_id


def may_talk_to_finder(telegram_id: int | None, responders: list[Responder]) -> bool:
    """Only those who were alerted may write to the finder or say the elder is safe."""
    return telegram_id is not None and any(r.telegram_id == telegram_id for r in responders)
