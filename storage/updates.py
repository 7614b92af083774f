"""The ledger of processed Telegram updates, which makes handling a redelivered update a no-op."""
from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.timefmt import to_db


class Updates:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    async def claim(self, update_id: int) -> bool:
        """Record the update as processed; False if it already was."""
        cur = await self._db.execute(
            "INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
            (update_id, to_db(self._now)),
        )
        return cur.rowcount == 1

    async def seen(self, update_id: int) -> bool:
        cur = await self._db.execute(
            "SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)
        )
        return await cur.fetchone() is not None

    async def forget_before(self, moment: datetime) -> int:
        """Drop old entries; Telegram never redelivers an update older than a day."""
        cur = await self._db.execute(
            "DELETE FROM processed_updates WHERE processed_at < ?", (to_db(moment),)
        )
        return cur.rowcount
