"""Reads for tallies, digests and the 台账 export: rows as plain dicts, times as aware UTC datetimes."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from storage.timefmt import from_db, to_db

_TIME_KEYS = ("at", "deadline")


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

    @staticmethod
    def _scope(alias: str, community_id: int | None, grid_id: int | None, start: datetime,
               end: datetime) -> tuple[str, tuple]:
        where = (f"(? IS NULL OR {alias}.community_id = ?) AND (? IS NULL OR {alias}.grid_id = ?)"
                 f" AND {alias}.created_at >= ? AND {alias}.created_at < ?")
        return where, (community_id, community_id, grid_id, grid_id, to_db(start), to_db(end))

    async def tickets(self, community_id: int | None, grid_id: int | None, start: datetime,
                      end: datetime) -> list[dict[str, Any]]:
        where, args = self._scope("t", community_id, grid_id, start, end)
        return await self._all(
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
        where, args = self._scope("t", community_id, grid_id, start, end)
        return await self._all(
            "SELECT ev.ticket_id, ev.at, ev.actor_name, ev.kind, ev.detail FROM ticket_events ev"
            f" JOIN tickets t ON t.id = ev.ticket_id WHERE {where} ORDER BY ev.ticket_id, ev.id", args)

    async def tasks(self, community_id: int | None, grid_id: int | None, start: datetime,
                    end: datetime) -> list[dict[str, Any]]:
        where, args = self._scope("k", community_id, grid_id, start, end)
        return await self._all(
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
        where, args = self._scope("k", community_id, grid_id, start, end)
        return await self._all(
            "SELECT x.id, x.task_id, k.title, k.deadline, k.status AS task_status, x.building, x.unit,"
            " x.person_id, x.person_name, x.done_at, x.done_by_name, x.done_how"
            " FROM task_targets x JOIN tasks k ON k.id = x.task_id"
            f" WHERE {where} AND k.status != 'cancelled' ORDER BY x.task_id, x.id", args)

    async def task_completions(self, community_id: int | None, grid_id: int | None, start: datetime,
                               end: datetime) -> list[dict[str, Any]]:
        where, args = self._scope("k", community_id, grid_id, start, end)
        return await self._all(
            "SELECT c.task_id, k.title, c.at, c.name, c.how, c.text, x.building, x.unit,"
            " CASE WHEN c.target_id IS NULL THEN 1 ELSE 0 END AS help"
            " FROM task_completions c JOIN tasks k ON k.id = c.task_id"
            " LEFT JOIN task_targets x ON x.id = c.target_id"
            f" WHERE {where} ORDER BY c.task_id, c.id", args)

    async def notices(self, community_id: int | None, grid_id: int | None, start: datetime,
                      end: datetime) -> list[dict[str, Any]]:
        where, args = self._scope("n", community_id, grid_id, start, end)
        return await self._all(
            "SELECT n.id, n.grid_id, g.name AS grid, n.text, n.creator_name, n.created_at,"
            " (SELECT COUNT(*) FROM notice_audience r WHERE r.notice_id = n.id) AS expected,"
            " (SELECT COUNT(*) FROM notice_audience r WHERE r.notice_id = n.id AND EXISTS"
            "   (SELECT 1 FROM notice_acks a WHERE a.notice_id = n.id AND a.person_id = r.person_id)) AS acked,"
            " (SELECT COUNT(*) FROM notice_acks a WHERE a.notice_id = n.id) AS acks"
            " FROM notices n LEFT JOIN grids g ON g.id = n.grid_id"
            f" WHERE {where} ORDER BY n.id", args)

    async def notice_acks(self, community_id: int | None, grid_id: int | None, start: datetime,
                          end: datetime) -> list[dict[str, Any]]:
        where, args = self._scope("n", community_id, grid_id, start, end)
        return await self._all(
            "SELECT a.notice_id, a.at, a.name, a.how,"
            " CASE WHEN EXISTS (SELECT 1 FROM notice_audience r WHERE r.notice_id = a.notice_id"
            "   AND r.person_id = a.person_id) THEN 1 ELSE 0 END AS expected"
            " FROM notice_acks a JOIN notices n ON n.id = a.notice_id"
            f" WHERE {where} ORDER BY a.notice_id, a.id", args)
