"""Paged lists: what a list shows and for whom, so its 上一页/下一页 buttons carry only numbers."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.timefmt import from_db, to_db


@dataclass(frozen=True)
class PageState:
    id: int
    kind: str
    telegram_id: int
    chat_id: int
    title: str
    items: tuple[int, ...]
    created_at: datetime
    total: int  # how long the list really is; items holds its first part when it was cut


class Pages:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    async def create(self, kind: str, telegram_id: int, chat_id: int, title: str, items: list[int],
                     total: int | None = None) -> int:
        cur = await self._db.execute(
            "INSERT INTO pages (kind, telegram_id, chat_id, title, items, created_at, total)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, telegram_id, chat_id, title, json.dumps(items), to_db(self._now), total),
        )
        return cur.lastrowid

    async def get(self, state_id: int) -> PageState | None:
        cur = await self._db.execute(
            "SELECT id, kind, telegram_id, chat_id, title, items, created_at, total FROM pages WHERE id = ?",
            (state_id,))
        r = await cur.fetchone()
        if r is None:
            return None
        items = tuple(json.loads(r["items"]))
        return PageState(r["id"], r["kind"], r["telegram_id"], r["chat_id"], r["title"], items,
                         from_db(r["created_at"]), max(r["total"] or 0, len(items)))

    async def forget_before(self, moment: datetime) -> int:
        cur = await self._db.execute("DELETE FROM pages WHERE created_at < ?", (to_db(moment),))
        return cur.rowcount
