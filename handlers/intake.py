"""Receiving updates durably: a Bot whose getUpdates writes each update down before it is confirmed."""
from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput, TimePeriod
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, ExtBot

from bot.delivery.intake import UpdateIntake

log = logging.getLogger(__name__)


class DurableBot(ExtBot):
    """An ExtBot that keeps every fetched update in the database before confirming it.

    PTB's Updater confirms a batch (by asking for the next offset) as soon as it has queued it,
    before any handler ran: a crash then loses the batch. Here the offset only moves past updates
    already written down, whatever offset the Updater asks for, so Telegram keeps anything we do
    not hold yet. Updates PTB cannot read are logged once, marked and skipped; the rest are handed
    on unless we already hold them (a redelivery after a restart is replayed from the database).
    """

    __slots__ = ("intake", "_offset", "_down_since")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self.intake: UpdateIntake | None = None
            # Not read back from the database on start: after a week without updates Telegram
            # may restart its ids lower, and a stored offset would then skip real updates.
            self._offset = 0
            self._down_since: float | None = None

    def attach(self, intake: UpdateIntake) -> None:
        with self._unfrozen():
            self.intake = intake

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: dict[str, Any] | None = None,
    ) -> tuple[Update, ...]:
        if self.intake is None:  # before the store is open (PTB's bootstrap): nothing is taken
            return await super().get_updates(offset, limit, timeout, allowed_updates,
                                             read_timeout=read_timeout, write_timeout=write_timeout,
                                             connect_timeout=connect_timeout, pool_timeout=pool_timeout,
                                             api_kwargs=api_kwargs)
        offset = max(offset or 0, self._offset) or None
        data = {"timeout": timeout, "offset": offset, "limit": limit, "allowed_updates": allowed_updates}
        try:
            raw: list[dict[str, Any]] = await self._post(
                "getUpdates", data, read_timeout=self._poll_read_timeout(read_timeout, timeout),
                write_timeout=write_timeout, connect_timeout=connect_timeout,
                pool_timeout=pool_timeout, api_kwargs=api_kwargs,
            )
        except TelegramError as exc:
            self.poll_failed(exc)
            raise
        self._poll_ok()
        if not raw:
            return ()
        fresh = await self.intake.receive(raw)
        # Written down: from now on the next call may confirm them.
        self._offset = max(self._offset, max(u["update_id"] for u in raw) + 1)
        updates = []
        for item in fresh:
            update = await self.read_update(item)
            if update is not None:
                updates.append(update)
        return tuple(updates)

    def _poll_read_timeout(self, read_timeout: ODVInput[float], timeout: TimePeriod | None) -> float:
        base = self._request[0].read_timeout if read_timeout is DEFAULT_NONE else read_timeout
        extra = timeout.total_seconds() if hasattr(timeout, "total_seconds") else (timeout or 0)
        return (base or 0) + extra

    async def read_update(self, raw: dict[str, Any]) -> Update | None:
        """The Update for a raw dict; None (logged once and marked) when this version cannot read it."""
        try:
            update = Update.de_json(raw, self)
        except Exception as exc:  # one malformed update must not stop the bot
            log.warning("update %s could not be read and is skipped (%s: %s)",
                        raw.get("update_id"), type(exc).__name__, exc)
            await self.intake.handled(raw["update_id"], "unreadable")
            return None
        self.insert_callback_data(update)
        return update

    # -- what the log says during an outage ------------------------------------------------

    @property
    def reachable(self) -> bool:
        """False from a failed poll until the next one succeeds."""
        return self._down_since is None

    def poll_failed(self, exc: TelegramError) -> None:
        """One warning when Telegram becomes unreachable; the retries that follow stay quiet."""
        if self._down_since is None:
            self._down_since = time.monotonic()
            log.warning("Telegram is unreachable (%s); retrying quietly until it is back", exc)

    def _poll_ok(self) -> None:
        if self._down_since is not None:
            log.warning("Telegram is reachable again after %.0f s", time.monotonic() - self._down_since)
            self._down_since = None


async def replay(app: Application, intake: UpdateIntake) -> int:
    """Queue the updates a previous run received but did not finish; they go before new ones."""
    bot: DurableBot = app.bot
    pending = await intake.pending()
    for raw in pending:
        update = await bot.read_update(raw)
        if update is not None:
            await app.update_queue.put(update)
    if pending:
        log.info("%d update(s) received before a stop are handled now", len(pending))
    return len(pending)


async def mark_handled(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs after every other handler group: the update needs no replay after a restart."""
    if isinstance(update, Update):
        await context.application.bot_data["intake"].handled(update.update_id)
