"""Tickets, their events, media and watchers."""
from __future__ import annotations

import json
import secrets
from dataclasses import asdict
from datetime import datetime, timedelta

import aiosqlite

from bot.model.tickets import NewTicket, Ticket, TicketEvent
from storage.timefmt import from_db, to_db

_COLUMNS = (
    "id, community_id, grid_id, building, unit, room, category, urgent, text, status,"
    " reporter_tg, reporter_person_id, reporter_name, source_chat_id, source_message_id,"
    " assignee_person_id, assign_seq, card_ref, created_at, assigned_at, accepted_at, resolved_at, rating, rating_comment"
)


def _ticket(r) -> Ticket:
    return Ticket(
        id=r["id"], community_id=r["community_id"], grid_id=r["grid_id"],
        building=r["building"], unit=r["unit"], room=r["room"], category=r["category"],
        urgent=bool(r["urgent"]), text=r["text"], status=r["status"],
        reporter_tg=r["reporter_tg"], reporter_person_id=r["reporter_person_id"],
        reporter_name=r["reporter_name"], source_chat_id=r["source_chat_id"],
        source_message_id=r["source_message_id"], assignee_person_id=r["assignee_person_id"],
        assign_seq=r["assign_seq"], card_ref=r["card_ref"],
        created_at=from_db(r["created_at"]), assigned_at=from_db(r["assigned_at"]),
        accepted_at=from_db(r["accepted_at"]), resolved_at=from_db(r["resolved_at"]),
        rating=r["rating"], rating_comment=r["rating_comment"],
    )


