"""Bulk loading: many rows per statement, for the scale generator and large imports."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import aiosqlite

# Column lists, in the order the row tuples give them.
TABLES: dict[str, tuple[str, ...]] = {
    "communities": ("id", "name"),
    "grids": ("id", "community_id", "name"),
    "buildings": ("id", "community_id", "grid_id", "name"),
    "units": ("id", "building_id", "name"),
    "people": ("id", "community_id", "name", "phone", "telegram_id", "created_at", "linked_at"),
    "person_roles": ("person_id", "role", "community_id", "grid_id", "building_id", "unit_id", "room"),
    "private_chats": ("telegram_id", "first_seen_at"),
    "group_chats": ("chat_id", "grid_id", "title", "bound_by", "bound_at"),
    "tickets": ("id", "community_id", "grid_id", "building", "unit", "room", "category", "urgent", "text",
                "status", "reporter_tg", "reporter_person_id", "reporter_name", "source_chat_id",
                "source_message_id", "assignee_person_id", "created_at", "assigned_at", "accepted_at",
                "resolved_at", "rating"),
    "ticket_events": ("ticket_id", "at", "actor_tg", "actor_name", "kind", "detail"),
    "tasks": ("id", "community_id", "grid_id", "chat_id", "title", "text", "audience", "deadline",
              "creator_person_id", "creator_name", "status", "created_at", "closed_at"),
    "task_targets": ("task_id", "building", "unit", "person_id", "person_name", "done_at", "done_by_person_id",
                     "done_by_name", "done_how"),
    "task_completions": ("task_id", "target_id", "person_id", "name", "how", "at"),
    "notices": ("id", "community_id", "grid_id", "chat_id", "text", "creator_person_id", "creator_name",
                "created_at"),
    "notice_audience": ("notice_id", "person_id", "name", "telegram_id"),
    "notice_acks": ("notice_id", "telegram_id", "person_id", "name", "how", "at"),
    "points": ("community_id", "person_id", "amount", "reason", "source", "at"),
    "outbox": ("chat_id", "method", "payload", "ref", "status", "attempts", "not_before", "created_at",
               "sent_at", "message_id"),
}


class Bulk:
    """Inserts rows as given (ids included where the table lists them), many per statement."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def insert(self, table: str, rows: Iterable[Sequence]) -> None:
        columns = TABLES[table]
        marks = ", ".join("?" * len(columns))
        await self._db.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    async def task_target_ids(self, task_ids: Sequence[int]) -> dict[tuple[int, str, str | None], int]:
        """(task, building, unit) → target id, to point completions at the lines they tick."""
        if not task_ids:
            return {}
        marks = ",".join("?" * len(task_ids))
        cur = await self._db.execute(
            f"SELECT id, task_id, building, unit FROM task_targets WHERE task_id IN ({marks})", tuple(task_ids))
        return {(r[1], r[2], r[3]): r[0] for r in await cur.fetchall()}
