"""The sender: drains the outbox within Telegram's limits, retrying what can be retried."""
from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.delivery.ratelimit import RateLimits
from storage import Store
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    message_id: int | None


@dataclass(frozen=True)
class RetryLater:
    """A 429 (seconds from Telegram) or a passing failure (seconds None: back off)."""

    error: str
    seconds: float | None = None


@dataclass(frozen=True)
class Failed:
    """Telegram refused for good: a 400 or 403. `blocked_user` when a person blocked the bot."""

    error: str
    blocked_user: bool = False


@dataclass(frozen=True)
class Moved:
    """The group became a supergroup with a new id."""

    new_chat_id: int


Result = Sent | RetryLater | Failed | Moved
# Makes one Bot API call: the row, and for an edit the id of the message it edits.
Deliver = Callable[[OutboxRow, int | None], Awaitable[Result]]

MAX_BACKOFF = 300.0
# Telegram's overall limit for a bot, in messages a second; the sender keeps a little under it,
# since Telegram counts calls as they arrive and arrivals jitter (a 429 costs a second of everyone).
TELEGRAM_RATE = 30.0
SENDING_RATE = 28
# Calls under way at once, at most: enough for Telegram's rate at a 500 ms round trip.
MAX_IN_FLIGHT = 24
# A little slack after the bot's own one-second window opens: Telegram counts calls when they
# arrive, and a call may arrive a few milliseconds earlier than the one before it did.
RATE_SLACK = 0.05


def backoff(attempts: int) -> float:
    return min(2.0 ** attempts, MAX_BACKOFF)


