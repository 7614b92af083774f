"""Notices, who is expected to read them, and who said 收到."""
from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from bot.model.tasks import Ack, Notice, Reader
from storage.timefmt import from_db, to_db

_COLUMNS = ("id, community_id, grid_id, chat_id, source_message_id, text, creator_person_id, creator_tg,"
            " creator_name, card_ref, quoted, created_at")


def _notice(r) -> Notice:
    return Notice(r["id"], r["community_id"], r["grid_id"], r["chat_id"], r["source_message_id"], r["text"],
                  r["creator_person_id"], r["creator_tg"], r["creator_name"], r["card_ref"],
                  from_db(r["created_at"]), bool(r["quoted"]))


class Notices:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    async def create(self, community_id: int, grid_id: int | None, chat_id: int, source_message_id: int | None,
                     text: str, creator_person_id: int | None, creator_tg: int | None, creator_name: str,
                     readers: list[Reader], quoted: bool = True) -> int:
        cur = await self._db.execute(
            "INSERT INTO notices (community_id, grid_id, chat_id, source_message_id, text, creator_person_id,"
            " creator_tg, creator_name, quoted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (community_id, grid_id, chat_id, source_message_id, text, creator_person_id, creator_tg,
             creator_name, int(quoted), to_db(self._now)))
        notice_id = cur.lastrowid
        for r in readers:
            await self._db.execute(
                "INSERT OR IGNORE INTO notice_audience (notice_id, person_id, name, telegram_id)"
                " VALUES (?, ?, ?, ?)", (notice_id, r.person_id, r.name, r.telegram_id))
        return notice_id

    async def get(self, notice_id: int) -> Notice | None:
        cur = await self._db.execute(f"SELECT {_COLUMNS} FROM notices WHERE id = ?", (notice_id,))
        row = await cur.fetchone()
        return _notice(row) if row else None

    async def by_source(self, chat_id: int, message_id: int) -> Notice | None:
        cur = await self._db.execute(
            f"SELECT {_COLUMNS} FROM notices WHERE chat_id = ? AND source_message_id = ?", (chat_id, message_id))
        row = await cur.fetchone()
        return _notice(row) if row else None

    async def latest_in_chat(self, chat_id: int, within: timedelta) -> Notice | None:
        cur = await self._db.execute(
            f"SELECT {_COLUMNS} FROM notices WHERE chat_id = ? AND created_at >= ? ORDER BY id DESC LIMIT 1",
            (chat_id, to_db(self._now - within)))
        row = await cur.fetchone()
        return _notice(row) if row else None

    async def set_card(self, notice_id: int, ref: str) -> None:
        await self._db.execute("UPDATE notices SET card_ref = ? WHERE id = ?", (ref, notice_id))

    async def readers(self, notice_id: int) -> list[Reader]:
        cur = await self._db.execute(
            "SELECT person_id, name, telegram_id FROM notice_audience WHERE notice_id = ? ORDER BY rowid",
            (notice_id,))
        return [Reader(r["person_id"], r["name"], r["telegram_id"]) for r in await cur.fetchall()]

    async def ack(self, notice_id: int, telegram_id: int, person_id: int | None, name: str, how: str) -> bool:
        cur = await self._db.execute(
            "INSERT OR IGNORE INTO notice_acks (notice_id, telegram_id, person_id, name, how, at)"
            " VALUES (?, ?, ?, ?, ?, ?)", (notice_id, telegram_id, person_id, name, how, to_db(self._now)))
        return cur.rowcount == 1

    async def acks(self, notice_id: int) -> list[Ack]:
        cur = await self._db.execute(
            "SELECT notice_id, telegram_id, person_id, name, how, at FROM notice_acks WHERE notice_id = ?"
            " ORDER BY id", (notice_id,))
        return [Ack(r["notice_id"], r["telegram_id"], r["person_id"], r["name"], r["how"], from_db(r["at"]))
                for r in await cur.fetchall()]

    # -- usernames, for mentions -----------------------------------------------------------

    async def saw_username(self, telegram_id: int, username: str | None) -> None:
        if not username:
            return
        await self._db.execute(
            "INSERT INTO tg_usernames (telegram_id, username, seen_at) VALUES (?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET username = excluded.username, seen_at = excluded.seen_at"
            " WHERE username IS NOT excluded.username",
            (telegram_id, username, to_db(self._now)))

    async def usernames(self, telegram_ids: list[int]) -> dict[int, str]:
        if not telegram_ids:
            return {}
        marks = ",".join("?" * len(telegram_ids))
        cur = await self._db.execute(
            f"SELECT telegram_id, username FROM tg_usernames WHERE telegram_id IN ({marks})", telegram_ids)
        return {r["telegram_id"]: r["username"] for r in await cur.fetchall()}
