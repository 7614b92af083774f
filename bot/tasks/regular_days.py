"""Regular days (每月15日 党员学习日, 每月10日 居民恳谈日 …): a reminder the evening before and on the morning.

Config:
    [[regular_days]]
    day = 15
    title = "党员学习日"
    groups = "all"            # or ["第一网格"]
    note = "上午9点, 社区党群服务中心"   # optional, said with the reminder
    evening = "19:00"         # optional; the reminder the evening before
    morning = "08:00"         # optional; the reminder on the day
"""
from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.model.messages import text_message
from bot.texts import e
from storage import Tx
from storage.jobs import Job

log = logging.getLogger(__name__)

REGULAR_DAYS_JOB = "regular_days"
# A reminder this late (the bot was down) is still worth sending; later ones are skipped.
GRACE = timedelta(hours=3)
IDLE_CHECK = timedelta(days=1)


@dataclass(frozen=True)
class RegularDay:
    day: int
    title: str
    groups: tuple[str, ...] | None = None  # grid names; None for every grid group
    note: str = ""
    evening: time = time(19, 0)
    morning: time = time(8, 0)

    def date_in(self, year: int, month: int) -> date:
        """The day in that month; "31" in a short month is its last day."""
        return date(year, month, min(self.day, calendar.monthrange(year, month)[1]))

    def wants(self, grid_name: str) -> bool:
        return self.groups is None or grid_name in self.groups


def read_regular_days(entries: Any) -> list[RegularDay]:
    found = []
    for entry in entries or []:
        try:
            day = int(entry["day"])
            title = str(entry["title"]).strip()
        except (KeyError, TypeError, ValueError):
            log.warning("regular_days entry %r needs day and title; skipped", entry)
            continue
        if not 1 <= day <= 31 or not title:
            continue
        groups = entry.get("groups", "all")
        names = None if groups in ("all", "全部", None) else tuple([groups] if isinstance(groups, str) else groups)
        found.append(RegularDay(
            day, title, names, str(entry.get("note", "")).strip(),
            time.fromisoformat(str(entry.get("evening", "19:00"))),
            time.fromisoformat(str(entry.get("morning", "08:00"))),
        ))
    return found


def moments(days: list[RegularDay], after: datetime, zone: ZoneInfo, months: int = 3
            ) -> list[tuple[datetime, int, str, date]]:
    """Every reminder (moment, index, "eve"/"day", the day) after `after`, soonest first."""
    local = after.astimezone(zone)
    year, month = local.year, local.month
    found = []
    for _ in range(months):
        for i, rd in enumerate(days):
            when = rd.date_in(year, month)
            found.append((datetime.combine(when - timedelta(days=1), rd.evening, zone), i, "eve", when))
            found.append((datetime.combine(when, rd.morning, zone), i, "day", when))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return sorted((m for m in found if m[0] > after), key=lambda m: (m[0], m[1]))


def reminder_text(rd: RegularDay, kind: str, when: date) -> str:
    note = f"\n{e(rd.note)}" if rd.note else ""
    if kind == "eve":
        return f"📅 明天 ({when.month}月{when.day}日) 是<b>{e(rd.title)}</b>, 别忘了。{note}"
    return f"📅 今天 ({when.month}月{when.day}日) 是<b>{e(rd.title)}</b>。{note}"


class RegularDays:
    def __init__(self, zone: ZoneInfo, days: list[RegularDay]) -> None:
        self._zone = zone
        self.days = days

    async def on_job(self, tx: Tx, job: Job) -> datetime:
        if job.due_at > tx.now:
            return job.due_at
        if job.due_at.year > 2000 and tx.now - job.due_at <= GRACE:
            due = [m for m in moments(self.days, job.due_at - timedelta(seconds=1), self._zone, months=2)
                   if m[0] == job.due_at]
            for _, index, kind, when in due:
                await self._send(tx, index, kind, when)
        upcoming = moments(self.days, tx.now, self._zone)
        return upcoming[0][0] if upcoming else tx.now + IDLE_CHECK

    async def _send(self, tx: Tx, index: int, kind: str, when: date) -> None:
        rd = self.days[index]
        for binding in await tx.groups.all():
            if rd.wants(binding.grid.name):
                await tx.outbox.enqueue(text_message(
                    binding.chat_id, reminder_text(rd, kind, when),
                    ref=f"rd:{when:%Y%m%d}:{rd.day}:{rd.title}:{kind}:{binding.chat_id}"))
