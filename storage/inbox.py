"""The inbox table: raw updates as Telegram sent them, kept until they have been handled."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from storage.timefmt import from_db, to_db


class Inbox:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    async def add(self, updates: list[dict[str, Any]]) -> set[int]:
        """Keep each update; returns the ids that were new (a redelivered one is not)."""
        new: set[int] = set()
        for update in updates:
            cur = await self._db.execute(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                (update["update_id"], json.dumps(update, ensure_ascii=False), to_db(self._now)),
            )
            if cur.rowcount == 1:
                new.add(update["update_id"])
        return new

    async def unhandled(self, limit: int = 10_000) -> list[dict[str, Any]]:
        cur = await self._db.execute(
            "SELECT payload FROM inbox WHERE handled_at IS NULL ORDER BY update_id LIMIT ?", (limit,)
        )
        return [json.loads(r["payload"]) for r in await cur.fetchall()]

    async def handled(self, update_id: int, outcome: str = "handled") -> None:
        await self._db.execute(
            "UPDATE inbox SET handled_at = ?, outcome = ? WHERE update_id = ? AND handled_at IS NULL",
            (to_db(self._now), outcome, update_id),
        )

    async def outcome(self, update_id: int) -> str | None:
        cur = await self._db.execute("SELECT outcome FROM inbox WHERE update_id = ?", (update_id,))
        row = await cur.fetchone()
        return row["outcome"] if row else None

    async def last_received_at(self) -> datetime | None:
        cur = await self._db.execute("SELECT received_at FROM inbox ORDER BY update_id DESC LIMIT 1")
        row = await cur.fetchone()
        return from_db(row["received_at"]) if row else None

    async def forget_before(self, moment: datetime) -> int:
        """Drop handled updates older than `moment`; unhandled ones stay whatever their age."""
        cur = await self._db.execute(
            "DELETE FROM inbox WHERE handled_at IS NOT NULL AND handled_at < ?", (to_db(moment),)
        )
        return cur.rowcount
