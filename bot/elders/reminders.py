"""Nobody is forgotten: a visit not made by its due time reminds the 包保人, then tells the grid worker."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.model.domain import Person
from bot.elders import render
from bot.model.elders import Elder
from bot.elders.rules import ElderRules
from bot.delivery.jobs import after_quiet_hours
from bot.model.messages import text_message
from bot.model.roles import Role
from bot.tickets.service import QuietHours
from storage import Tx
from storage.jobs import Job

# Each wait for a visit has a number (the elder's cycle); its reminder jobs are named by it, so a visit,
# which starts a new wait, makes them moot. The jobs live in the database: a reminder that fell due
# while the bot was down is sent once when it is back.

VISIT_JOB = "elder_visit"


def job_key(elder_id: int, cycle: int, level: int, round_: int = 0) -> str:
    return f"e{elder_id}:c{cycle}:{level}" + (f":r{round_}" if round_ else "")


async def schedule_wait(tx: Tx, elder_id: int, cycle: int, due: datetime) -> None:
    """The reminder for a new wait; the wait before it is dropped with its jobs."""
    await tx.jobs.cancel(f"e{elder_id}:")
    await tx.jobs.add(VISIT_JOB, due, {"elder": elder_id, "cycle": cycle, "level": 1},
                      key=job_key(elder_id, cycle, 1))


async def reachable(tx: Tx, people: list[Person]) -> list[Person]:
    return [p for p in people if p.telegram_id and await tx.groups.can_write_to(p.telegram_id)]


async def keepers_of(tx: Tx, elder: Elder) -> list[Person]:
    found = [await tx.people.get(pid) for pid in elder.keeper_ids]
    return [p for p in found if p is not None and p.active]


async def grid_workers(tx: Tx, elder: Elder) -> list[Person]:
    if elder.grid_id is None:
        return []
    return await tx.people.holding(Role.GRID_WORKER, elder.community_id, elder.grid_id)


class Reminders:
    def __init__(self, zone: ZoneInfo, rules: ElderRules, quiet: QuietHours) -> None:
        self._zone = zone
        self._rules = rules
        self._quiet = quiet

    async def on_job(self, tx: Tx, job: Job) -> str | datetime:
        data = job.payload
        elder = await tx.elders.get(int(data["elder"]))
        if elder is None or not elder.active or elder.cycle != data["cycle"]:
            return "moot"
        later = after_quiet_hours(tx.now, self._zone, self._quiet.start, self._quiet.end)
        if later != tx.now:
            return later  # people sleep: a missed visit can wait for the morning
        keepers = await keepers_of(tx, elder)
        last = (await tx.elders.last_visits([elder.id])).get(elder.id)
        round_ = int(data.get("round", 0))
        if data["level"] == 1:
            reached = await reachable(tx, keepers)
            for person in reached:
                await tx.outbox.enqueue(text_message(
                    person.telegram_id, render.reminder(elder, last, self._rules, self._zone, tx.now),
                    keyboard=render.visit_buttons(elder), ref=f"{job.key}:{person.id}"))
            if reached:
                await tx.jobs.add(VISIT_JOB, tx.now + self._rules.escalate_after(elder.risk),
                                  {"elder": elder.id, "cycle": elder.cycle, "level": 2, "round": round_,
                                   "reminded": [p.id for p in reached]},
                                  key=job_key(elder.id, elder.cycle, 2, round_))
                return "reminded"
            # Nobody to remind: the grid worker hears of it at once.
        reminded = [p for p in keepers if p.id in data.get("reminded", [])]
        told = await self._escalate(tx, elder, keepers, reminded, last, job.key)
        # Still not visited: everyone is asked again a visit interval later (daily for 重点),
        # so an elder is never silently forgotten after one reminder.
        again = timedelta(days=max(1, self._rules.levels[elder.risk].every_days))
        await tx.jobs.add(VISIT_JOB, tx.now + again,
                          {"elder": elder.id, "cycle": elder.cycle, "level": 1, "round": round_ + 1},
                          key=job_key(elder.id, elder.cycle, 1, round_ + 1))
        return "escalated" if told else "nobody"

    async def _escalate(self, tx: Tx, elder: Elder, keepers: list[Person], reminded: list[Person], last,
                        key: str) -> int:
        workers = await reachable(tx, await grid_workers(tx, elder))
        if not workers:
            workers = await reachable(tx, await tx.people.holding(Role.ADMIN, elder.community_id))
        text = render.escalation(elder, last, keepers, reminded, self._zone, tx.now)
        for person in workers:
            await tx.outbox.enqueue(text_message(person.telegram_id, text, keyboard=render.visit_buttons(elder),
                                                 ref=f"{key}:{person.id}"))
        return len(workers)
