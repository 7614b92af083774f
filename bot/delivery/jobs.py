"""Timed work from the database: reminders fire once, late after a restart, never in quiet hours."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
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


# Heavy work (an export, a digest's chart) is done before the transaction, outside it, by a
# `prepare` step that reads on its own and writes files; the handler then only records the result.
Prepare = Callable[[Job], Awaitable[Any]]
PreparedHandler = Callable[[Tx, Job, Any], Awaitable["str | datetime | None"]]
Failure = Callable[[Tx, Job, BaseException], Awaitable[None]]


@dataclass(frozen=True)
class _Prepared:
    prepare: Prepare
    handler: PreparedHandler
    failed: Failure | None
    background: bool


class JobRunner:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._handlers: dict[str, Handler] = {}
        self._prepared: dict[str, _Prepared] = {}
        self._running = asyncio.Lock()
        self._background: dict[int, asyncio.Task] = {}  # job id → its work under way
        self._kicked: asyncio.Task | None = None

    def on(self, kind: str, handler: Handler) -> None:
        self._handlers[kind] = handler

    def on_prepared(self, kind: str, prepare: Prepare, handler: PreparedHandler, *,
                    failed: Failure | None = None, background: bool = False) -> None:
        """Run `prepare(job)` outside any transaction, then `handler(tx, job, prepared)` in one.

        A background kind runs beside everything else (an export takes seconds): run_due starts it
        and goes on. When prepare fails, `failed(tx, job, error)` says so and the job is done.
        """
        self._prepared[kind] = _Prepared(prepare, handler, failed, background)

    def kick(self) -> None:
        """Run what is due soon, without waiting for the next tick (a job was just added)."""
        if self._kicked is None or self._kicked.done():
            self._kicked = asyncio.create_task(self.run_due(), name="jobs-kick")

    def busy(self) -> bool:
        """Background work (an export, a digest's chart) or a run of due jobs is under way."""
        return any(t is not None and not t.done() for t in (self._kicked, *self._background.values()))

    async def idle(self) -> None:
        """Wait until nothing runs: the background work done and no run under way."""
        while True:
            pending = [t for t in (self._kicked, *self._background.values()) if t is not None and not t.done()]
            if not pending:
                async with self._running:
                    return
            await asyncio.gather(*pending, return_exceptions=True)

    async def close(self) -> None:
        """Stop background work; its jobs stay due and run again after the restart."""
        tasks = [t for t in (self._kicked, *self._background.values()) if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def run_due(self) -> int:
        """Run every job that is due, each in its own transaction; jobs that fall due meanwhile
        (the digest's one per group) run too."""
        ran = 0
        async with self._running:
            seen: set[int] = set()
            for _ in range(3):
                async with self._store.read() as r:
                    due = [j for j in await r.jobs.due() if j.id not in seen]
                if not due:
                    break
                for job in due:
                    seen.add(job.id)
                    spec = self._prepared.get(job.kind)
                    if spec is not None and spec.background:
                        if job.id not in self._background:
                            task = asyncio.create_task(self._run_prepared(job, spec), name=f"job-{job.id}")
                            self._background[job.id] = task
                            task.add_done_callback(lambda _, i=job.id: self._background.pop(i, None))
                        continue
                    if spec is not None:
                        ran += await self._run_prepared(job, spec)
                    else:
                        ran += await self._run(job)
        return ran

    async def _run(self, job: Job) -> int:
        handler = self._handlers.get(job.kind)
        try:
            async with self._store.tx() as tx:
                current = await tx.jobs.get(job.id)
                if current is None:
                    return 0
                if handler is None:
                    await tx.jobs.done(job.id, "no handler")
                    return 0
                await self._finish(tx, job, await handler(tx, current))
            return 1
        except Exception:  # one broken job must not stop the others
            log.exception("job %s (%s) failed; it will be tried again", job.id, job.kind)
            return 0

    async def _run_prepared(self, job: Job, spec: _Prepared) -> int:
        try:
            prepared = await spec.prepare(job)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("job %s (%s) could not be prepared", job.id, job.kind)
            try:
                async with self._store.tx() as tx:
                    if await tx.jobs.get(job.id) is not None:
                        if spec.failed is not None:
                            await spec.failed(tx, job, exc)
                        await tx.jobs.done(job.id, "failed")
            except Exception:
                log.exception("job %s (%s): recording the failure failed", job.id, job.kind)
            return 0
        try:
            async with self._store.tx() as tx:
                current = await tx.jobs.get(job.id)
                if current is None:
                    return 0
                await self._finish(tx, job, await spec.handler(tx, current, prepared))
            return 1
        except Exception:
            log.exception("job %s (%s) failed; it will be tried again", job.id, job.kind)
            return 0

    @staticmethod
    async def _finish(tx: Tx, job: Job, outcome: "str | datetime | None") -> None:
        if isinstance(outcome, datetime):
            await tx.jobs.move(job.id, outcome)
        else:
            await tx.jobs.done(job.id, outcome or "done")