class Tickets:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    async def create(self, new: NewTicket) -> int:
        values = asdict(new)
        values["urgent"] = int(new.urgent)
        names = ", ".join(values)
        marks = ", ".join("?" * len(values))
        cur = await self._db.execute(
            f"INSERT INTO tickets ({names}, created_at, assigned_at) VALUES ({marks}, ?, ?)",
            (*values.values(), to_db(self._now), to_db(self._now)),
        )
        return cur.lastrowid

    async def get(self, ticket_id: int) -> Ticket | None:
        cur = await self._db.execute(f"SELECT {_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,))
        row = await cur.fetchone()
        return _ticket(row) if row else None

    async def _many(self, where: str, args: tuple) -> list[Ticket]:
        cur = await self._db.execute(f"SELECT {_COLUMNS} FROM tickets WHERE {where}", args)
        return [_ticket(r) for r in await cur.fetchall()]

    async def assigned_to(self, person_id: int, open_only: bool = True) -> list[Ticket]:
        status = " AND status IN ('open', 'accepted')" if open_only else ""
        return await self._many(f"assignee_person_id = ?{status} ORDER BY created_at, id", (person_id,))

    async def many(self, ids: list[int]) -> list[Ticket]:
        """The tickets of these ids, in the order given (ids not found are left out)."""
        found = {t.id: t for t in await self._many(
            "id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))}
        return [found[i] for i in ids if i in found]

    async def assigned_ids(self, person_id: int, limit: int) -> list[int]:
        """A person's open tickets as /mine lists them: urgent first, then the oldest first."""
        cur = await self._db.execute(
            "SELECT id FROM tickets WHERE assignee_person_id = ? AND status IN ('open', 'accepted')"
            " ORDER BY urgent DESC, created_at, id LIMIT ?", (person_id, limit))
        return [r[0] for r in await cur.fetchall()]

    async def assigned_count(self, person_id: int) -> int:
        """How many open tickets a person has, however many /mine lists (from tickets_assignee alone)."""
        cur = await self._db.execute(
            "SELECT COUNT(*) FROM tickets WHERE assignee_person_id = ? AND status IN ('open', 'accepted')",
            (person_id,))
        return (await cur.fetchone())[0]

    async def reported_ids(self, telegram_id: int, limit: int) -> list[int]:
        """What someone reported or follows, as /my lists it: open urgent ones first, then the newest."""
        return (await self.reported_ids_and_total(telegram_id, limit))[0]

    async def reported_ids_and_total(self, telegram_id: int, limit: int) -> tuple[list[int], int]:
        """reported_ids, and how many there are in all."""
        cur = await self._db.execute(
            "SELECT id FROM tickets WHERE reporter_tg = ?"
            " UNION SELECT ticket_id FROM ticket_watchers WHERE telegram_id = ?", (telegram_id, telegram_id))
        ids = [r[0] for r in await cur.fetchall()]
        if not ids:
            return [], 0
        cur = await self._db.execute(
            "SELECT id FROM tickets WHERE id IN (SELECT value FROM json_each(?))"
            " ORDER BY (urgent = 1 AND status IN ('open', 'accepted')) DESC, id DESC LIMIT ?",
            (json.dumps(ids), limit))
        return [r[0] for r in await cur.fetchall()], len(ids)

    async def reported_by(self, telegram_id: int, limit: int = 20) -> list[Ticket]:
        return await self._many(
            "(reporter_tg = ? OR id IN (SELECT ticket_id FROM ticket_watchers WHERE telegram_id = ?))"
            " ORDER BY id DESC LIMIT ?",
            (telegram_id, telegram_id, limit),
        )

    async def open_duplicate(self, community_id: int, building: str, unit: str | None,
                             room: str | None, category: str, within: timedelta,
                             not_reporter: int | None = None) -> list[Ticket]:
        """Open tickets of the same kind for the same place, newest first, none of `not_reporter`'s;
        two different homes are two tickets. Whether one is the same problem is the caller's call."""
        return await self._many(
            "community_id = ? AND building = ? AND category = ? AND status IN ('open', 'accepted')"
            " AND created_at >= ? AND (? IS NULL OR unit IS NULL OR unit = ?)"
            " AND (? IS NULL OR room IS NULL OR room = ?)"
            " AND (? IS NULL OR reporter_tg IS NULL OR reporter_tg != ?) ORDER BY id DESC LIMIT 10",
            (community_id, building, category, to_db(self._now - within), unit, unit, room, room,
             not_reporter, not_reporter),
        )

    async def open_by_reporter(self, telegram_id: int, within: timedelta) -> list[Ticket]:
        """Someone's open requests made within `within`, newest first."""
        return await self._many(
            "reporter_tg = ? AND status IN ('open', 'accepted') AND created_at >= ?"
            " ORDER BY id DESC LIMIT 20",
            (telegram_id, to_db(self._now - within)),
        )

    async def recent_of_reporter(self, telegram_id: int, within: timedelta) -> list[Ticket]:
        """Someone's requests still open, or resolved within `within`: what their words may be about."""
        return await self._many(
            "reporter_tg = ? AND (status IN ('open', 'accepted') OR resolved_at >= ?)"
            " ORDER BY id DESC LIMIT 20",
            (telegram_id, to_db(self._now - within)),
        )

    async def latest_open_by_reporter(self, telegram_id: int, within: timedelta) -> Ticket | None:
        found = await self._many(
            "reporter_tg = ? AND status IN ('open', 'accepted') AND created_at >= ?"
            " ORDER BY id DESC LIMIT 1",
            (telegram_id, to_db(self._now - within)),
        )
        return found[0] if found else None

    async def placeless_by_reporter(self, telegram_id: int) -> list[Ticket]:
        return await self._many(
            "reporter_tg = ? AND building IS NULL AND status IN ('open', 'accepted') ORDER BY id",
            (telegram_id,),
        )

    async def set_place(self, ticket_id: int, grid_id: int | None, building: str,
                        unit: str | None, room: str | None) -> None:
        await self._db.execute(
            "UPDATE tickets SET grid_id = COALESCE(?, grid_id), building = ?, unit = ?, room = ?"
            " WHERE id = ?",
            (grid_id, building, unit, room, ticket_id),
        )

    async def latest_by_reporter_in_chat(self, telegram_id: int, chat_id: int,
                                         within: timedelta) -> Ticket | None:
        found = await self._many(
            "reporter_tg = ? AND source_chat_id = ? AND created_at >= ? ORDER BY id DESC LIMIT 1",
            (telegram_id, chat_id, to_db(self._now - within)),
        )
        return found[0] if found else None

    async def set_status(self, ticket_id: int, status: str) -> None:
        stamp = {"accepted": "accepted_at", "resolved": "resolved_at"}.get(status)
        sql = "UPDATE tickets SET status = ?" + (f", {stamp} = ?" if stamp else "") + " WHERE id = ?"
        args = (status, to_db(self._now), ticket_id) if stamp else (status, ticket_id)
        await self._db.execute(sql, args)

    async def assign(self, ticket_id: int, person_id: int | None) -> None:
        """A new owner: the ticket waits to be accepted again, and its clock restarts."""
        await self._db.execute(
            "UPDATE tickets SET assignee_person_id = ?, assigned_at = ?, status = 'open',"
            " accepted_at = NULL, resolved_at = NULL, assign_seq = assign_seq + 1 WHERE id = ?",
            (person_id, to_db(self._now), ticket_id),
        )

    async def follow_token(self, ticket_id: int) -> str:
        """The ticket's follow token, made on first use: 22 url-safe characters, unguessable."""
        cur = await self._db.execute("SELECT follow_token FROM tickets WHERE id = ?", (ticket_id,))
        row = await cur.fetchone()
        if row and row["follow_token"]:
            return row["follow_token"]
        token = secrets.token_urlsafe(16)
        await self._db.execute("UPDATE tickets SET follow_token = ? WHERE id = ?", (token, ticket_id))
        return token

    async def by_follow_token(self, token: str) -> Ticket | None:
        found = await self._many("follow_token = ?", (token,))
        return found[0] if found else None

    async def set_card(self, ticket_id: int, ref: str | None) -> None:
        await self._db.execute("UPDATE tickets SET card_ref = ? WHERE id = ?", (ref, ticket_id))

    async def set_category(self, ticket_id: int, category: str) -> None:
        await self._db.execute("UPDATE tickets SET category = ? WHERE id = ?", (category, ticket_id))

    async def rate(self, ticket_id: int, rating: str) -> None:
        await self._db.execute("UPDATE tickets SET rating = ? WHERE id = ?", (rating, ticket_id))

    async def comment(self, ticket_id: int, text: str) -> None:
        await self._db.execute(
            "UPDATE tickets SET rating_comment = ? WHERE id = ?", (text, ticket_id)
        )

    # -- history, media, watchers ------------------------------------------------------------

    async def log(self, ticket_id: int, kind: str, actor_tg: int | None = None,
                  actor_name: str | None = None, detail: str | None = None, via: str | None = None) -> None:
        await self._db.execute(
            "INSERT INTO ticket_events (ticket_id, at, actor_tg, actor_name, kind, detail, via)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (ticket_id, to_db(self._now), actor_tg, actor_name, kind, detail, via),
        )

    async def events(self, ticket_id: int) -> list[TicketEvent]:
        cur = await self._db.execute(
            "SELECT at, actor_name, kind, detail, via FROM ticket_events WHERE ticket_id = ? ORDER BY id",
            (ticket_id,),
        )
        return [TicketEvent(from_db(r["at"]), r["actor_name"], r["kind"], r["detail"], r["via"])
                for r in await cur.fetchall()]

    async def add_media(self, ticket_id: int, chat_id: int, message_id: int, kind: str,
                        file_id: str | None = None) -> bool:
        cur = await self._db.execute(
            "INSERT OR IGNORE INTO ticket_media (ticket_id, chat_id, message_id, kind, at, file_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (ticket_id, chat_id, message_id, kind, to_db(self._now), file_id),
        )
        return cur.rowcount == 1

    async def photos(self, ticket_id: int) -> list[int]:
        """The ids of a ticket's photos that can be fetched again (their file id is known)."""
        cur = await self._db.execute(
            "SELECT id FROM ticket_media WHERE ticket_id = ? AND file_id IS NOT NULL ORDER BY id", (ticket_id,))
        return [r[0] for r in await cur.fetchall()]

    async def photo_file(self, ticket_id: int, media_id: int) -> str | None:
        cur = await self._db.execute(
            "SELECT file_id FROM ticket_media WHERE id = ? AND ticket_id = ?", (media_id, ticket_id))
        row = await cur.fetchone()
        return row[0] if row else None

    async def media(self, ticket_id: int) -> list[tuple[int, int, str]]:
        cur = await self._db.execute(
            "SELECT chat_id, message_id, kind FROM ticket_media WHERE ticket_id = ? ORDER BY id",
            (ticket_id,),
        )
        return [(r["chat_id"], r["message_id"], r["kind"]) for r in await cur.fetchall()]

    async def watch(self, ticket_id: int, telegram_id: int, chat_id: int,
                    message_id: int | None) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO ticket_watchers (ticket_id, telegram_id, chat_id, message_id)"
            " VALUES (?, ?, ?, ?)",
            (ticket_id, telegram_id, chat_id, message_id),
        )

    async def watchers(self, ticket_id: int) -> list[tuple[int, int, int | None]]:
        cur = await self._db.execute(
            "SELECT telegram_id, chat_id, message_id FROM ticket_watchers WHERE ticket_id = ?",
            (ticket_id,),
        )
        return [(r["telegram_id"], r["chat_id"], r["message_id"]) for r in await cur.fetchall()]

    async def ticket_for_message(self, chat_id: int, message_id: int) -> int | None:
        """The ticket a message belongs to: its report, its media, or the bot's receipt for it."""
        cur = await self._db.execute(
            "SELECT id FROM tickets WHERE source_chat_id = ? AND source_message_id = ?"
            " UNION SELECT ticket_id FROM ticket_media WHERE chat_id = ? AND message_id = ?"
            " UNION SELECT ticket_id FROM ticket_watchers WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id, chat_id, message_id, chat_id, message_id),
        )
        row = await cur.fetchone()
        return row[0] if row else None

    async def count_by_status(self) -> dict[str, int]:
        cur = await self._db.execute("SELECT status, COUNT(*) FROM tickets GROUP BY status")
        return {r[0]: r[1] for r in await cur.fetchall()}