class Sender:
    """Sends each chat's messages in order, many chats at once: urgent first, bulk last, else as queued.

    Only as many calls are under way as Telegram's rate needs at the measured round trip (Little's
    law): one at a time to a fast Telegram, more when it is far away. Each call under way when the
    process dies may arrive twice, so no more are in flight than the rate needs.
    """

    def __init__(self, store: Store, deliver: Deliver, limits: RateLimits | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._deliver = deliver
        self._limits = limits or RateLimits(per_second=SENDING_RATE, clock=monotonic)
        self._monotonic = monotonic
        # Chats over their limit wait in memory, in real time, not in the database's clock.
        self._held_until = 0.0
        # A 429 holds its whole chat (and, when several chats hear it at once, the whole bot)
        # until Telegram's retry_after has passed; an outage holds everything for the back-off.
        # These follow the database's clock, like the rows' own not_before.
        self._chat_hold: dict[int, datetime] = {}
        self._all_hold: datetime | None = None
        self._last_429: tuple[int, datetime] | None = None
        self._down_since: datetime | None = None
        self._next_start = 0.0  # when the next call may start (monotonic), to space calls evenly
        self._round_trip = 0.0  # seconds, a moving average of Telegram's answers

    @property
    def reachable(self) -> bool:
        """False while Telegram does not answer sends (5xx or no connection)."""
        return self._down_since is None

    async def run(self) -> None:
        """Drain until cancelled, waking when something is queued, comes due or is released."""
        while True:
            try:
                await self.drain()
                delay = await self._idle_delay()
            except asyncio.CancelledError:
                raise
            except Exception:  # the loop must survive anything one message does
                log.exception("outbox sender failed; retrying in 5 s")
                delay = 5.0
            self._store.outbox_changed.clear()
            try:
                await asyncio.wait_for(self._store.outbox_changed.wait(), timeout=delay)
            except TimeoutError:
                pass

    async def _idle_delay(self) -> float:
        async with self._store.read() as r:
            due = await r.outbox.next_due_at()
        delay = 30.0
        now = self._store.now()
        if due is not None:
            delay = (due - now).total_seconds()
        holds = [h for h in (self._all_hold, *self._chat_hold.values()) if h is not None and h > now]
        if holds and due is not None and due <= now:
            delay = (min(holds) - now).total_seconds()
        if self._held_until:
            delay = min(delay, self._held_until - self._monotonic())
        return max(0.05, min(30.0, delay))

    def wait_for(self, chat_ids: set[int]) -> float:
        """Seconds until one of these chats may have its next message, whatever holds it back: the
        rate limits, a 429's retry_after, an outage's back-off. 0 when one may go now."""
        now = self._store.now()
        everything = max(self._limits.global_wait(), self._next_start - self._monotonic(),
                         (self._all_hold - now).total_seconds() if self._all_hold else 0.0)
        waits = []
        for chat_id in chat_ids:
            held = self._chat_hold.get(chat_id)
            waits.append(max(everything, self._limits.chat_wait(chat_id),
                             (held - now).total_seconds() if held else 0.0))
        return max(0.0, min(waits, default=0.0))

    def in_flight_limit(self) -> int:
        """How many calls may be under way: Telegram's rate times the round trip, with room for jitter."""
        return max(1, min(MAX_IN_FLIGHT, math.ceil(TELEGRAM_RATE * self._round_trip * 1.5)))

    async def drain(self) -> int:
        """Send everything due now that the limits allow; returns how many calls moved the queue on."""
        made = 0
        self._held_until = 0.0
        stalled: set[int] = set()  # chats whose next message cannot go yet (limits, an edit's original)
        under_way: dict[int, asyncio.Task[bool]] = {}  # chat → its one call in flight
        try:
            while True:
                pause = 0.0
                if not self._holding_all():
                    pause = await self._dispatch(under_way, stalled)
                if not under_way:
                    if pause > 0:
                        await asyncio.sleep(pause)
                        continue
                    return made
                done, _ = await asyncio.wait(under_way.values(), timeout=pause or None,
                                             return_when=asyncio.FIRST_COMPLETED)
                for chat_id, task in list(under_way.items()):
                    if task in done:
                        del under_way[chat_id]
                        if task.result():
                            made += 1
                        else:
                            stalled.add(chat_id)
        finally:
            for task in under_way.values():
                task.cancel()
            if under_way:
                await asyncio.gather(*under_way.values(), return_exceptions=True)

    def _holding_all(self) -> bool:
        now = self._store.now()
        self._chat_hold = {c: h for c, h in self._chat_hold.items() if h > now}
        if self._all_hold is not None:
            if self._all_hold > now:
                return True  # Telegram is down, or says the whole bot must wait
            self._all_hold = None
        return False

    async def _dispatch(self, under_way: dict[int, asyncio.Task[bool]], stalled: set[int]) -> float:
        """Start calls for the most pressing chats while there is room; how long the global limit
        says to wait before the next one (0: nothing is waiting on it)."""
        room = self.in_flight_limit() - len(under_way)
        if room <= 0:
            return 0.0
        pause = 0.0
        chosen: list[tuple[int, bool]] = []  # (row id, counts against its chat)
        async with self._store.read() as r:
            for chat_id, head, _, method in await r.outbox.waiting(skip={*stalled, *self._chat_hold, *under_way}):
                if len(chosen) >= room:
                    break
                counted = _counts_against_chat(chat_id, method)
                wait = self._limits.chat_wait(chat_id) if counted else 0.0
                if wait > 0:
                    stalled.add(chat_id)
                    self._hold(wait)
                    continue
                if (wait := self._limits.global_wait()) > 0:
                    pause = wait + RATE_SLACK
                    break
                # Evenly spaced, not in bursts: a burst arrives bunched and jittered, and Telegram
                # counts arrivals.
                if (wait := self._next_start - self._monotonic()) > 0:
                    pause = wait
                    break
                # A call that starts late lets the next few catch up (up to three intervals).
                self._next_start = max(self._next_start, self._monotonic() - 3 / SENDING_RATE) + 1 / SENDING_RATE
                chosen.append((head, counted))
                if counted:  # taken now, so the next chat sees the global window as it will be
                    self._limits.record(chat_id)
                else:
                    self._limits.record_global()
            rows = await r.outbox.rows(head for head, _ in chosen) if chosen else []
        for row in rows:
            under_way[row.chat_id] = asyncio.create_task(self._send(row), name=f"send-{row.id}")
        return pause

    def _hold(self, seconds: float) -> None:
        until = self._monotonic() + seconds
        self._held_until = until if not self._held_until else min(self._held_until, until)

    async def _send(self, row: OutboxRow) -> bool:
        """One call; True when the queue moved on (sent, failed for good, or re-addressed)."""
        message_id = None
        if row.edit_of:
            async with self._store.read() as r:
                status, message_id = await r.outbox.sent_message_id(row.edit_of)
            if status == "pending":
                self._hold(0.2)  # the message it edits goes first
                return False
            if status != "sent" or message_id is None:
                async with self._store.tx() as tx:
                    await tx.outbox.mark_failed(row.id, f"edited message {row.edit_of} was {status}")
                return True
        started = self._monotonic()
        try:
            result = await self._deliver(row, message_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # an adapter bug must not wedge the queue
            log.exception("delivering outbox row %s failed", row.id)
            result = RetryLater(f"{type(exc).__name__}: {exc}")
        if not isinstance(result, RetryLater) or result.seconds is not None:
            took = max(0.0, self._monotonic() - started)  # Telegram answered: a round trip
            self._round_trip = took if not self._round_trip else 0.8 * self._round_trip + 0.2 * took
        moved = await self._record(row, result)
        if row.file_path and isinstance(result, (Sent, Failed)):
            _remove(row.file_path)  # Telegram has it (or will never take it): the disk copy is done
        return moved

    async def _record(self, row: OutboxRow, result: Result) -> bool:
        async with self._store.tx() as tx:
            now = tx.now
            if not isinstance(result, RetryLater) or result.seconds is not None:
                self._back_up(now)
            match result:
                case Sent(message_id):
                    await tx.outbox.mark_sent(row.id, message_id)
                    return True
                case RetryLater(error, None):
                    delay = backoff(row.attempts)
                    self._all_hold = now + timedelta(seconds=delay)
                    if self._down_since is None:
                        self._down_since = now
                        log.warning("Telegram is not answering sends (%s); holding the queue and"
                                    " retrying with back-off", error)
                    else:
                        log.debug("outbox row %s: %s; retry in %.0f s", row.id, error, delay)
                    await tx.outbox.mark_retry(row.id, now + timedelta(seconds=delay), error)
                    return False
                case RetryLater(error, seconds):
                    self._flood_wait(row.chat_id, now, seconds)
                    log.info("flood control on chat %s: waiting %.0f s as Telegram asks", row.chat_id, seconds)
                    await tx.outbox.mark_retry(row.id, now + timedelta(seconds=seconds), error)
                    return False
                case Failed(error, blocked_user):
                    log.warning("outbox row %s to %s failed: %s", row.id, row.chat_id, error)
                    await tx.outbox.mark_failed(row.id, error)
                    if blocked_user:
                        await tx.groups.blocked(row.chat_id)
                    return True
                case Moved(new_chat_id):
                    await tx.groups.migrate(row.chat_id, new_chat_id)
                    await tx.outbox.set_chat(row.id, new_chat_id)
                    return True  # not sent yet, but due again at once under its new id
        return False

    def _flood_wait(self, chat_id: int, now: datetime, seconds: float) -> None:
        """Hold the chat; a second chat told to wait at the same moment means the bot is over its limit."""
        until = now + timedelta(seconds=seconds)
        self._chat_hold[chat_id] = max(until, self._chat_hold.get(chat_id, until))
        if self._last_429 and self._last_429[0] != chat_id and now - self._last_429[1] < timedelta(seconds=1):
            self._all_hold = max(until, self._all_hold or until)
        self._last_429 = (chat_id, now)

    def _back_up(self, now: datetime) -> None:
        """Telegram answered: an outage, if there was one, is over."""
        if self._down_since is not None:
            log.warning("Telegram answers sends again after %.0f s", (now - self._down_since).total_seconds())
            self._down_since = None
            self._all_hold = None


def _remove(path: str) -> None:
    try:
        Path(path).unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not remove sent file %s: %s", path, exc)


def _counts_against_chat(chat_id: int, method: str) -> bool:
    """New messages count against a chat's limit; in groups, edits too (Telegram counts them)."""
    if method.startswith(("send", "copy", "forward")):
        return True
    return chat_id < 0 and method.startswith("edit")
