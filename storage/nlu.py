"""Learning from corrections: labelled examples, the retrainings' record, and the language model's daily budget."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.timefmt import from_db, to_db


@dataclass(frozen=True)
class StoredExample:
    id: int
    text: str
    intent: str
    category: str | None
    urgent: bool
    context: str
    source: str
    was_intent: str | None
    was_category: str | None
    ticket_id: int | None
    at: datetime


@dataclass(frozen=True)
class Retrain:
    at: datetime
    local_examples: int
    intent_accuracy: float
    category_accuracy: float
    was_intent: float | None
    was_category: float | None
    accepted: bool
    note: str


_COLUMNS = ("id, text, intent, category, urgent, context, source, was_intent, was_category, ticket_id,"
            " created_at")


def _example(row) -> StoredExample:
    return StoredExample(row["id"], row["text"], row["intent"], row["category"], bool(row["urgent"]), row["context"],
                         row["source"], row["was_intent"], row["was_category"], row["ticket_id"],
                         from_db(row["created_at"]))


class Nlu:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    async def add_example(self, text: str, intent: str, category: str | None, urgent: bool, context: str,
                          source: str, was_intent: str | None = None, was_category: str | None = None,
                          ticket_id: int | None = None, person_id: int | None = None) -> int:
        cur = await self._db.execute(
            "INSERT INTO nlu_examples (text, intent, category, urgent, context, source, was_intent, was_category,"
            " ticket_id, person_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (text, intent, category, int(urgent), context, source, was_intent, was_category, ticket_id, person_id,
             to_db(self._now)))
        return cur.lastrowid

    async def examples(self, since: datetime | None = None, limit: int = 100_000) -> list[StoredExample]:
        """The labelled examples, oldest first (since a moment, when given)."""
        cur = await self._db.execute(
            f"SELECT {_COLUMNS} FROM nlu_examples WHERE created_at >= ? ORDER BY id LIMIT ?",
            (to_db(since) if since else "", limit))
        return [_example(r) for r in await cur.fetchall()]

    async def count_examples(self) -> int:
        cur = await self._db.execute("SELECT COUNT(*) FROM nlu_examples")
        return (await cur.fetchone())[0]

    async def record_retrain(self, local_examples: int, intent_accuracy: float, category_accuracy: float,
                             was_intent: float | None, was_category: float | None, accepted: bool,
                             note: str = "") -> None:
        await self._db.execute(
            "INSERT INTO nlu_retrains (at, local_examples, intent_accuracy, category_accuracy, was_intent,"
            " was_category, accepted, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (to_db(self._now), local_examples, intent_accuracy, category_accuracy, was_intent, was_category,
             int(accepted), note))

    async def retrains(self, limit: int = 10) -> list[Retrain]:
        """The latest retrainings, newest first."""
        cur = await self._db.execute(
            "SELECT at, local_examples, intent_accuracy, category_accuracy, was_intent, was_category, accepted, note"
            " FROM nlu_retrains ORDER BY id DESC LIMIT ?", (limit,))
        return [Retrain(from_db(r["at"]), r["local_examples"], r["intent_accuracy"], r["category_accuracy"],
                        r["was_intent"], r["was_category"], bool(r["accepted"]), r["note"])
                for r in await cur.fetchall()]

    async def take_llm_call(self, day: str, cap: int) -> bool:
        """Counts one call to the language model on the local day; False (and nothing counted) past the cap."""
        if cap <= 0:
            return False
        cur = await self._db.execute(
            "INSERT INTO llm_calls (day, calls) VALUES (?, 1)"
            " ON CONFLICT (day) DO UPDATE SET calls = calls + 1 WHERE calls < ?", (day, cap))
        return cur.rowcount == 1

    async def llm_calls(self, day: str) -> int:
        cur = await self._db.execute("SELECT calls FROM llm_calls WHERE day = ?", (day,))
        row = await cur.fetchone()
        return row["calls"] if row else 0
