"""People, their roles at places, and the link to their Telegram accounts."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.model.domain import Assignment, Person
from bot.model.roles import Role
from storage.timefmt import to_db

_ASSIGNMENT_SELECT = """
SELECT pr.person_id, pr.role, pr.community_id, c.name AS community,
       pr.grid_id, g.name AS grid, pr.building_id, b.name AS building,
       pr.unit_id, u.name AS unit, pr.room
FROM person_roles pr
JOIN communities c ON c.id = pr.community_id
LEFT JOIN grids g ON g.id = pr.grid_id
LEFT JOIN buildings b ON b.id = pr.building_id
LEFT JOIN units u ON u.id = pr.unit_id
"""

_ROLE_ORDER = {role: i for i, role in enumerate(Role)}


@dataclass
class RosterPerson:
    """A person as the roster import compares them: the columns the file can change."""

    id: int
    community_id: int
    name: str
    phone: str | None
    telegram_id: int | None
    active: bool

    def differs(self, name: str, phone: str | None, telegram_id: int | None) -> bool:
        """Whether People.update would change anything (a roster without telegram_id keeps the link)."""
        return (name != self.name or phone != self.phone or not self.active
                or (telegram_id is not None and telegram_id != self.telegram_id))


def _assignment(row) -> Assignment:
    return Assignment(
        role=Role(row["role"]),
        community_id=row["community_id"],
        community=row["community"],
        grid_id=row["grid_id"],
        grid=row["grid"],
        building_id=row["building_id"],
        building=row["building"],
        unit_id=row["unit_id"],
        unit=row["unit"],
        room=row["room"],
    )


class People:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    # -- reading ---------------------------------------------------------------------------

    async def _load(self, where: str, args: tuple) -> list[Person]:
        cur = await self._db.execute(
            f"SELECT id, community_id, name, phone, telegram_id, active, self_registered FROM people WHERE {where}",
            args,
        )
        rows = await cur.fetchall()
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        cur = await self._db.execute(
            _ASSIGNMENT_SELECT + f" WHERE pr.person_id IN ({marks}) ORDER BY pr.id", ids
        )
        roles: dict[int, list[Assignment]] = {}
        for r in await cur.fetchall():
            roles.setdefault(r["person_id"], []).append(_assignment(r))
        return [
            Person(
                id=r["id"],
                community_id=r["community_id"],
                name=r["name"],
                phone=r["phone"],
                telegram_id=r["telegram_id"],
                active=bool(r["active"]),
                roles=tuple(sorted(roles.get(r["id"], []), key=lambda a: _ROLE_ORDER[a.role])),
                self_registered=bool(r["self_registered"]),
            )
            for r in rows
        ]

    async def get(self, person_id: int) -> Person | None:
        found = await self._load("id = ?", (person_id,))
        return found[0] if found else None

    async def by_telegram_id(self, telegram_id: int) -> Person | None:
        found = await self._load("telegram_id = ? AND active = 1", (telegram_id,))
        return found[0] if found else None

    async def by_phone(self, phone: str) -> list[Person]:
        return await self._load("phone = ? AND active = 1", (phone,))

    async def by_key(self, community_id: int, name: str, phone: str | None) -> Person | None:
        if phone:
            found = await self._load("community_id = ? AND phone = ?", (community_id, phone))
        else:
            found = await self._load(
                "community_id = ? AND name = ? AND phone IS NULL", (community_id, name)
            )
        return found[0] if found else None

    async def by_name(self, name: str) -> list[Person]:
        return await self._load("name = ? AND active = 1 ORDER BY id", (name,))

    async def in_community(self, community_id: int, active_only: bool = True) -> list[Person]:
        where = "community_id = ?" + (" AND active = 1" if active_only else "") + " ORDER BY id"
        return await self._load(where, (community_id,))

    async def all(self) -> list[Person]:
        return await self._load("1 = 1 ORDER BY community_id, id", ())

    async def holding(
        self, role: Role, community_id: int | None = None, grid_id: int | None = None
    ) -> list[Person]:
        """Active people holding a role (in a community, and at a grid, when given)."""
        sql = (
            "id IN (SELECT pr.person_id FROM person_roles pr"
            " LEFT JOIN buildings b ON b.id = pr.building_id"
            " WHERE pr.role = ? AND (? IS NULL OR pr.community_id = ?)"
        )
        args: list = [role.value, community_id, community_id]
        if grid_id is not None:
            sql += " AND (pr.grid_id = ? OR b.grid_id = ?)"
            args += [grid_id, grid_id]
        sql += ") AND active = 1 ORDER BY id"
        return await self._load(sql, tuple(args))

    # -- writing ---------------------------------------------------------------------------

    async def add(
        self, community_id: int, name: str, phone: str | None, telegram_id: int | None
    ) -> int:
        cur = await self._db.execute(
            "INSERT INTO people (community_id, name, phone, telegram_id, created_at, linked_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                community_id,
                name,
                phone,
                telegram_id,
                to_db(self._now),
                to_db(self._now) if telegram_id else None,
            ),
        )
        return cur.lastrowid

    async def update(
        self, person_id: int, name: str, phone: str | None, telegram_id: int | None
    ) -> bool:
        """Bring a person in line with the roster; a roster without telegram_id keeps the link."""
        cur = await self._db.execute(
            "UPDATE people SET name = ?, phone = ?, active = 1,"
            " telegram_id = COALESCE(?, telegram_id),"
            " linked_at = CASE WHEN ? IS NOT NULL AND telegram_id IS NOT ? THEN ? ELSE linked_at END"
            " WHERE id = ? AND (name IS NOT ? OR phone IS NOT ? OR active = 0"
            "  OR (? IS NOT NULL AND telegram_id IS NOT ?))",
            (
                name, phone, telegram_id,
                telegram_id, telegram_id, to_db(self._now),
                person_id, name, phone, telegram_id, telegram_id,
            ),
        )
        return cur.rowcount == 1

    async def register_resident(self, community_id: int, name: str, telegram_id: int,
                                phone: str | None = None) -> int:
        """A resident who told the bot their address; not part of the roster file."""
        await self._db.execute(
            "UPDATE people SET telegram_id = NULL WHERE telegram_id = ?", (telegram_id,)
        )
        cur = await self._db.execute(
            "INSERT INTO people (community_id, name, phone, telegram_id, created_at, linked_at,"
            " self_registered) VALUES (?, ?, ?, ?, ?, ?, 1)",
            (community_id, name, phone, telegram_id, to_db(self._now), to_db(self._now)),
        )
        return cur.lastrowid

    async def deactivate(self, person_id: int) -> None:
        await self._db.execute("UPDATE people SET active = 0 WHERE id = ?", (person_id,))

    async def link(self, person_id: int, telegram_id: int) -> None:
        # One Telegram account is one person: a link moves from an older record if needed.
        await self._db.execute(
            "UPDATE people SET telegram_id = NULL WHERE telegram_id = ? AND id != ?",
            (telegram_id, person_id),
        )
        await self._db.execute(
            "UPDATE people SET telegram_id = ?, linked_at = ? WHERE id = ?",
            (telegram_id, to_db(self._now), person_id),
        )

    async def role_keys(self, person_id: int) -> set[tuple]:
        cur = await self._db.execute(
            "SELECT id, role, community_id, grid_id, building_id, unit_id, room"
            " FROM person_roles WHERE person_id = ?",
            (person_id,),
        )
        return {
            (r["role"], r["community_id"], r["grid_id"], r["building_id"], r["unit_id"], r["room"])
            for r in await cur.fetchall()
        }

    async def add_role(self, person_id: int, key: tuple) -> None:
        role, community_id, grid_id, building_id, unit_id, room = key
        await self._db.execute(
            "INSERT INTO person_roles (person_id, role, community_id, grid_id, building_id, unit_id, room)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (person_id, role, community_id, grid_id, building_id, unit_id, room),
        )

    async def remove_role(self, person_id: int, key: tuple) -> None:
        role, community_id, grid_id, building_id, unit_id, room = key
        await self._db.execute(
            "DELETE FROM person_roles WHERE person_id = ? AND role = ? AND community_id = ?"
            " AND grid_id IS ? AND building_id IS ? AND unit_id IS ? AND room IS ?",
            (person_id, role, community_id, grid_id, building_id, unit_id, room),
        )

    # -- the roster import, many rows at a time --------------------------------------------

    async def roster_people(self, community_ids: list[int]) -> list[RosterPerson]:
        cur = await self._db.execute(
            "SELECT id, community_id, name, phone, telegram_id, active FROM people"
            " WHERE community_id IN (SELECT value FROM json_each(?)) ORDER BY id", (json.dumps(community_ids),))
        return [RosterPerson(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in await cur.fetchall()]

    async def next_id(self) -> int:
        cur = await self._db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM people")
        return (await cur.fetchone())[0]

    async def add_many(self, people: list[RosterPerson]) -> None:
        now = to_db(self._now)
        await self._db.executemany(
            "INSERT INTO people (id, community_id, name, phone, telegram_id, created_at, linked_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(p.id, p.community_id, p.name, p.phone, p.telegram_id, now, now if p.telegram_id else None)
             for p in people])

    async def update_many(self, rows: list[tuple[int, str, str | None, int | None]]) -> None:
        """(person id, name, phone, telegram_id) each, as update() does one."""
        now = to_db(self._now)
        await self._db.executemany(
            "UPDATE people SET name = ?, phone = ?, active = 1,"
            " telegram_id = COALESCE(?, telegram_id),"
            " linked_at = CASE WHEN ? IS NOT NULL AND telegram_id IS NOT ? THEN ? ELSE linked_at END"
            " WHERE id = ?",
            [(name, phone, tg, tg, tg, now, pid) for pid, name, phone, tg in rows])

    async def role_keys_of(self, community_ids: list[int]) -> dict[int, set[tuple]]:
        """Every role key of the people of these communities, by person."""
        cur = await self._db.execute(
            "SELECT person_id, role, community_id, grid_id, building_id, unit_id, room FROM person_roles"
            " WHERE person_id IN (SELECT id FROM people WHERE community_id IN (SELECT value FROM json_each(?)))",
            (json.dumps(community_ids),))
        found: dict[int, set[tuple]] = {}
        for r in await cur.fetchall():
            found.setdefault(r[0], set()).add(tuple(r[1:]))
        return found

    async def add_roles(self, rows: list[tuple]) -> None:
        await self._db.executemany(
            "INSERT INTO person_roles (person_id, role, community_id, grid_id, building_id, unit_id, room)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    async def remove_roles(self, rows: list[tuple]) -> None:
        await self._db.executemany(
            "DELETE FROM person_roles WHERE person_id = ? AND role = ? AND community_id = ?"
            " AND grid_id IS ? AND building_id IS ? AND unit_id IS ? AND room IS ?", rows)

    async def deactivate_many(self, person_ids: list[int]) -> None:
        await self._db.executemany("UPDATE people SET active = 0 WHERE id = ?", [(i,) for i in person_ids])

    async def ids_in_community(self, community_id: int) -> list[int]:
        cur = await self._db.execute(
            "SELECT id FROM people WHERE community_id = ? AND active = 1 AND self_registered = 0",
            (community_id,),
        )
        return [r["id"] for r in await cur.fetchall()]
