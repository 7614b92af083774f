"""The web desk's logins and sessions, and its filtered, paged 诉求 list."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.model.desk import Cutoffs, TicketFilter, TicketScope
from storage.timefmt import from_db, to_db

_ORDERS = {
    "new": "t.created_at DESC, t.id DESC",
    "old": "t.created_at, t.id",
    "urgent": "t.urgent DESC, t.created_at DESC, t.id DESC",
    "category": "t.category, t.created_at DESC, t.id DESC",
    "grid": "g.name, t.created_at DESC, t.id DESC",
}


def _in(values) -> str:
    return ",".join("?" * len(values))


class Desk:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    # -- logins and sessions ------------------------------------------------------------------

    async def add_login(self, token_hash: str, person_id: int, expires_at: datetime) -> None:
        await self._db.execute(
            "INSERT INTO desk_logins (token_hash, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (token_hash, person_id, to_db(self._now), to_db(expires_at)))

    async def use_login(self, token_hash: str) -> int | None:
        """The person a login link is for, if it is unused and unexpired; it is used up at once."""
        cur = await self._db.execute(
            "UPDATE desk_logins SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?"
            " RETURNING person_id", (to_db(self._now), token_hash, to_db(self._now)))
        row = await cur.fetchone()
        return row[0] if row else None

    async def add_session(self, token_hash: str, person_id: int, csrf: str, expires_at: datetime) -> None:
        await self._db.execute(
            "INSERT INTO desk_sessions (token_hash, person_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (token_hash, person_id, csrf, to_db(self._now), to_db(expires_at)))

    async def session(self, token_hash: str) -> tuple[int, str] | None:
        """(person, CSRF token) of a live session."""
        cur = await self._db.execute(
            "SELECT person_id, csrf FROM desk_sessions WHERE token_hash = ? AND expires_at > ?",
            (token_hash, to_db(self._now)))
        row = await cur.fetchone()
        return (row[0], row[1]) if row else None

    async def end_session(self, token_hash: str) -> None:
        await self._db.execute("DELETE FROM desk_sessions WHERE token_hash = ?", (token_hash,))

    async def forget_expired(self) -> None:
        now = to_db(self._now)
        await self._db.execute("DELETE FROM desk_logins WHERE expires_at <= ?", (now,))
        await self._db.execute("DELETE FROM desk_sessions WHERE expires_at <= ?", (now,))

    # -- the 诉求 list ---------------------------------------------------------------------------

    @staticmethod
    def _overdue(c: Cutoffs) -> tuple[str, list[Any]]:
        def case(per: dict[str, datetime], default: datetime) -> tuple[str, list[Any]]:
            if not per:
                return "?", [to_db(default)]
            args: list[Any] = []
            sql = "CASE t.category"
            for cat, moment in per.items():
                sql += " WHEN ? THEN ?"
                args += [cat, to_db(moment)]
            return sql + " ELSE ? END", args + [to_db(default)]

        acc, acc_args = case(c.accept, c.default_accept)
        urg, urg_args = case(c.urgent_accept, c.default_urgent_accept)
        res, res_args = case(c.resolve, c.default_resolve)
        sql = (f"((t.status = 'open' AND t.assigned_at < (CASE WHEN t.urgent = 1 THEN {urg} ELSE {acc} END))"
               f" OR (t.status IN ('open', 'accepted') AND t.created_at < {res}))")
        return sql, [*urg_args, *acc_args, *res_args]

    def _where(self, scope: TicketScope, f: TicketFilter, cutoffs: Cutoffs, window,
               with_status: bool = True) -> tuple[str, list[Any]]:
        where = ["t.community_id = ?"]
        args: list[Any] = [scope.community_id]
        if not scope.everything:
            parts = ["t.assignee_person_id = ?"]
            args.append(scope.person_id)
            if scope.grid_ids:
                parts.append(f"t.grid_id IN ({_in(scope.grid_ids)})")
                args += sorted(scope.grid_ids)
            for cats, grid in scope.fields:
                part = f"t.category IN ({_in(cats)})"
                args += sorted(cats)
                if grid is not None:
                    part += " AND t.grid_id = ?"
                    args.append(grid)
                parts.append(f"({part})")
            where.append("(" + " OR ".join(parts) + ")")
        if with_status and f.status:
            if f.status == "active":
                where.append("t.status IN ('open', 'accepted')")
            else:
                where.append("t.status = ?")
                args.append(f.status)
        if f.category:
            where.append("t.category = ?")
            args.append(f.category)
        if f.grid_id is not None:
            where.append("t.grid_id = ?")
            args.append(f.grid_id)
        if f.building:
            where.append("t.building = ?")
            args.append(f.building)
        if f.urgent:
            where.append("t.urgent = 1")
        start, end = window
        if start is not None:
            where.append("t.created_at >= ?")
            args.append(to_db(start))
        if end is not None:
            where.append("t.created_at < ?")
            args.append(to_db(end))
        for word in f.words:
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append("(t.text LIKE ? ESCAPE '\\' OR t.reporter_name = ?)")
            args += [f"%{escaped}%", word]
        if f.overdue:
            sql, more = self._overdue(cutoffs)
            where.append(sql)
            args += more
        return " AND ".join(where), args

    async def tickets(self, scope: TicketScope, f: TicketFilter, cutoffs: Cutoffs, window,
                      limit: int, offset: int = 0) -> list[dict[str, Any]]:
        """One page of the list, with the grid's and the owner's names and whether it is overdue."""
        where, args = self._where(scope, f, cutoffs, window)
        overdue, overdue_args = self._overdue(cutoffs)
        cur = await self._db.execute(
            "SELECT t.id, t.grid_id, g.name AS grid, t.building, t.unit, t.room, t.category, t.urgent, t.text,"
            " t.status, t.reporter_name, a.name AS assignee, t.created_at, t.accepted_at, t.resolved_at,"
            f" t.rating, t.rating_comment, {overdue} AS overdue"
            " FROM tickets t LEFT JOIN grids g ON g.id = t.grid_id"
            " LEFT JOIN people a ON a.id = t.assignee_person_id"
            f" WHERE {where} ORDER BY {_ORDERS.get(f.sort, _ORDERS['new'])} LIMIT ? OFFSET ?",
            (*overdue_args, *args, limit, offset))
        rows = []
        for r in await cur.fetchall():
            row = dict(r)
            for key in ("created_at", "accepted_at", "resolved_at"):
                row[key] = from_db(row[key])
            row["urgent"] = bool(row["urgent"])
            row["overdue"] = bool(row["overdue"])
            rows.append(row)
        return rows

    async def ticket_ids(self, scope: TicketScope, f: TicketFilter, cutoffs: Cutoffs, window,
                         limit: int) -> list[int]:
        """Every id the filter matches, in its order (for a download of what is on screen)."""
        where, args = self._where(scope, f, cutoffs, window)
        cur = await self._db.execute(
            "SELECT t.id FROM tickets t LEFT JOIN grids g ON g.id = t.grid_id"
            f" WHERE {where} ORDER BY {_ORDERS.get(f.sort, _ORDERS['new'])} LIMIT ?", (*args, limit))
        return [r[0] for r in await cur.fetchall()]

    async def status_counts(self, scope: TicketScope, f: TicketFilter, cutoffs: Cutoffs,
                            window) -> dict[str, int]:
        """How many match the other filters, by status: the counts beside the status choices."""
        where, args = self._where(scope, f, cutoffs, window, with_status=False)
        cur = await self._db.execute(
            f"SELECT t.status, COUNT(*) FROM tickets t WHERE {where} GROUP BY t.status", args)
        return {r[0]: r[1] for r in await cur.fetchall()}

    async def export_tickets(self, ids: list[int]) -> list[dict[str, Any]]:
        """The 台账's columns for these tickets, in the order given."""
        cur = await self._db.execute(
            "SELECT t.id, g.name AS grid, t.building, t.unit, t.room, t.category, t.urgent, t.text, t.status,"
            " t.reporter_name, a.name AS assignee, t.created_at, t.accepted_at, t.resolved_at, t.rating,"
            " t.rating_comment, (SELECT MIN(ev.at) FROM ticket_events ev WHERE ev.ticket_id = t.id"
            "   AND ev.kind = 'accepted') AS first_accepted_at"
            " FROM tickets t LEFT JOIN grids g ON g.id = t.grid_id LEFT JOIN people a ON a.id = t.assignee_person_id"
            " WHERE t.id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))
        found = {}
        for r in await cur.fetchall():
            row = dict(r)
            for key in ("created_at", "accepted_at", "resolved_at", "first_accepted_at"):
                row[key] = from_db(row[key])
            found[row["id"]] = row
        return [found[i] for i in ids if i in found]

    async def export_events(self, ids: list[int]) -> list[dict[str, Any]]:
        cur = await self._db.execute(
            "SELECT ticket_id, at, actor_name, kind, detail, via FROM ticket_events"
            " WHERE ticket_id IN (SELECT value FROM json_each(?)) ORDER BY ticket_id, id", (json.dumps(ids),))
        return [{**dict(r), "at": from_db(r["at"])} for r in await cur.fetchall()]

    async def buildings(self, community_id: int, grid_ids: frozenset[int] | None) -> list[str]:
        sql = "SELECT b.name FROM buildings b WHERE b.community_id = ?"
        args: list[Any] = [community_id]
        if grid_ids is not None:
            sql += f" AND b.grid_id IN ({_in(grid_ids)})"
            args += sorted(grid_ids)
        cur = await self._db.execute(sql, args)
        return [r[0] for r in await cur.fetchall()]
