"""Timed work from the database: reminders fire once, late after a restart, never in quiet hours."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage import Store, Tx
from storage.jobs import Job

log = logging.getLogger(__name__)

# A handler does the job's work inside the transaction that marks it done, so a reminder's
# message and the record that it was sent commit together. It returns an outcome word, or a
# datetime to run again then.
Handler = Callable[[Tx, Job], Awaitable["str | datetime | None"]]


def in_quiet_hours(moment: datetime, zone: ZoneInfo, start: time, end: time) -> bool:
    local = moment.astimezone(zone).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def after_quiet_hours(moment: datetime, zone: ZoneInfo, start: time = time(21, 30),
                      end: time = time(7, 30)) -> datetime:
    """The moment itself, or the end of the quiet hours it falls in (people sleep)."""
    if not in_quiet_hours(moment, zone, start, end):
        return moment
    local = moment.astimezone(zone)
    wake = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if wake <= local:
        wake += timedelta(days=1)
    return wake.astimezone(moment.tzinfo)


class JobRunner:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._handlers: dict[str, Handler] = {}

    def on(self, kind: str, handler: Handler) -> None:
        self._handlers[kind] = handler

    async def run_due(self) -> int:
        """Run every job that is due; each in its own transaction."""
        async with self._store.read() as r:
            due = await r.jobs.due()
        ran = 0
        for job in due:
            handler = self._handlers.get(job.kind)
            try:
                async with self._store.tx() as tx:
                    current = await tx.jobs.get(job.id)
                    if current is None:
                        continue
                    if handler is None:
                        await tx.jobs.done(job.id, "no handler")
                        continue
                    outcome = await handler(tx, current)
                    if isinstance(outcome, datetime):
                        await tx.jobs.move(job.id, outcome)
                    else:
                        await tx.jobs.done(job.id, outcome or "done")
                ran += 1
            except Exception:  # one broken job must not stop the others
                log.exception("job %s (%s) failed; it will be tried again", job.id, job.kind)
        return ran
