"""The bot's Prometheus metrics, in a registry of its own (no process-wide state)."""
from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from bot.delivery.outbox import Deliver, Failed, Moved, Result, RetryLater, Sent
from storage import Store
from storage.outbox import OutboxRow


class Metrics:
    def __init__(self, store: Store) -> None:
        self._store = store
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates = Counter("sanzhang_updates_handled", "Updates handled (polling or webhook).", registry=r)
        self.sends = Counter("sanzhang_sends", "Bot API calls made by the sender, by result.", ["result"],
                             registry=r)
        self.flood_waits = Counter("sanzhang_flood_waits", "429 answers: Telegram asked the bot to wait.",
                                   registry=r)
        self.send_seconds = Histogram("sanzhang_send_seconds", "Time Telegram took to answer a send.",
                                      registry=r, buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
        self.parse_seconds = Histogram("sanzhang_parse_seconds", "Time to understand one message.",
                                       registry=r, buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1))
        self.tickets = Gauge("sanzhang_tickets", "Tickets by status.", ["status"], registry=r)
        self.outbox = Gauge("sanzhang_outbox_messages", "Messages waiting or failed in the outbox.",
                            ["status"], registry=r)

    async def refresh(self) -> None:
        """Read the gauges that live in the database, just before a scrape."""
        async with self._store.read() as r:
            for status, count in (await r.tickets.count_by_status()).items():
                self.tickets.labels(status).set(count)
            for status in ("pending", "failed"):
                self.outbox.labels(status).set(await r.outbox.count(status))

    def timed(self, deliver: Deliver) -> Deliver:
        """The sender's delivery, counted and timed."""

        async def call(row: OutboxRow, message_id: int | None) -> Result:
            started = time.perf_counter()
            result = await deliver(row, message_id)
            self.send_seconds.observe(time.perf_counter() - started)
            self.sends.labels(_result_label(result)).inc()
            if isinstance(result, RetryLater) and result.seconds is not None:
                self.flood_waits.inc()
            return result

        return call


def _result_label(result: Result) -> str:
    match result:
        case Sent():
            return "sent"
        case RetryLater():
            return "retry"
        case Failed():
            return "failed"
        case Moved():
            return "moved"
    return "other"
