"""Group chats bound to grids, and the private chats users have opened with the bot."""
from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.model.domain import Grid, GroupBinding
from storage.timefmt import to_db

_SELECT = """
SELECT gc.chat_id, gc.title, g.id AS grid_id, g.community_id, c.name AS community, g.name AS grid
FROM group_chats gc
JOIN grids g ON g.id = gc.grid_id
JOIN communities c ON c.id = g.community_id
"""


def _binding(row) -> GroupBinding:
    grid = Grid(row["grid_id"], row["community_id"], row["community"], row["grid"])
    return GroupBinding(row["chat_id"], grid, row["title"])


class Groups:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    async def bind(self, chat_id: int, grid_id: int, title: str | None, by: int) -> None:
        await self._db.execute(
            "INSERT INTO group_chats (chat_id, grid_id, title, bound_by, bound_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET grid_id = excluded.grid_id,"
            " title = excluded.title, bound_by = excluded.bound_by, bound_at = excluded.bound_at",
            (chat_id, grid_id, title, by, to_db(self._now)),
        )

    async def unbind(self, chat_id: int) -> bool:
        cur = await self._db.execute("DELETE FROM group_chats WHERE chat_id = ?", (chat_id,))
        return cur.rowcount == 1

    async def binding(self, chat_id: int) -> GroupBinding | None:
        cur = await self._db.execute(_SELECT + " WHERE gc.chat_id = ?", (chat_id,))
        row = await cur.fetchone()
        return _binding(row) if row else None

    async def of_grid(self, grid_id: int) -> list[GroupBinding]:
        cur = await self._db.execute(_SELECT + " WHERE gc.grid_id = ? ORDER BY gc.bound_at", (grid_id,))
        return [_binding(r) for r in await cur.fetchall()]

    async def all(self) -> list[GroupBinding]:
        cur = await self._db.execute(_SELECT + " ORDER BY g.community_id, g.id")
        return [_binding(r) for r in await cur.fetchall()]

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> bool:
        """A group became a supergroup: its binding and queued messages follow the new id."""
        cur = await self._db.execute(
            "UPDATE OR REPLACE group_chats SET chat_id = ? WHERE chat_id = ?",
            (new_chat_id, old_chat_id),
        )
        await self._db.execute(
            "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'",
            (new_chat_id, old_chat_id),
        )
        return cur.rowcount == 1

    # -- private chats ---------------------------------------------------------------------

    async def saw_private(self, telegram_id: int) -> bool:
        """Note that a user wrote to the bot; True the first time."""
        cur = await self._db.execute(
            "INSERT INTO private_chats (telegram_id, first_seen_at) VALUES (?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET blocked_at = NULL"
            " WHERE blocked_at IS NOT NULL",
            (telegram_id, to_db(self._now)),
        )
        return cur.rowcount == 1

    async def can_write_to(self, telegram_id: int) -> bool:
        cur = await self._db.execute(
            "SELECT 1 FROM private_chats WHERE telegram_id = ? AND blocked_at IS NULL",
            (telegram_id,),
        )
        return await cur.fetchone() is not None

    async def blocked(self, telegram_id: int) -> None:
        await self._db.execute(
            "UPDATE private_chats SET blocked_at = ? WHERE telegram_id = ?",
            (to_db(self._now), telegram_id),
        )
