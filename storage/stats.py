"""Reads for tallies, digests and the 台账 export: rows as plain dicts, times as aware UTC datetimes."""
from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.timefmt import from_db, to_db

_TIME_KEYS = ("at", "deadline")
# A stored time as seconds since 1970, computed by SQLite (parsing a million times in Python is slow).
_SECONDS = "(julianday({}) - 2440587.5) * 86400.0"


def _row(r) -> dict[str, Any]:
    out = dict(r)
    for key, value in out.items():
        if isinstance(value, str) and (key.endswith("_at") or key in _TIME_KEYS) and value.endswith("Z"):
            out[key] = from_db(value)
    return out


def _limit_case(limits: list[tuple[str | None, bool, float, float]], column: int) -> tuple[str, tuple]:
    """A ticket's limit as SQL, from (category, urgent, accept, resolve) rows: CASE on the category
    (None: any other), then on urgent; with its arguments in order."""
    values: dict[str | None, dict[bool, float]] = {}
    for row in limits:
        values.setdefault(row[0], {})[bool(row[1])] = row[column]
    branches, args = [], []
    for category, by_urgent in values.items():
        if category is not None:
            branches.append("WHEN ? THEN CASE WHEN f.urgent THEN ? ELSE ? END")
            args += [category, by_urgent.get(True, by_urgent.get(False)), by_urgent.get(False, by_urgent.get(True))]
    other = "NULL"
    if None in values:
        other = "CASE WHEN f.urgent THEN ? ELSE ? END"
        by_urgent = values[None]
        args += [by_urgent.get(True, by_urgent.get(False)), by_urgent.get(False, by_urgent.get(True))]
    return f"(CASE f.category {' '.join(branches)} ELSE {other} END)", tuple(args)


@dataclass(frozen=True)
class TicketTally:
    """A window's tickets counted: per category (category, count, overdue, accepted, resolved), per
    status and per rating a count, the medians in seconds (None without any), (grid id, count)."""

    by_category: list[tuple]
    by_status: dict[str, int]
    by_rating: dict[str, int]
    median_accept: float | None
    median_resolve: float | None
    by_grid: list[tuple[int, int]]


