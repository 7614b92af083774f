"""Who gets a request: a table of rules over a snapshot of who holds which role where."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.model.roles import Role
from bot.model.tickets import SPECIALIST_FOR

# Who can act at once on danger besides the grid worker: the police for a fight, the property
# company for a trapped lift or a burst pipe, the health worker for a fall.
URGENT_ALSO: dict[str, Role] = {
    "safety": Role.POLICE,
    "facility": Role.PROPERTY,
    "water": Role.PROPERTY,
    "electric": Role.PROPERTY,
    "heating_gas": Role.PROPERTY,
    "health": Role.HEALTH,
    "elderly": Role.HEALTH,
}

# What an urgent reporter is told to call, by field: fire and gas 119, injury 120, police 110.
# The words of the message come first: a kitchen fire filed under 治安消防 still needs 119.
_FIRE = re.compile(r"火|烟|烧|爆炸|煤气|燃气|天然气|液化气|漏气|电线.{0,4}(冒|打)火")
_INJURY = re.compile(r"摔|晕|昏|受伤|流血|不省人事|喘不上|心脏|中风|起不来")
EMERGENCY_NUMBER: dict[str, str] = {
    "heating_gas": "119",
    "electric": "119",
    "health": "120",
    "elderly": "120",
    "safety": "110",
}


def emergency_number(category: str, text: str) -> str | None:
    if _FIRE.search(text):
        return "119"
    if _INJURY.search(text):
        return "120"
    return EMERGENCY_NUMBER.get(category)


@dataclass(frozen=True)
class Directory:
    """Who holds which role in one community; person ids in roster order."""

    community_id: int
    grid_workers: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # (role, grid id) for a grid's own specialist, (role, None) for the community's.
    specialists: dict[tuple[Role, int | None], tuple[int, ...]] = field(default_factory=dict)
    admins: tuple[int, ...] = ()

    def specialist(self, role: Role, grid_id: int | None) -> int | None:
        own = self.specialists.get((role, grid_id)) if grid_id is not None else None
        found = own or self.specialists.get((role, None))
        return found[0] if found else None


@dataclass(frozen=True)
class Route:
    assignee: int | None
    reason: str  # specialist | grid_worker | admin | nobody
    also_notify: tuple[int, ...] = ()


def route(category: str, urgent: bool, grids: list[int], directory: Directory,
          exclude: frozenset[int] = frozenset()) -> Route:
    """The owner of a request.

    `grids` are the candidate grids in order of preference: the building named in the message,
    the reporter's home, the group the message came from. `exclude` holds people who handed the
    request back and must not get it again.
    """
    grid = grids[0] if grids else None
    worker = next(
        (p for g in grids for p in directory.grid_workers.get(g, ()) if p not in exclude), None
    )
    admin = next((p for p in directory.admins if p not in exclude), None)
    if urgent:
        also = [a for a in directory.admins if a not in exclude]
        if (role := URGENT_ALSO.get(category)) and (specialist := directory.specialist(role, grid)):
            also.append(specialist)
        if not grids:
            # Danger with no known place: every grid worker hears of it, someone is nearby.
            also += [p for ids in directory.grid_workers.values() for p in ids]
        owner = worker or admin
        also = [p for p in dict.fromkeys(also) if p != owner]
        return Route(owner, "grid_worker" if worker else ("admin" if admin else "nobody"), tuple(also))
    role = SPECIALIST_FOR.get(category)
    if role is not None:
        specialist = directory.specialist(role, grid)
        if specialist is not None and specialist not in exclude:
            return Route(specialist, "specialist")
    if worker is not None:
        return Route(worker, "grid_worker")
    if admin is not None:
        return Route(admin, "admin")
    return Route(None, "nobody")
