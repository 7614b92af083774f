"""Communities, grids, buildings and units."""
from __future__ import annotations

import aiosqlite

from bot.model.domain import Building, Grid

_GRID_SELECT = """
SELECT g.id, g.community_id, c.name AS community, g.name
FROM grids g JOIN communities c ON c.id = g.community_id
"""


def _grid(row) -> Grid:
    return Grid(row["id"], row["community_id"], row["community"], row["name"])


class Places:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _find_or_add(self, find: str, args: tuple, add: str, add_args: tuple,
                           create: bool) -> int | None:
        cur = await self._db.execute(find, args)
        row = await cur.fetchone()
        if row:
            return row["id"]
        if not create:
            return None
        cur = await self._db.execute(add, add_args)
        return cur.lastrowid

    async def community_id(self, name: str, create: bool = False) -> int | None:
        return await self._find_or_add(
            "SELECT id FROM communities WHERE name = ?", (name,),
            "INSERT INTO communities (name) VALUES (?)", (name,), create)

    async def grid_id(self, community_id: int, name: str, create: bool = False) -> int | None:
        return await self._find_or_add(
            "SELECT id FROM grids WHERE community_id = ? AND name = ?", (community_id, name),
            "INSERT INTO grids (community_id, name) VALUES (?, ?)", (community_id, name), create)

    async def building_id(
        self, community_id: int, name: str, grid_id: int | None = None, create: bool = False
    ) -> int | None:
        cur = await self._db.execute(
            "SELECT id, grid_id FROM buildings WHERE community_id = ? AND name = ?",
            (community_id, name),
        )
        row = await cur.fetchone()
        if row:
            if create and grid_id is not None and row["grid_id"] != grid_id:
                # A re-drawn grid map moves the building.
                await self._db.execute(
                    "UPDATE buildings SET grid_id = ? WHERE id = ?", (grid_id, row["id"])
                )
            return row["id"]
        if not create:
            return None
        cur = await self._db.execute(
            "INSERT INTO buildings (community_id, grid_id, name) VALUES (?, ?, ?)",
            (community_id, grid_id, name),
        )
        return cur.lastrowid

    async def unit_id(self, building_id: int, name: str, create: bool = False) -> int | None:
        return await self._find_or_add(
            "SELECT id FROM units WHERE building_id = ? AND name = ?", (building_id, name),
            "INSERT INTO units (building_id, name) VALUES (?, ?)", (building_id, name), create)

    async def grid(self, grid_id: int) -> Grid | None:
        cur = await self._db.execute(_GRID_SELECT + " WHERE g.id = ?", (grid_id,))
        row = await cur.fetchone()
        return _grid(row) if row else None

    async def grids(self, community_id: int | None = None) -> list[Grid]:
        if community_id is None:
            cur = await self._db.execute(_GRID_SELECT + " ORDER BY c.id, g.id")
        else:
            cur = await self._db.execute(
                _GRID_SELECT + " WHERE g.community_id = ? ORDER BY g.id", (community_id,)
            )
        return [_grid(r) for r in await cur.fetchall()]

    async def buildings_of_grid(self, grid_id: int) -> list[Building]:
        cur = await self._db.execute(
            "SELECT id, community_id, grid_id, name FROM buildings WHERE grid_id = ?", (grid_id,)
        )
        rows = await cur.fetchall()
        found = [Building(r["id"], r["community_id"], r["grid_id"], r["name"]) for r in rows]
        return sorted(found, key=lambda b: _natural(b.name))

    async def building(self, community_id: int, name: str) -> Building | None:
        cur = await self._db.execute(
            "SELECT id, community_id, grid_id, name FROM buildings WHERE community_id = ? AND name = ?",
            (community_id, name),
        )
        r = await cur.fetchone()
        return Building(r["id"], r["community_id"], r["grid_id"], r["name"]) if r else None

    async def all_places(self) -> list[tuple[str, str | None, str | None, str | None]]:
        """Every unit, and every building, grid and community without units, as name tuples."""
        cur = await self._db.execute(
            "SELECT c.name AS community, g.name AS grid, b.name AS building, u.name AS unit"
            " FROM communities c"
            " LEFT JOIN grids g ON g.community_id = c.id"
            " LEFT JOIN buildings b ON b.grid_id = g.id"
            " LEFT JOIN units u ON u.building_id = b.id"
            " ORDER BY c.id, g.id, b.id, u.id"
        )
        found = [(r["community"], r["grid"], r["building"], r["unit"]) for r in await cur.fetchall()]
        cur = await self._db.execute(
            "SELECT c.name AS community, b.name AS building, u.name AS unit FROM buildings b"
            " JOIN communities c ON c.id = b.community_id LEFT JOIN units u ON u.building_id = b.id"
            " WHERE b.grid_id IS NULL ORDER BY b.id, u.id"
        )
        found += [(r["community"], None, r["building"], r["unit"]) for r in await cur.fetchall()]
        return found

    async def counts(self) -> dict[str, int]:
        found = {}
        for table in ("communities", "grids", "buildings", "units"):
            cur = await self._db.execute(f"SELECT COUNT(*) FROM {table}")
            found[table] = (await cur.fetchone())[0]
        return found


def _natural(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (1 << 30, name)