class Stats:
    """Everything is filtered by community (None: all), grid (None: all) and a creation window [start, end)."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _all(self, sql: str, args: tuple) -> list[dict[str, Any]]:
        cur = await self._db.execute(sql, args)
        return [_row(r) for r in await cur.fetchall()]

    async def _stream(self, sql: str, args: tuple, raw_times: bool = False) -> AsyncIterator[dict[str, Any]]:
        """Rows a thousand at a time, however many there are: an export of a year fits in memory.
        With raw_times the times stay as stored (UTC ISO text), for a reader that converts them itself."""
        cur = await self._db.execute(sql, args)
        # The next thousand rows are read by SQLite's thread while these are used: on two cores the
        # query and the reader of its rows run side by side.
        ahead = asyncio.ensure_future(cur.fetchmany(1000))
        try:
            names = [d[0] for d in cur.description]
            times = [] if raw_times else [i for i, n in enumerate(names) if n.endswith("_at") or n in _TIME_KEYS]
            while rows := await ahead:
                ahead = asyncio.ensure_future(cur.fetchmany(1000))
                if not times:
                    for r in rows:
                        yield dict(zip(names, r))
                    continue
                for r in rows:
                    values = list(r)
                    for i in times:  # known once per query, not looked for in every row
                        if values[i] is not None:
                            values[i] = from_db(values[i])
                    yield dict(zip(names, values))
        finally:
            if not ahead.done():
                ahead.cancel()
            await asyncio.gather(ahead, return_exceptions=True)
            await cur.close()

    def stream(self, name: str, community_id: int | None, grid_id: int | None, start: datetime,
               end: datetime, raw_times: bool = False) -> AsyncIterator[dict[str, Any]]:
        """The rows of one of tickets, ticket_events, tasks, task_lines, notices, notice_acks, streamed."""
        sql, args = getattr(self, f"_{name}_sql")(community_id, grid_id, start, end)
        return self._stream(sql, args, raw_times)

    @staticmethod
    def _scope(alias: str, community_id: int | None, grid_id: int | None, start: datetime,
               end: datetime) -> tuple[str, tuple]:
        """The filter as plain conditions, so each is served by an index on (…, created_at)."""
        where = [f"{alias}.created_at >= ?", f"{alias}.created_at < ?"]
        args: list = [to_db(start), to_db(end)]
        if grid_id is not None:
            where.insert(0, f"{alias}.grid_id = ?")
            args.insert(0, grid_id)
        if community_id is not None:
            where.insert(0, f"{alias}.community_id = ?")
            args.insert(0, community_id)
        return " AND ".join(where), tuple(args)

    @staticmethod
    def _facts_scope(community_id: int | None, grid_id: int | None, start: datetime,
                     end: datetime) -> tuple[str, tuple]:
        """The window in ticket_facts: a grid's by its covering index, a community's by the key."""
        where = ["f.created_s >= ?", "f.created_s < ?"]
        args: list = [start.timestamp(), end.timestamp()]
        if grid_id is not None:
            where.insert(0, "f.grid_id = ?")
            args.insert(0, grid_id)
        if community_id is not None:
            where.insert(0, "f.community_id = ?")
            args.insert(0, community_id)
        return " AND ".join(where), tuple(args)

    async def ticket_facts(self, community_id: int | None, grid_id: int | None, start: datetime,
                           end: datetime) -> list[tuple]:
        """What a tally needs of each ticket, as numbers: (category, status, urgent, created,
        first accepted, resolved, escalated, rating, grid), times in seconds since 1970 (or None)."""
        where, args = self._facts_scope(community_id, grid_id, start, end)
        cur = await self._db.execute(
            "SELECT f.category, f.status, f.urgent, f.created_s, f.accepted_s, f.resolved_s, f.escalated,"
            f" f.rating, f.grid_id FROM ticket_facts f WHERE {where}", args)
        return [tuple(r) for r in await cur.fetchall()]

    async def ticket_tally(self, community_id: int | None, grid_id: int | None, start: datetime,
                           end: datetime, now: datetime, limits: list[tuple[str | None, bool, float, float]],
                           statuses: tuple[str, ...], ratings: dict[str, tuple[str, ...]],
                           by_grid: bool = False) -> TicketTally:
        """The tally of a window counted by SQLite, not row by row in Python.

        Per category: tickets, how many are overdue at `now` under `limits` ((category, urgent,
        accept seconds, resolve seconds); category None for any other), how many were accepted and
        resolved; the count per status of `statuses` and per rating (each rating by the values it is
        stored as); the two medians; optionally the count per grid. One GROUP BY of one column, since
        SQLite sorts a wider group slowly; the limits as a CASE, since a join would run per row.
        bot.tasks.stats.tally_facts is the same rule, in Python, and a test holds them together."""
        where, args = self._facts_scope(community_id, grid_id, start, end)
        now_s = now.timestamp()
        accept_limit, accept_args = _limit_case(limits, 2)
        resolve_limit, resolve_args = _limit_case(limits, 3)
        status_sql = ", ".join("COUNT(CASE WHEN f.status = ? THEN 1 END)" for _ in statuses)
        rating_sql = ", ".join(f"COUNT(CASE WHEN f.rating IN ({', '.join('?' for _ in stored)}) THEN 1 END)"
                               for stored in ratings.values())
        cur = await self._db.execute(
            "SELECT f.category, COUNT(*),"
            " SUM(CASE WHEN f.escalated"
            f"   OR COALESCE(f.resolved_s, ?) - f.created_s > {resolve_limit}"
            "   OR (CASE WHEN f.accepted_s IS NOT NULL THEN f.accepted_s WHEN f.resolved_s IS NOT NULL THEN NULL"
            f"       ELSE ? END) - f.created_s > {accept_limit} THEN 1 ELSE 0 END),"
            f" COUNT(f.accepted_s), COUNT(f.resolved_s), {status_sql}, {rating_sql}"
            f" FROM ticket_facts f WHERE {where} GROUP BY f.category",
            (now_s, *resolve_args, now_s, *accept_args, *statuses,
             *(v for stored in ratings.values() for v in stored)) + args)
        rows = [tuple(r) for r in await cur.fetchall()]
        n_status = len(statuses)
        by_category = [r[:5] for r in rows]
        by_status = {s: sum(r[5 + i] for r in rows) for i, s in enumerate(statuses)}
        by_rating = {k: sum(r[5 + n_status + i] for r in rows) for i, k in enumerate(ratings)}
        median_accept = await self._median("f.accepted_s", where, args, sum(r[3] for r in rows))
        median_resolve = await self._median("f.resolved_s", where, args, sum(r[4] for r in rows))
        grids: list[tuple[int, int]] = []
        if by_grid:
            cur = await self._db.execute(
                f"SELECT f.grid_id, COUNT(*) FROM ticket_facts f WHERE {where} AND f.grid_id IS NOT NULL"
                " GROUP BY f.grid_id", args)
            grids = [tuple(r) for r in await cur.fetchall()]
        return TicketTally(by_category, by_status, by_rating, median_accept, median_resolve, grids)

    async def _median(self, column: str, where: str, args: tuple, count: int) -> float | None:
        """The median of `column` - created over the window's rows that have it, sorted by SQLite."""
        if not count:
            return None
        cur = await self._db.execute(
            f"SELECT {column} - f.created_s AS d FROM ticket_facts f WHERE {where} AND {column} IS NOT NULL"
            " ORDER BY d LIMIT ? OFFSET ?", args + (2 - count % 2, (count - 1) // 2))
        values = [r[0] for r in await cur.fetchall()]
        return sum(values) / len(values)

    async def responder_counts(self, community_id: int | None, grid_id: int | None, start: datetime,
                               end: datetime) -> list[dict[str, Any]]:
        """Per person expected to answer (or per place with nobody named): lines expected and done
        in the window's tasks (cancelled ones left out), with the first line's id for ordering."""
        where, args = self._scope("k", community_id, grid_id, start, end)
        return await self._all(
            "SELECT x.person_name, CASE WHEN x.person_name IS NULL THEN x.building END AS place_building,"
            " CASE WHEN x.person_name IS NULL THEN x.unit END AS place_unit, COUNT(*) AS expected,"
            " COUNT(x.done_at) AS done, MIN(x.id) AS first, COUNT(DISTINCT x.task_id) AS tasks"
            " FROM task_targets x JOIN tasks k ON k.id = x.task_id"
            f" WHERE {where} AND k.status != 'cancelled'"
            " GROUP BY x.person_name, place_building, place_unit", args)

    async def task_count(self, community_id: int | None, grid_id: int | None, start: datetime,
                         end: datetime) -> int:
        """Tasks of the window that were handed to someone (cancelled ones left out)."""
        where, args = self._scope("k", community_id, grid_id, start, end)
        cur = await self._db.execute(
            f"SELECT COUNT(*) FROM tasks k WHERE {where} AND k.status != 'cancelled'"
            " AND EXISTS (SELECT 1 FROM task_targets x WHERE x.task_id = k.id)", args)
        return (await cur.fetchone())[0]

    async def tickets(self, community_id: int | None, grid_id: int | None, start: datetime,
                      end: datetime) -> list[dict[str, Any]]:
        return await self._all(*self._tickets_sql(community_id, grid_id, start, end))

    def _tickets_sql(self, community_id: int | None, grid_id: int | None, start: datetime,
                     end: datetime) -> tuple[str, tuple]:
        where, args = self._scope("t", community_id, grid_id, start, end)
        return (
            "SELECT t.id, t.community_id, t.grid_id, g.name AS grid, t.building, t.unit, t.room, t.category,"
            " t.urgent, t.text, t.status, t.reporter_name, a.name AS assignee, t.created_at, t.assigned_at,"
            " t.accepted_at, t.resolved_at, t.rating, t.rating_comment,"
            " (SELECT MIN(ev.at) FROM ticket_events ev WHERE ev.ticket_id = t.id AND ev.kind = 'accepted')"
            "   AS first_accepted_at,"
            " (SELECT COUNT(*) FROM ticket_events ev WHERE ev.ticket_id = t.id AND ev.kind = 'escalated')"
            "   AS escalations"
            " FROM tickets t LEFT JOIN grids g ON g.id = t.grid_id"
            " LEFT JOIN people a ON a.id = t.assignee_person_id"
            f" WHERE {where} ORDER BY t.id", args)

    async def ticket_events(self, community_id: int | None, grid_id: int | None, start: datetime,
                            end: datetime) -> list[dict[str, Any]]:
        return await self._all(*self._ticket_events_sql(community_id, grid_id, start, end))

    def _ticket_events_sql(self, community_id: int | None, grid_id: int | None, start: datetime,
                           end: datetime) -> tuple[str, tuple]:
        where, args = self._scope("t", community_id, grid_id, start, end)
        return (
            "SELECT ev.ticket_id, ev.at, ev.actor_name, ev.kind, ev.detail, ev.via FROM ticket_events ev"
            f" JOIN tickets t ON t.id = ev.ticket_id WHERE {where} ORDER BY ev.ticket_id, ev.id", args)

    async def tasks(self, community_id: int | None, grid_id: int | None, start: datetime,
                    end: datetime) -> list[dict[str, Any]]:
        return await self._all(*self._tasks_sql(community_id, grid_id, start, end))

    def _tasks_sql(self, community_id: int | None, grid_id: int | None, start: datetime,
                   end: datetime) -> tuple[str, tuple]:
        where, args = self._scope("k", community_id, grid_id, start, end)
        return (
            "SELECT k.id, k.community_id, k.grid_id, g.name AS grid, k.title, k.text, k.audience, k.deadline,"
            " k.creator_name, k.status, k.created_at, k.closed_at,"
            " (SELECT COUNT(*) FROM task_targets x WHERE x.task_id = k.id) AS expected,"
            " (SELECT COUNT(*) FROM task_targets x WHERE x.task_id = k.id AND x.done_at IS NOT NULL) AS done,"
            " (SELECT COUNT(*) FROM task_completions c WHERE c.task_id = k.id AND c.target_id IS NULL)"
            "   AS helpers"
            " FROM tasks k LEFT JOIN grids g ON g.id = k.grid_id"
            f" WHERE {where} ORDER BY k.id", args)

    async def task_targets(self, community_id: int | None, grid_id: int | None, start: datetime,
                           end: datetime) -> list[dict[str, Any]]:
        """Every expected answer of the window's tasks (cancelled tasks left out)."""
        return await self._all(*self._task_targets_sql(community_id, grid_id, start, end))

    def _task_targets_sql(self, community_id: int | None, grid_id: int | None, start: datetime,
                          end: datetime) -> tuple[str, tuple]:
        where, args = self._scope("k", community_id, grid_id, start, end)
        return (
            "SELECT x.id, x.task_id, k.title, k.deadline, k.status AS task_status, x.building, x.unit,"
            " x.person_id, x.person_name, x.done_at, x.done_by_name, x.done_how"
            " FROM task_targets x JOIN tasks k ON k.id = x.task_id"
            f" WHERE {where} AND k.status != 'cancelled' ORDER BY x.task_id, x.id", args)

    async def task_completions(self, community_id: int | None, grid_id: int | None, start: datetime,
                               end: datetime) -> list[dict[str, Any]]:
        return await self._all(*self._task_completions_sql(community_id, grid_id, start, end))

    def _task_completions_sql(self, community_id: int | None, grid_id: int | None, start: datetime,
                              end: datetime) -> tuple[str, tuple]:
        where, args = self._scope("k", community_id, grid_id, start, end)
        return (
            "SELECT c.task_id, k.title, c.at, c.name, c.how, c.text, x.building, x.unit,"
            " CASE WHEN c.target_id IS NULL THEN 1 ELSE 0 END AS help"
            " FROM task_completions c JOIN tasks k ON k.id = c.task_id"
            " LEFT JOIN task_targets x ON x.id = c.target_id"
            f" WHERE {where} ORDER BY c.task_id, c.id", args)

    def _task_lines_sql(self, community_id: int | None, grid_id: int | None, start: datetime,
                        end: datetime) -> tuple[str, tuple]:
        """The 任务完成 sheet: each task's expected lines (cancelled tasks left out), then its helpers."""
        where, args = self._scope("k", community_id, grid_id, start, end)
        return (
            "SELECT * FROM (SELECT x.task_id, k.title, k.deadline, x.building, x.unit, x.person_name,"
            " x.done_at, x.done_by_name, x.done_how, 0 AS help, x.id AS line"
            " FROM task_targets x JOIN tasks k ON k.id = x.task_id"
            f" WHERE {where} AND k.status != 'cancelled'"
            " UNION ALL SELECT c.task_id, k.title, NULL, NULL, NULL, NULL, c.at, c.name, c.how, 1, c.id"
            " FROM task_completions c JOIN tasks k ON k.id = c.task_id"
            f" WHERE {where} AND c.target_id IS NULL) ORDER BY task_id, help, line", args + args)

    async def notices(self, community_id: int | None, grid_id: int | None, start: datetime,
                      end: datetime) -> list[dict[str, Any]]:
        return await self._all(*self._notices_sql(community_id, grid_id, start, end))

    def _notices_sql(self, community_id: int | None, grid_id: int | None, start: datetime,
                     end: datetime) -> tuple[str, tuple]:
        where, args = self._scope("n", community_id, grid_id, start, end)
        return (
            "SELECT n.id, n.grid_id, g.name AS grid, n.text, n.creator_name, n.created_at,"
            " (SELECT COUNT(*) FROM notice_audience r WHERE r.notice_id = n.id) AS expected,"
            " (SELECT COUNT(*) FROM notice_audience r WHERE r.notice_id = n.id AND EXISTS"
            "   (SELECT 1 FROM notice_acks a WHERE a.notice_id = n.id AND a.person_id = r.person_id)) AS acked,"
            " (SELECT COUNT(*) FROM notice_acks a WHERE a.notice_id = n.id) AS acks"
            " FROM notices n LEFT JOIN grids g ON g.id = n.grid_id"
            f" WHERE {where} ORDER BY n.id", args)

    async def notice_acks(self, community_id: int | None, grid_id: int | None, start: datetime,
                          end: datetime) -> list[dict[str, Any]]:
        return await self._all(*self._notice_acks_sql(community_id, grid_id, start, end))

    def _notice_acks_sql(self, community_id: int | None, grid_id: int | None, start: datetime,
                         end: datetime) -> tuple[str, tuple]:
        where, args = self._scope("n", community_id, grid_id, start, end)
        return (
            "SELECT a.notice_id, a.at, a.name, a.how,"
            " CASE WHEN EXISTS (SELECT 1 FROM notice_audience r WHERE r.notice_id = a.notice_id"
            "   AND r.person_id = a.person_id) THEN 1 ELSE 0 END AS expected"
            " FROM notice_acks a JOIN notices n ON n.id = a.notice_id"
            f" WHERE {where} ORDER BY a.notice_id, a.id", args)
