"""Points (积分): awards, the monthly ranking, and what the automatic rules look at."""
from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.model.tasks import Award
from storage.timefmt import from_db, to_db


class Points:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    async def award(self, community_id: int, person_id: int, amount: int, reason: str, source: str,
                    by: int | None = None, ref: str | None = None) -> bool:
        """Record points; an award with a ref already given is not given again (False)."""
        cur = await self._db.execute(
            "INSERT OR IGNORE INTO points (community_id, person_id, amount, reason, source, ref,"
            " awarded_by_person_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (community_id, person_id, amount, reason, source, ref, by, to_db(self._now)))
        return cur.rowcount == 1

    async def ranking(self, community_id: int, start: datetime, end: datetime,
                      grid_id: int | None = None) -> list[tuple[int, str, int]]:
        """(person id, name, total) for the period, highest first; with a grid, its people and the
        community's own (volunteers of no grid), not those of other grids."""
        grids_of = ("SELECT COALESCE(r.grid_id, b.grid_id) AS grid FROM person_roles r"
                    " LEFT JOIN units u ON u.id = r.unit_id"
                    " LEFT JOIN buildings b ON b.id = COALESCE(r.building_id, u.building_id)"
                    " WHERE r.person_id = p.person_id")
        in_grid = ("" if grid_id is None else
                   f" AND (EXISTS ({grids_of} AND COALESCE(r.grid_id, b.grid_id) = :grid)"
                   f" OR NOT EXISTS ({grids_of} AND COALESCE(r.grid_id, b.grid_id) IS NOT NULL))")
        cur = await self._db.execute(
            "SELECT p.person_id, pe.name, SUM(p.amount) AS total FROM points p"
            " JOIN people pe ON pe.id = p.person_id"
            " WHERE p.community_id = :community AND p.at >= :start AND p.at < :end" + in_grid +
            " GROUP BY p.person_id HAVING total != 0 ORDER BY total DESC, MIN(p.id)",
            {"community": community_id, "start": to_db(start), "end": to_db(end), "grid": grid_id})
        return [(r["person_id"], r["name"], r["total"]) for r in await cur.fetchall()]

    async def total(self, person_id: int, start: datetime, end: datetime) -> int:
        cur = await self._db.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM points WHERE person_id = ? AND at >= ? AND at < ?",
            (person_id, to_db(start), to_db(end)))
        return (await cur.fetchone())[0]

    async def awards(self, community_id: int, start: datetime, end: datetime) -> list[Award]:
        cur = await self._db.execute(
            "SELECT p.person_id, pe.name, p.amount, p.reason, p.source, p.at FROM points p"
            " JOIN people pe ON pe.id = p.person_id WHERE p.community_id = ? AND p.at >= ? AND p.at < ?"
            " ORDER BY p.id", (community_id, to_db(start), to_db(end)))
        return [Award(r["person_id"], r["name"], r["amount"], r["reason"], r["source"], from_db(r["at"]))
                for r in await cur.fetchall()]

    async def volunteer_help_on_resolved_tickets(self, since: datetime) -> list[tuple[int, int, int, str]]:
        """(ticket id, community id, volunteer person id, ticket summary) for tickets resolved since
        `since` that a volunteer owned or took part in (reported, commented, followed up)."""
        cur = await self._db.execute(
            # From the few volunteers to their community's recent tickets, in that order (CROSS JOIN
            # fixes it): the other way round is every recent ticket times every person.
            "SELECT DISTINCT t.id AS ticket_id, t.community_id, pe.id AS person_id, t.category, t.building"
            " FROM person_roles pr"
            " CROSS JOIN people pe ON pe.id = pr.person_id AND pe.active = 1"
            " CROSS JOIN tickets t ON +t.community_id = pr.community_id"  # by resolved_at, not community
            " WHERE pr.role = 'volunteer'"
            " AND t.resolved_at IS NOT NULL AND t.resolved_at >= ? AND t.status IN ('resolved', 'closed')"
            " AND (t.assignee_person_id = pe.id OR t.reporter_person_id = pe.id OR (pe.telegram_id IS NOT NULL"
            "  AND EXISTS (SELECT 1 FROM ticket_events ev WHERE ev.ticket_id = t.id"
            "  AND ev.actor_tg = pe.telegram_id)))"
            " ORDER BY t.id, pe.id", (to_db(since),))
        return [(r["ticket_id"], r["community_id"], r["person_id"], r["category"]) for r in await cur.fetchall()]
