"""What a private chat is waiting for next, kept across restarts."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from storage.timefmt import to_db


class ChatStates:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    async def get(self, telegram_id: int) -> tuple[str | None, dict[str, Any]]:
        cur = await self._db.execute(
            "SELECT state, data FROM chat_states WHERE telegram_id = ?", (telegram_id,)
        )
        row = await cur.fetchone()
        return (row["state"], json.loads(row["data"])) if row else (None, {})

    async def set(self, telegram_id: int, state: str, data: dict[str, Any] | None = None) -> None:
        await self._db.execute(
            "INSERT INTO chat_states (telegram_id, state, data, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET state = excluded.state,"
            " data = excluded.data, updated_at = excluded.updated_at",
            (telegram_id, state, json.dumps(data or {}, ensure_ascii=False), to_db(self._now)),
        )

    async def clear(self, telegram_id: int) -> None:
        await self._db.execute("DELETE FROM chat_states WHERE telegram_id = ?", (telegram_id,))
