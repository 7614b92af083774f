"""Elders, their 包保人 and family, visits, 防走失 links and scans: every SQL statement of the elders wing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.model.elders import Elder, Responder, Scan, Visit
from storage.timefmt import from_db, to_db

_ELDER_SELECT = (
    "SELECT e.id, e.community_id, e.grid_id, g.name AS grid, e.name, e.building, e.unit, e.room, e.categories,"
    " e.risk, e.family_name, e.family_phone, e.health_note, e.photo_name, e.photo IS NOT NULL AS has_photo,"
    " e.active, e.last_visit_at, e.cycle_start_at, e.next_due_at, e.cycle"
    " FROM elders e LEFT JOIN grids g ON g.id = e.grid_id"
)
_VISIT_COLUMNS = "id, elder_id, person_id, visitor_name, at, outcome, how, said, note, due_at, ticket_id"
_SCAN_COLUMNS = ("id, elder_id, token, finder_tg, at, status, latitude, longitude, finder_phone, closed_at,"
                 " closed_by")


def _elder(r, keepers: tuple[int, ...]) -> Elder:
    return Elder(
        id=r["id"], community_id=r["community_id"], grid_id=r["grid_id"], name=r["name"], building=r["building"],
        unit=r["unit"], room=r["room"], risk=r["risk"], next_due_at=from_db(r["next_due_at"]),
        cycle_start_at=from_db(r["cycle_start_at"]), cycle=r["cycle"],
        categories=tuple(c for c in r["categories"].split("、") if c), family_name=r["family_name"],
        family_phone=r["family_phone"], health_note=r["health_note"], photo_name=r["photo_name"],
        has_photo=bool(r["has_photo"]), active=bool(r["active"]), last_visit_at=from_db(r["last_visit_at"]),
        grid=r["grid"], keeper_ids=keepers,
    )


def _visit(r) -> Visit:
    return Visit(r["id"], r["elder_id"], r["person_id"], r["visitor_name"], from_db(r["at"]), r["outcome"],
                 r["how"], r["said"], r["note"], from_db(r["due_at"]), r["ticket_id"])


def _scan(r) -> Scan:
    return Scan(r["id"], r["elder_id"], r["token"], r["finder_tg"], from_db(r["at"]), r["status"],
                r["latitude"], r["longitude"], r["finder_phone"], from_db(r["closed_at"]), r["closed_by"])


@dataclass(frozen=True)
class ElderRecord:
    """What the sheet says about one elder, matched against the roster: the fields an import writes."""

    community_id: int
    grid_id: int | None
    name: str
    building: str
    unit: str | None
    room: str | None
    categories: tuple[str, ...]
    risk: str
    family_name: str | None
    family_phone: str | None
    health_note: str | None
    photo_name: str | None
    photo: bytes | None
    photo_sha: str | None
    photo_source_sha: str | None
    keeper_ids: tuple[int, ...]


@dataclass(frozen=True)
class VisitCount:
    """One grid's visits for a period: due (应访), done (已访), late or still missing (逾期)."""

    due: int = 0
    done: int = 0
    late: int = 0

    def __add__(self, other: "VisitCount") -> "VisitCount":
        return VisitCount(self.due + other.due, self.done + other.done, self.late + other.late)


