"""Update intake: every update is written down before Telegram is told it arrived, and marked once handled."""
from __future__ import annotations

import logging
from typing import Any, Protocol

from storage import Store


log = logging.getLogger(__name__)

Raw = dict[str, Any]


class Counts(Protocol):
    """The one metric intake keeps (bot.ops.metrics.Metrics has it): delivery does not depend on ops."""

    updates: Any  # a counter: .inc()


class UpdateIntake:
    """The durable side of receiving updates, shared by polling and (later) the webhook.

    Telegram forgets an update once its offset is confirmed, so an update is kept here first and
    only then confirmed; one the process died holding is handled again after the restart. The
    processed-update ledger (`store.tx(update_id)`) keeps a second handling from doing anything twice.
    """

    def __init__(self, store: Store, metrics: Counts | None = None) -> None:
        self._store = store
        self._metrics = metrics

    async def receive(self, updates: list[Raw]) -> list[Raw]:
        """Write a fetched batch down; returns the updates not seen before, in order."""
        if not updates:
            return []
        async with self._store.tx() as tx:
            new = await tx.inbox.add(updates)
        return [u for u in updates if u["update_id"] in new]

    async def pending(self) -> list[Raw]:
        """Updates received but never finished: the process stopped while holding them."""
        async with self._store.read() as r:
            return await r.inbox.unhandled()

    async def handled(self, update_id: int, outcome: str = "handled") -> None:
        async with self._store.tx() as tx:
            await tx.inbox.handled(update_id, outcome)
        if self._metrics is not None and outcome == "handled":
            self._metrics.updates.inc()
