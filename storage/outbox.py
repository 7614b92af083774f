"""The outbox table: messages waiting to be sent, and what became of them."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from collections.abc import Iterable
from typing import Any

import aiosqlite

from bot.model.messages import Outgoing, file_upload
from storage.timefmt import from_db, to_db


# Which chat goes first when several are waiting (each chat still gets its own messages in order):
# a danger card before anything else, bulk (the weekly digest to every group) after everyone's answers.
URGENT, NORMAL, BULK = 0, 1, 2


@dataclass(frozen=True)
class OutboxRow:
    id: int
    chat_id: int
    method: str
    params: dict[str, Any]
    ref: str | None
    edit_of: str | None
    attempts: int
    priority: int = NORMAL
    file_path: str | None = None


def _row(r) -> OutboxRow:
    params = json.loads(r["payload"])
    edit_of = params.pop("_edit_of", None)
    return OutboxRow(r["id"], r["chat_id"], r["method"], params, r["ref"], edit_of, r["attempts"],
                     r["priority"], r["file_path"])


class Outbox:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now
        self.enqueued = 0

    async def enqueue(self, message: Outgoing, not_before: datetime | None = None, *,
                      urgent: bool = False, bulk: bool = False, merge_due: bool = True) -> int | None:
        """Queue a call; a ref already queued is not queued again (None is returned).

        `urgent` lets its chat go before every chat with only ordinary messages waiting (a danger
        card); `bulk` lets every ordinary message go first (a digest posted to every group).
        With `merge_due` False an edit is merged only into one not yet due: one already due may be
        in the sender's hands, and text merged into it then would never be sent.
        """
        payload = dict(message.params)
        if message.edit_of:
            payload["_edit_of"] = message.edit_of
            # An edit still waiting is replaced: only the newest text matters, and Telegram
            # would count each edit against the group's limit.
            cur = await self._db.execute(
                "UPDATE outbox SET payload = ?, method = ? WHERE id = (SELECT id FROM outbox"
                " WHERE status = 'pending' AND chat_id = ? AND method LIKE 'edit%'"
                " AND json_extract(payload, '$._edit_of') = ? AND (? OR not_before > ?)"
                " ORDER BY id DESC LIMIT 1)",
                (json.dumps(payload, ensure_ascii=False), message.method, message.chat_id,
                 message.edit_of, merge_due, to_db(self._now)),
            )
            if cur.rowcount:
                self.enqueued += 1
                return None
        priority = URGENT if urgent else BULK if bulk else NORMAL
        files = [found[0] for value in payload.values() if (found := file_upload(value)) is not None]
        cur = await self._db.execute(
            "INSERT OR IGNORE INTO outbox (chat_id, method, payload, ref, not_before, created_at, priority,"
            " file_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                message.chat_id,
                message.method,
                json.dumps(payload, ensure_ascii=False),
                message.ref,
                to_db(not_before or self._now),
                to_db(self._now),
                priority,
                files[0] if files else None,
            ),
        )
        if cur.rowcount != 1:
            return None
        self.enqueued += 1
        return cur.lastrowid

    async def waiting(self, skip: Iterable[int] = ()) -> list[tuple[int, int, int, str]]:
        """(chat, its next message's id, how pressing, that message's method) for every chat with
        something due, the most pressing first (urgent, ordinary, bulk), then in queue order.

        A chat is as pressing as the most urgent message it has waiting. One entry per chat however
        long its backlog, so a busy group never hides anyone else's messages. `skip`: chats that wait.
        """
        cur = await self._db.execute(
            "SELECT h.chat_id, h.head, h.rank, o.method"
            " FROM (SELECT chat_id, MIN(id) AS head, MIN(priority) AS rank FROM outbox"
            "       WHERE status = 'pending' AND not_before <= ?"
            "       AND chat_id NOT IN (SELECT value FROM json_each(?)) GROUP BY chat_id) AS h"
            " JOIN outbox o ON o.id = h.head ORDER BY h.rank, h.head",
            (to_db(self._now), json.dumps(sorted(set(skip)))),
        )
        return [(r[0], r[1], r[2], r[3]) for r in await cur.fetchall()]

    async def rows(self, ids: Iterable[int]) -> list[OutboxRow]:
        wanted = list(ids)
        cur = await self._db.execute(
            "SELECT id, chat_id, method, payload, ref, attempts, priority, file_path FROM outbox"
            " WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", (json.dumps(wanted),))
        found = {r["id"]: _row(r) for r in await cur.fetchall()}
        return [found[i] for i in wanted if i in found]

    async def due(self, limit: int = 100) -> list[OutboxRow]:
        """Everything due now, in the order it was queued (for inspection; the sender uses heads())."""
        cur = await self._db.execute(
            "SELECT id, chat_id, method, payload, ref, attempts, priority, file_path FROM outbox"
            " WHERE status = 'pending' AND not_before <= ? ORDER BY id LIMIT ?",
            (to_db(self._now), limit),
        )
        return [_row(r) for r in await cur.fetchall()]

    async def next_due_at(self) -> datetime | None:
        cur = await self._db.execute(
            "SELECT MIN(not_before) FROM outbox WHERE status = 'pending'"
        )
        return from_db((await cur.fetchone())[0])

    async def sent_message_id(self, ref: str) -> tuple[str, int | None]:
        """('sent', id), ('pending', None), ('failed', None) or ('missing', None)."""
        cur = await self._db.execute(
            "SELECT status, message_id FROM outbox WHERE ref = ?", (ref,)
        )
        row = await cur.fetchone()
        if row is None:
            return "missing", None
        return row["status"], row["message_id"]

    async def ref_of(self, chat_id: int, message_id: int) -> str | None:
        """The ref of a message the bot sent, found from a reply to it."""
        cur = await self._db.execute(
            "SELECT ref FROM outbox WHERE chat_id = ? AND message_id = ? AND status = 'sent'",
            (chat_id, message_id),
        )
        row = await cur.fetchone()
        return row["ref"] if row else None

    async def mark_sent(self, row_id: int, message_id: int | None) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?,"
            " attempts = attempts + 1, error = NULL WHERE id = ?",
            (to_db(self._now), message_id, row_id),
        )

    async def mark_retry(self, row_id: int, not_before: datetime, error: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, not_before = ?, error = ? WHERE id = ?",
            (to_db(not_before), error, row_id),
        )

    async def mark_failed(self, row_id: int, error: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, error = ? WHERE id = ?",
            (error, row_id),
        )

    async def set_chat(self, row_id: int, chat_id: int) -> None:
        await self._db.execute("UPDATE outbox SET chat_id = ? WHERE id = ?", (chat_id, row_id))

    async def failures(self, limit: int = 20) -> list[dict[str, Any]]:
        cur = await self._db.execute(
            "SELECT id, chat_id, method, error, created_at FROM outbox"
            " WHERE status = 'failed' ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [dict(r) for r in await cur.fetchall()]

    async def count(self, status: str) -> int:
        """Rows pending or failed (served by the status index; sent rows are many and not counted)."""
        cur = await self._db.execute("SELECT COUNT(*) FROM outbox WHERE status = ?", (status,))
        return (await cur.fetchone())[0]

    async def counts(self) -> dict[str, int]:
        cur = await self._db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        return {r[0]: r[1] for r in await cur.fetchall()}
