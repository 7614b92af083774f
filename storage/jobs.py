"""The jobs table: reminders and other timed work, kept until done."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.timefmt import from_db, to_db


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    key: str | None
    due_at: datetime
    payload: dict[str, Any]


def _job(row) -> Job:
    return Job(row["id"], row["kind"], row["key"], from_db(row["due_at"]), json.loads(row["payload"]))


class Jobs:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    async def add(self, kind: str, due_at: datetime, payload: dict[str, Any] | None = None,
                  key: str | None = None) -> int | None:
        """Schedule work; a key already scheduled (done or not) is left as it is."""
        cur = await self._db.execute(
            "INSERT OR IGNORE INTO jobs (kind, key, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?)",
            (kind, key, to_db(due_at), json.dumps(payload or {}, ensure_ascii=False), to_db(self._now)),
        )
        return cur.lastrowid if cur.rowcount == 1 else None

    async def due(self, limit: int = 100) -> list[Job]:
        cur = await self._db.execute(
            "SELECT id, kind, key, due_at, payload FROM jobs"
            " WHERE done_at IS NULL AND due_at <= ? ORDER BY due_at, id LIMIT ?",
            (to_db(self._now), limit),
        )
        return [_job(r) for r in await cur.fetchall()]

    async def get(self, job_id: int) -> Job | None:
        cur = await self._db.execute(
            "SELECT id, kind, key, due_at, payload FROM jobs WHERE id = ? AND done_at IS NULL",
            (job_id,),
        )
        row = await cur.fetchone()
        return _job(row) if row else None

    async def pending(self, kind: str | None = None) -> list[Job]:
        cur = await self._db.execute(
            "SELECT id, kind, key, due_at, payload FROM jobs WHERE done_at IS NULL"
            " AND (? IS NULL OR kind = ?) ORDER BY due_at, id",
            (kind, kind),
        )
        return [_job(r) for r in await cur.fetchall()]

    async def done(self, job_id: int, outcome: str = "done") -> None:
        await self._db.execute(
            "UPDATE jobs SET done_at = ?, outcome = ? WHERE id = ?",
            (to_db(self._now), outcome, job_id),
        )

    async def move(self, job_id: int, due_at: datetime) -> None:
        await self._db.execute("UPDATE jobs SET due_at = ? WHERE id = ?", (to_db(due_at), job_id))

    async def cancel(self, key_prefix: str) -> int:
        """Drop pending jobs whose key starts with the prefix (e.g. everything of ticket 23)."""
        if not key_prefix:
            return 0
        # A range on the key's own index: every ticket's jobs stay, so a LIKE would read them all.
        upper = key_prefix[:-1] + chr(ord(key_prefix[-1]) + 1)
        cur = await self._db.execute(
            "UPDATE jobs SET done_at = ?, outcome = 'cancelled'"
            " WHERE key >= ? AND key < ? AND done_at IS NULL",
            (to_db(self._now), key_prefix, upper),
        )
        return cur.rowcount

    async def next_due_at(self) -> datetime | None:
        cur = await self._db.execute("SELECT MIN(due_at) FROM jobs WHERE done_at IS NULL")
        return from_db((await cur.fetchone())[0])
