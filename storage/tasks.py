"""Tasks, the places they expect answers from, and every completion."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

import aiosqlite

from bot.model.tasks import Completion, NewTask, Slot, Target, Task
from storage.timefmt import from_db, to_db

_COLUMNS = (
    "id, community_id, grid_id, chat_id, source_message_id, title, topic, text, audience, deadline,"
    " creator_person_id, creator_tg, creator_name, status, card_ref, version, created_at, closed_at,"
    " summary_sent_at"
)
_TARGET_COLUMNS = (
    "id, task_id, building, unit, person_id, person_name, done_at, done_by_person_id, done_by_name, done_how"
)


def _task(r) -> Task:
    return Task(
        id=r["id"], community_id=r["community_id"], grid_id=r["grid_id"], chat_id=r["chat_id"],
        source_message_id=r["source_message_id"], title=r["title"], topic=r["topic"], text=r["text"],
        audience=r["audience"], deadline=from_db(r["deadline"]),
        creator_person_id=r["creator_person_id"], creator_tg=r["creator_tg"],
        creator_name=r["creator_name"], status=r["status"], card_ref=r["card_ref"],
        version=r["version"], created_at=from_db(r["created_at"]), closed_at=from_db(r["closed_at"]),
        summary_sent_at=from_db(r["summary_sent_at"]),
    )


def _target(r) -> Target:
    return Target(
        id=r["id"], task_id=r["task_id"], building=r["building"], unit=r["unit"],
        person_id=r["person_id"], person_name=r["person_name"], done_at=from_db(r["done_at"]),
        done_by_person_id=r["done_by_person_id"], done_by_name=r["done_by_name"], done_how=r["done_how"],
    )


def _completion(r) -> Completion:
    return Completion(r["id"], r["task_id"], r["target_id"], r["person_id"], r["telegram_id"], r["name"],
                      r["how"], r["text"], from_db(r["at"]))


class Tasks:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    async def create(self, new: NewTask, slots: list[Slot]) -> int:
        values = asdict(new)
        values["deadline"] = to_db(new.deadline) if new.deadline else None
        names = ", ".join(values)
        marks = ", ".join("?" * len(values))
        cur = await self._db.execute(
            f"INSERT INTO tasks ({names}, created_at) VALUES ({marks}, ?)",
            (*values.values(), to_db(self._now)),
        )
        task_id = cur.lastrowid
        await self.set_targets(task_id, slots)
        return task_id

    async def set_targets(self, task_id: int, slots: list[Slot]) -> None:
        """Replace the expected places (a changed audience); what was done stays done."""
        done = {(t.building, t.unit): t for t in await self.targets(task_id) if t.done}
        await self._db.execute(
            "DELETE FROM task_targets WHERE task_id = ? AND done_at IS NULL", (task_id,))
        for s in slots:
            if (s.building, s.unit) in done:
                continue
            await self._db.execute(
                "INSERT OR IGNORE INTO task_targets (task_id, building, unit, person_id, person_name)"
                " VALUES (?, ?, ?, ?, ?)",
                (task_id, s.building, s.unit, s.person_id, s.person_name),
            )
        keep = {(s.building, s.unit) for s in slots}
        for key, t in done.items():
            if key not in keep:
                # Done under the old audience: it no longer counts, but the completion stays as help.
                await self._db.execute(
                    "UPDATE task_completions SET target_id = NULL WHERE target_id = ?", (t.id,))
                await self._db.execute("DELETE FROM task_targets WHERE id = ?", (t.id,))

    async def get(self, task_id: int) -> Task | None:
        cur = await self._db.execute(f"SELECT {_COLUMNS} FROM tasks WHERE id = ?", (task_id,))
        row = await cur.fetchone()
        return _task(row) if row else None

    async def open_in_chat(self, chat_id: int, within: timedelta | None = None) -> list[Task]:
        since = to_db(self._now - within) if within else "0"
        cur = await self._db.execute(
            f"SELECT {_COLUMNS} FROM tasks WHERE chat_id = ? AND status = 'open' AND created_at >= ?"
            " ORDER BY id", (chat_id, since))
        return [_task(r) for r in await cur.fetchall()]

    async def by_source(self, chat_id: int, message_id: int) -> Task | None:
        cur = await self._db.execute(
            f"SELECT {_COLUMNS} FROM tasks WHERE chat_id = ? AND source_message_id = ?",
            (chat_id, message_id))
        row = await cur.fetchone()
        return _task(row) if row else None

    async def targets(self, task_id: int) -> list[Target]:
        cur = await self._db.execute(
            f"SELECT {_TARGET_COLUMNS} FROM task_targets WHERE task_id = ? ORDER BY id", (task_id,))
        return [_target(r) for r in await cur.fetchall()]

    async def completions(self, task_id: int) -> list[Completion]:
        cur = await self._db.execute(
            "SELECT id, task_id, target_id, person_id, telegram_id, name, how, text, at"
            " FROM task_completions WHERE task_id = ? ORDER BY id", (task_id,))
        return [_completion(r) for r in await cur.fetchall()]

    async def complete(self, target_id: int, person_id: int | None, name: str, how: str) -> bool:
        cur = await self._db.execute(
            "UPDATE task_targets SET done_at = ?, done_by_person_id = ?, done_by_name = ?, done_how = ?"
            " WHERE id = ? AND done_at IS NULL",
            (to_db(self._now), person_id, name, how, target_id))
        return cur.rowcount == 1

    async def record(self, task_id: int, target_id: int | None, person_id: int | None,
                     telegram_id: int | None, name: str, how: str, text: str | None) -> None:
        await self._db.execute(
            "INSERT INTO task_completions (task_id, target_id, person_id, telegram_id, name, how, text, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (task_id, target_id, person_id, telegram_id, name, how, text, to_db(self._now)))

    async def helped(self, task_id: int, telegram_id: int | None, person_id: int | None) -> bool:
        cur = await self._db.execute(
            "SELECT 1 FROM task_completions WHERE task_id = ? AND target_id IS NULL"
            " AND (telegram_id = ? OR (person_id IS NOT NULL AND person_id = ?))",
            (task_id, telegram_id, person_id))
        return await cur.fetchone() is not None

    async def set_card(self, task_id: int, ref: str) -> None:
        await self._db.execute("UPDATE tasks SET card_ref = ? WHERE id = ?", (ref, task_id))

    async def set_status(self, task_id: int, status: str) -> None:
        closed = to_db(self._now) if status != "open" else None
        await self._db.execute(
            "UPDATE tasks SET status = ?, closed_at = ? WHERE id = ?", (status, closed, task_id))

    async def change(self, task_id: int, *, deadline: datetime | None | bool = False,
                     audience: str | None = None, title: str | None = None) -> None:
        """Change what the creator corrected; the version moves on so old reminders lapse."""
        sets, args = ["version = version + 1", "summary_sent_at = NULL"], []
        if deadline is not False:
            sets.append("deadline = ?")
            args.append(to_db(deadline) if deadline else None)
        if audience is not None:
            sets.append("audience = ?")
            args.append(audience)
        if title is not None:
            sets.append("title = ?")
            args.append(title)
        await self._db.execute(f"UPDATE tasks SET {', '.join(sets)} WHERE id = ?", (*args, task_id))

    async def summary_sent(self, task_id: int) -> None:
        await self._db.execute(
            "UPDATE tasks SET summary_sent_at = ? WHERE id = ?", (to_db(self._now), task_id))
