"""Small shared helpers: message refs, the heads of a grid, periods in local time."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.model.domain import Grid, Person
from bot.model.incoming import Incoming
from bot.model.roles import Role
from bot.model.tasks import Reader
from bot.tasks.scope import Post
from storage import Tx

_REF_RE = re.compile(r"^([kn])(\d+):")


def ref_id(ref: str | None, prefix: str) -> int | None:
    """The task (k) or notice (n) id a message ref belongs to: "k12:card" → 12."""
    if not ref:
        return None
    m = _REF_RE.match(ref)
    return int(m.group(2)) if m and m.group(1) == prefix else None


def actor_name(person: Person | None, msg: Incoming | None = None) -> str:
    if person is not None:
        return person.name
    if msg is not None and msg.sender is not None:
        return msg.sender.display_name
    return "有人"


def home_buildings(person: Person | None) -> tuple[str, ...]:
    if person is None:
        return ()
    roles = (Role.UNIT_HEAD, Role.BUILDING_HEAD, Role.RESIDENT)
    return tuple(dict.fromkeys(a.building for a in person.roles if a.role in roles and a.building))


async def grid_posts(tx: Tx, grid: Grid) -> tuple[list[Post], list[Post]]:
    """The unit heads and building heads of a grid, where each serves."""
    buildings = {b.name for b in await tx.places.buildings_of_grid(grid.id)}
    found: dict[Role, list[Post]] = {Role.UNIT_HEAD: [], Role.BUILDING_HEAD: []}
    for role in found:
        for p in await tx.people.holding(role, grid.community_id, grid.id):
            for a in p.roles:
                if a.role is role and a.building and (a.grid_id == grid.id or a.building in buildings):
                    if role is Role.UNIT_HEAD and not a.unit:
                        continue
                    found[role].append(Post(a.building, a.unit if role is Role.UNIT_HEAD else None, p.id, p.name))
    return found[Role.UNIT_HEAD], found[Role.BUILDING_HEAD]


async def grid_readers(tx: Tx, grid: Grid, skip: int | None = None,
                       audiences: tuple[str, ...] = ()) -> list[Reader]:
    """Everyone a notice to the grid is meant for: its building and unit heads (or those of them it names:
    "楼栋长明晚开会" is for building heads), once each."""
    unit_heads, building_heads = await grid_posts(tx, grid)
    if audiences:
        unit_heads = unit_heads if "unit" in audiences else []
        building_heads = building_heads if "building" in audiences else []
    seen: dict[int, Reader] = {}
    for post in building_heads + unit_heads:
        if post.person_id == skip or post.person_id in seen:
            continue
        person = await tx.people.get(post.person_id)
        seen[post.person_id] = Reader(post.person_id, post.name, person.telegram_id if person else None)
    return list(seen.values())


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone)


def week_start(now: datetime, zone: ZoneInfo) -> datetime:
    today = now.astimezone(zone).date()
    return local_midnight(today - timedelta(days=today.weekday()), zone)


def month_start(now: datetime, zone: ZoneInfo) -> datetime:
    today = now.astimezone(zone).date()
    return local_midnight(today.replace(day=1), zone)


def next_month_start(now: datetime, zone: ZoneInfo) -> datetime:
    first = now.astimezone(zone).date().replace(day=1)
    return local_midnight((first + timedelta(days=32)).replace(day=1), zone)