class Elders:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    # -- the registry --------------------------------------------------------------------------

    async def communities(self) -> list[tuple[int, str]]:
        """(id, name) of every community the roster has."""
        cur = await self._db.execute("SELECT id, name FROM communities ORDER BY id")
        return [(r["id"], r["name"]) for r in await cur.fetchall()]

    async def _load(self, where: str, args: tuple, order: str = "e.id", limit: int | None = None,
                    offset: int = 0) -> list[Elder]:
        sql = f"{_ELDER_SELECT} WHERE {where} ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        cur = await self._db.execute(sql, args)
        rows = await cur.fetchall()
        if not rows:
            return []
        keepers = await self._keepers([r["id"] for r in rows])
        return [_elder(r, keepers.get(r["id"], ())) for r in rows]

    async def _keepers(self, elder_ids: list[int]) -> dict[int, tuple[int, ...]]:
        found: dict[int, list[int]] = {}
        for i in range(0, len(elder_ids), 500):
            chunk = elder_ids[i:i + 500]
            cur = await self._db.execute(
                f"SELECT elder_id, person_id FROM elder_keepers WHERE elder_id IN ({','.join('?' * len(chunk))})"
                " ORDER BY elder_id, position", chunk)
            for r in await cur.fetchall():
                found.setdefault(r["elder_id"], []).append(r["person_id"])
        return {k: tuple(v) for k, v in found.items()}

    async def get(self, elder_id: int) -> Elder | None:
        found = await self._load("e.id = ?", (elder_id,))
        return found[0] if found else None

    async def in_community(self, community_id: int, active_only: bool = True) -> list[Elder]:
        where = "e.community_id = ?" + (" AND e.active = 1" if active_only else "")
        return await self._load(where, (community_id,))

    async def all_active(self) -> list[Elder]:
        return await self._load("e.active = 1", (), order="e.community_id, e.grid_id, e.id")

    async def by_name(self, community_id: int | None, name: str) -> list[Elder]:
        return await self._load("(? IS NULL OR e.community_id = ?) AND e.name = ? AND e.active = 1",
                                (community_id, community_id, name))

    _DUE_ORDER = "e.next_due_at, e.id"
    _ORDERS = {
        "due": _DUE_ORDER,
        "place": "CAST(e.building AS INTEGER), e.building, CAST(e.unit AS INTEGER), e.unit,"
                 " CAST(e.room AS INTEGER), e.room, e.id",
    }

    async def of_keeper(self, person_id: int, limit: int | None = None, offset: int = 0,
                        order: str = "due") -> list[Elder]:
        """A 包保人's elders, the most overdue first (or by address)."""
        return await self._load(
            "e.active = 1 AND e.id IN (SELECT elder_id FROM elder_keepers WHERE person_id = ?)",
            (person_id,), self._ORDERS[order], limit, offset)

    async def count_of_keeper(self, person_id: int) -> int:
        cur = await self._db.execute(
            "SELECT COUNT(*) FROM elders e JOIN elder_keepers k ON k.elder_id = e.id"
            " WHERE k.person_id = ? AND e.active = 1", (person_id,))
        return (await cur.fetchone())[0]

    @staticmethod
    def _scope(community_id: int, grid_ids: frozenset[int] | None, buildings: frozenset[str] | None
               ) -> tuple[str, tuple]:
        where = "e.community_id = ? AND e.active = 1"
        args: list[Any] = [community_id]
        parts = []
        if grid_ids:
            parts.append(f"e.grid_id IN ({','.join('?' * len(grid_ids))})")
            args += sorted(grid_ids)
        if buildings:
            parts.append(f"e.building IN ({','.join('?' * len(buildings))})")
            args += sorted(buildings)
        if parts:
            where += " AND (" + " OR ".join(parts) + ")"
        elif grid_ids is not None or buildings is not None:
            where += " AND 0"
        return where, tuple(args)

    async def in_scope(self, community_id: int, grid_ids: frozenset[int] | None = None,
                       buildings: frozenset[str] | None = None, limit: int | None = None,
                       offset: int = 0, order: str = "due") -> list[Elder]:
        """Active elders of a community, in some grids or buildings (None: all of them), most overdue first."""
        where, args = self._scope(community_id, grid_ids, buildings)
        return await self._load(where, args, self._ORDERS[order], limit, offset)

    async def count_in_scope(self, community_id: int, grid_ids: frozenset[int] | None = None,
                             buildings: frozenset[str] | None = None) -> int:
        where, args = self._scope(community_id, grid_ids, buildings)
        cur = await self._db.execute(f"SELECT COUNT(*) FROM elders e WHERE {where}", args)
        return (await cur.fetchone())[0]

    async def add(self, record: ElderRecord, cycle_start: datetime, next_due: datetime) -> int:
        cur = await self._db.execute(
            "INSERT INTO elders (community_id, grid_id, name, building, unit, room, categories, risk, family_name,"
            " family_phone, health_note, photo_name, photo, photo_sha, photo_source_sha, created_at, updated_at,"
            " cycle_start_at, next_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (record.community_id, record.grid_id, record.name, record.building, record.unit, record.room,
             "、".join(record.categories), record.risk, record.family_name, record.family_phone,
             record.health_note, record.photo_name, record.photo, record.photo_sha, record.photo_source_sha,
             to_db(self._now), to_db(self._now), to_db(cycle_start), to_db(next_due)))
        elder_id = cur.lastrowid
        await self.set_keepers(elder_id, record.keeper_ids)
        return elder_id

    async def record(self, elder_id: int) -> tuple[ElderRecord, bool] | None:
        """What an import last wrote for an elder, and whether the elder is active."""
        cur = await self._db.execute(
            "SELECT community_id, grid_id, name, building, unit, room, categories, risk, family_name, family_phone,"
            " health_note, photo_name, photo_sha, photo_source_sha, active FROM elders WHERE id = ?", (elder_id,))
        r = await cur.fetchone()
        if r is None:
            return None
        keepers = (await self._keepers([elder_id])).get(elder_id, ())
        return ElderRecord(
            r["community_id"], r["grid_id"], r["name"], r["building"], r["unit"], r["room"],
            tuple(c for c in r["categories"].split("、") if c), r["risk"], r["family_name"], r["family_phone"],
            r["health_note"], r["photo_name"], None, r["photo_sha"], r["photo_source_sha"], keepers,
        ), bool(r["active"])

    async def update(self, elder_id: int, record: ElderRecord, keep_photo: bool) -> None:
        """Write what the sheet says; `keep_photo` leaves the stored picture alone (the same one again)."""
        photo_sql = "" if keep_photo else ", photo = ?, photo_sha = ?, photo_source_sha = ?"
        photo_args: tuple = () if keep_photo else (record.photo, record.photo_sha, record.photo_source_sha)
        await self._db.execute(
            "UPDATE elders SET community_id = ?, grid_id = ?, name = ?, building = ?, unit = ?, room = ?,"
            " categories = ?, risk = ?, family_name = ?, family_phone = ?, health_note = ?, photo_name = ?,"
            f" active = 1, updated_at = ?{photo_sql} WHERE id = ?",
            (record.community_id, record.grid_id, record.name, record.building, record.unit, record.room,
             "、".join(record.categories), record.risk, record.family_name, record.family_phone,
             record.health_note, record.photo_name, to_db(self._now), *photo_args, elder_id))
        await self.set_keepers(elder_id, record.keeper_ids)

    async def set_keepers(self, elder_id: int, person_ids: tuple[int, ...]) -> None:
        await self._db.execute("DELETE FROM elder_keepers WHERE elder_id = ?", (elder_id,))
        for position, person_id in enumerate(dict.fromkeys(person_ids)):
            await self._db.execute(
                "INSERT INTO elder_keepers (elder_id, person_id, position) VALUES (?, ?, ?)",
                (elder_id, person_id, position))

    async def deactivate(self, elder_id: int) -> None:
        await self._db.execute("UPDATE elders SET active = 0, updated_at = ? WHERE id = ?",
                               (to_db(self._now), elder_id))

    async def photo(self, elder_id: int) -> bytes | None:
        cur = await self._db.execute("SELECT photo FROM elders WHERE id = ?", (elder_id,))
        row = await cur.fetchone()
        return bytes(row["photo"]) if row and row["photo"] is not None else None

    async def start_wait(self, elder_id: int, since: datetime, due: datetime, visited: bool) -> int:
        """Begin the wait for the next visit; returns its number (the reminder jobs are named by it)."""
        await self._db.execute(
            "UPDATE elders SET cycle = cycle + 1, cycle_start_at = ?, next_due_at = ?,"
            " last_visit_at = CASE WHEN ? THEN ? ELSE last_visit_at END WHERE id = ?",
            (to_db(since), to_db(due), int(visited), to_db(since), elder_id))
        cur = await self._db.execute("SELECT cycle FROM elders WHERE id = ?", (elder_id,))
        return (await cur.fetchone())[0]

    async def saw(self, elder_id: int, at: datetime) -> None:
        """An extra visit within a wait: it is the latest visit, and the wait stays as it is."""
        await self._db.execute("UPDATE elders SET last_visit_at = ? WHERE id = ?", (to_db(at), elder_id))

    # -- visits --------------------------------------------------------------------------------

    async def add_visit(self, elder: Elder, person_id: int | None, visitor_name: str, outcome: str, how: str,
                        said: str | None, due_at: datetime | None) -> int:
        cur = await self._db.execute(
            "INSERT INTO elder_visits (elder_id, community_id, grid_id, person_id, visitor_name, at, outcome, how,"
            " said, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (elder.id, elder.community_id, elder.grid_id, person_id, visitor_name, to_db(self._now), outcome, how,
             said, to_db(due_at) if due_at else None))
        return cur.lastrowid

    async def visit(self, visit_id: int) -> Visit | None:
        cur = await self._db.execute(f"SELECT {_VISIT_COLUMNS} FROM elder_visits WHERE id = ?", (visit_id,))
        row = await cur.fetchone()
        return _visit(row) if row else None

    async def set_visit_note(self, visit_id: int, note: str) -> None:
        await self._db.execute(
            "UPDATE elder_visits SET note = CASE WHEN note IS NULL THEN ? ELSE note || '; ' || ? END WHERE id = ?",
            (note, note, visit_id))

    async def set_visit_concern(self, visit_id: int, ticket_id: int | None) -> None:
        await self._db.execute(
            "UPDATE elder_visits SET outcome = 'concern', ticket_id = COALESCE(?, ticket_id) WHERE id = ?",
            (ticket_id, visit_id))

    async def last_visits(self, elder_ids: list[int]) -> dict[int, Visit]:
        """Each elder's most recent visit."""
        found: dict[int, Visit] = {}
        for i in range(0, len(elder_ids), 500):
            chunk = elder_ids[i:i + 500]
            cur = await self._db.execute(
                f"SELECT {_VISIT_COLUMNS} FROM elder_visits v WHERE v.id IN (SELECT (SELECT id FROM elder_visits w"
                " WHERE w.elder_id = x.value ORDER BY w.at DESC, w.id DESC LIMIT 1)"
                f" FROM json_each(?) x)", (f"[{','.join(map(str, chunk))}]",))
            for r in await cur.fetchall():
                found[r["elder_id"]] = _visit(r)
        return found

    # -- tallies and the 台账 --------------------------------------------------------------------

    async def visit_counts(self, community_id: int | None, grid_id: int | None, start: datetime, end: datetime
                           ) -> dict[int | None, VisitCount]:
        """Per grid: visits that fell due in [start, end) and whether they were made in time, plus the
        waits still open that were due before `end` (those already past due count as late)."""
        scope = "(? IS NULL OR community_id = ?) AND (? IS NULL OR grid_id = ?)"
        args = (community_id, community_id, grid_id, grid_id)
        counts: dict[int | None, VisitCount] = {}
        cur = await self._db.execute(
            "SELECT grid_id, COUNT(*) AS n, SUM(at > due_at) AS late FROM elder_visits"
            f" WHERE {scope} AND due_at >= ? AND due_at < ? GROUP BY grid_id",
            (*args, to_db(start), to_db(end)))
        for r in await cur.fetchall():
            counts[r["grid_id"]] = VisitCount(r["n"], r["n"], r["late"] or 0)
        cur = await self._db.execute(
            "SELECT grid_id, COUNT(*) AS n, SUM(next_due_at <= ?) AS late FROM elders"
            f" WHERE {scope} AND active = 1 AND next_due_at < ? GROUP BY grid_id",
            (to_db(self._now), *args, to_db(end)))
        for r in await cur.fetchall():
            counts[r["grid_id"]] = counts.get(r["grid_id"], VisitCount()) + VisitCount(r["n"], 0, r["late"] or 0)
        return counts

    async def overdue(self, community_id: int, grid_id: int | None, limit: int = 10) -> list[Elder]:
        return await self._load(
            "e.community_id = ? AND (? IS NULL OR e.grid_id = ?) AND e.active = 1 AND e.next_due_at <= ?",
            (community_id, grid_id, grid_id, to_db(self._now)), self._DUE_ORDER, limit)

    async def count_overdue_in(self, community_id: int, grid_ids: frozenset[int] | None) -> int:
        where, args = self._scope(community_id, grid_ids, None)
        cur = await self._db.execute(f"SELECT COUNT(*) FROM elders e WHERE {where} AND e.next_due_at <= ?",
                                     (*args, to_db(self._now)))
        return (await cur.fetchone())[0]

    async def sheet_rows(self, community_id: int | None, grid_id: int | None) -> list[dict[str, Any]]:
        """The 老人 sheet of the 台账: every active elder of the scope, with keepers and the last visit."""
        cur = await self._db.execute(
            "SELECT e.id, c.name AS community, g.name AS grid, e.name, e.building, e.unit, e.room, e.categories,"
            " e.risk, e.family_name, e.family_phone, e.health_note, e.last_visit_at, e.next_due_at,"
            " (SELECT GROUP_CONCAT(name, '、') FROM (SELECT p.name FROM elder_keepers k JOIN people p"
            "   ON p.id = k.person_id WHERE k.elder_id = e.id ORDER BY k.position)) AS keepers"
            " FROM elders e JOIN communities c ON c.id = e.community_id LEFT JOIN grids g ON g.id = e.grid_id"
            " WHERE e.active = 1 AND (? IS NULL OR e.community_id = ?) AND (? IS NULL OR e.grid_id = ?)"
            " ORDER BY e.community_id, e.grid_id, e.id",
            (community_id, community_id, grid_id, grid_id))
        return [_times(r) for r in await cur.fetchall()]

    async def visit_rows(self, community_id: int | None, grid_id: int | None, start: datetime, end: datetime
                         ) -> list[dict[str, Any]]:
        """The 探访记录 sheet: visits made in [start, end)."""
        cur = await self._db.execute(
            "SELECT v.id, v.at, g.name AS grid, e.name AS elder, e.building, e.unit, e.room, v.visitor_name,"
            " v.outcome, v.how, v.said, v.note, v.due_at, v.ticket_id"
            " FROM elder_visits v JOIN elders e ON e.id = v.elder_id LEFT JOIN grids g ON g.id = v.grid_id"
            " WHERE (? IS NULL OR v.community_id = ?) AND (? IS NULL OR v.grid_id = ?) AND v.at >= ? AND v.at < ?"
            " ORDER BY v.at, v.id",
            (community_id, community_id, grid_id, grid_id, to_db(start), to_db(end)))
        return [_times(r) for r in await cur.fetchall()]

    # -- deep links ----------------------------------------------------------------------------

    async def open_link(self, elder_id: int, kind: str, new_token: str) -> str:
        """The elder's current link of this kind (a family link not used yet), made with `new_token` if none."""
        cur = await self._db.execute(
            "SELECT token FROM elder_links WHERE elder_id = ? AND kind = ? AND revoked_at IS NULL"
            " AND used_by IS NULL ORDER BY created_at DESC LIMIT 1", (elder_id, kind))
        row = await cur.fetchone()
        if row:
            return row["token"]
        await self._db.execute(
            "INSERT INTO elder_links (token, elder_id, kind, created_at) VALUES (?, ?, ?, ?)",
            (new_token, elder_id, kind, to_db(self._now)))
        return new_token

    async def find_link(self, token: str) -> tuple[int, str, bool, int | None] | None:
        """(elder id, kind, revoked, used by) of a token."""
        cur = await self._db.execute(
            "SELECT elder_id, kind, revoked_at, used_by FROM elder_links WHERE token = ?", (token,))
        r = await cur.fetchone()
        return (r["elder_id"], r["kind"], r["revoked_at"] is not None, r["used_by"]) if r else None

    async def revoke_links(self, elder_id: int, kind: str) -> int:
        cur = await self._db.execute(
            "UPDATE elder_links SET revoked_at = ? WHERE elder_id = ? AND kind = ? AND revoked_at IS NULL",
            (to_db(self._now), elder_id, kind))
        return cur.rowcount

    async def use_link(self, token: str, telegram_id: int) -> bool:
        cur = await self._db.execute(
            "UPDATE elder_links SET used_by = ?, used_at = ? WHERE token = ? AND used_by IS NULL",
            (telegram_id, to_db(self._now), token))
        return cur.rowcount == 1

    async def add_family(self, elder_id: int, telegram_id: int, name: str) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO elder_family (elder_id, telegram_id, name, linked_at) VALUES (?, ?, ?, ?)",
            (elder_id, telegram_id, name, to_db(self._now)))

    async def family(self, elder_id: int) -> list[tuple[int, str]]:
        cur = await self._db.execute(
            "SELECT telegram_id, name FROM elder_family WHERE elder_id = ? ORDER BY linked_at", (elder_id,))
        return [(r["telegram_id"], r["name"]) for r in await cur.fetchall()]

    # -- scans of the 防走失 code -----------------------------------------------------------------

    async def add_scan(self, elder_id: int | None, token: str, finder_tg: int, status: str) -> int:
        cur = await self._db.execute(
            "INSERT INTO elder_scans (elder_id, token, finder_tg, at, status) VALUES (?, ?, ?, ?, ?)",
            (elder_id, token[:64], finder_tg, to_db(self._now), status))
        return cur.lastrowid

    async def scan(self, scan_id: int) -> Scan | None:
        cur = await self._db.execute(f"SELECT {_SCAN_COLUMNS} FROM elder_scans WHERE id = ?", (scan_id,))
        row = await cur.fetchone()
        return _scan(row) if row else None

    async def open_scan(self, finder_tg: int, elder_id: int) -> Scan | None:
        cur = await self._db.execute(
            f"SELECT {_SCAN_COLUMNS} FROM elder_scans WHERE finder_tg = ? AND elder_id = ? AND status = 'open'"
            " ORDER BY id DESC LIMIT 1", (finder_tg, elder_id))
        row = await cur.fetchone()
        return _scan(row) if row else None

    async def scans(self, elder_id: int) -> list[Scan]:
        cur = await self._db.execute(
            f"SELECT {_SCAN_COLUMNS} FROM elder_scans WHERE elder_id = ? ORDER BY id", (elder_id,))
        return [_scan(r) for r in await cur.fetchall()]

    async def located(self, scan_id: int, latitude: float, longitude: float) -> None:
        await self._db.execute(
            "UPDATE elder_scans SET latitude = ?, longitude = ?, located_at = ? WHERE id = ?",
            (latitude, longitude, to_db(self._now), scan_id))

    async def finder_phone(self, scan_id: int, phone: str) -> None:
        await self._db.execute("UPDATE elder_scans SET finder_phone = ? WHERE id = ?", (phone, scan_id))

    async def close_scan(self, scan_id: int, by: str) -> bool:
        cur = await self._db.execute(
            "UPDATE elder_scans SET status = 'closed', closed_at = ?, closed_by = ? WHERE id = ? AND status = 'open'",
            (to_db(self._now), by, scan_id))
        return cur.rowcount == 1

    async def add_responder(self, scan_id: int, telegram_id: int, person_id: int | None, name: str,
                            side: str) -> bool:
        cur = await self._db.execute(
            "INSERT OR IGNORE INTO elder_responders (scan_id, telegram_id, person_id, name, side)"
            " VALUES (?, ?, ?, ?, ?)", (scan_id, telegram_id, person_id, name, side))
        return cur.rowcount == 1

    async def responders(self, scan_id: int) -> list[Responder]:
        cur = await self._db.execute(
            "SELECT scan_id, telegram_id, person_id, name, side FROM elder_responders WHERE scan_id = ?"
            " ORDER BY rowid", (scan_id,))
        return [Responder(r["scan_id"], r["telegram_id"], r["person_id"], r["name"], r["side"])
                for r in await cur.fetchall()]


def _times(r) -> dict[str, Any]:
    """A row as a dict, its times as aware datetimes (fromisoformat: the 台账 reads thousands of rows)."""
    out = dict(r)
    for key, value in out.items():
        if isinstance(value, str) and (key.endswith("_at") or key == "at") and value.endswith("Z"):
            out[key] = datetime.fromisoformat(value)
    return out
