"""Reads for tallies, digests and the 台账 export: rows as plain dicts, times as aware UTC datetimes."""
from __future__ import annotations

from collections.abc import AsyncIterator
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


class Stats:
    """Everything is filtered by community (None: all), grid (None: all) and a creation window [start, end)."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _all(self, sql: str, args: tuple) -> list[dict[str, Any]]:
        cur = await self._db.execute(sql, args)
        return [_row(r) for r in await cur.fetchall()]

    async def _stream(self, sql: str, args: tuple) -> AsyncIterator[dict[str, Any]]:
        """Rows a thousand at a time, however many there are: an export of a year fits in memory."""
        cur = await self._db.execute(sql, args)
        try:
            names = [d[0] for d in cur.description]
            times = [i for i, n in enumerate(names) if n.endswith("_at") or n in _TIME_KEYS]
            while rows := await cur.fetchmany(1000):
                for r in rows:
                    values = list(r)
                    for i in times:  # known once per query, not looked for in every row
                        if values[i] is not None:
                            values[i] = from_db(values[i])
                    yield dict(zip(names, values))
        finally:
            await cur.close()

    def stream(self, name: str, community_id: int | None, grid_id: int | None, start: datetime,
               end: datetime) -> AsyncIterator[dict[str, Any]]:
        """The rows of one of tickets, ticket_events, tasks, task_lines, notices, notice_acks, streamed."""
        sql, args = getattr(self, f"_{name}_sql")(community_id, grid_id, start, end)
        return self._stream(sql, args)

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

    async def ticket_facts(self, community_id: int | None, grid_id: int | None, start: datetime,
                           end: datetime) -> list[tuple]:
        """What a tally needs of each ticket, as numbers: (category, status, urgent, created,
        first accepted, resolved, escalated, rating, grid), times in seconds since 1970 (or None)."""
        where, args = self._scope("t", community_id, grid_id, start, end)
        # A ticket never handed on (assign_seq 1) was accepted at most once: accepted_at is its first
        # acceptance, and only the few handed on need their history read.
        first_accepted = ("CASE WHEN t.assign_seq = 1 THEN t.accepted_at ELSE COALESCE((SELECT MIN(ev.at)"
                          " FROM ticket_events ev WHERE ev.ticket_id = t.id AND ev.kind = 'accepted'),"
                          " t.accepted_at) END")
        cur = await self._db.execute(
            "SELECT t.category, t.status, t.urgent, " + _SECONDS.format("t.created_at") + ","
            + _SECONDS.format(first_accepted) + "," + _SECONDS.format("t.resolved_at") + ","
            " EXISTS (SELECT 1 FROM ticket_events ev WHERE ev.ticket_id = t.id AND ev.kind = 'escalated'),"
            f" t.rating, t.grid_id FROM tickets t WHERE {where}", args)
        return [tuple(r) for r in await cur.fetchall()]

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
