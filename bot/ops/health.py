"""What an operator's health check asks: database, incoming updates, the outgoing queue, Telegram."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from storage import Store

log = logging.getLogger(__name__)

# A health probe answers quickly or says the database is not answering.
DB_TIMEOUT = 2.0


@dataclass(frozen=True)
class HealthReport:
    database: bool
    telegram: bool
    last_update_at: datetime | None = None
    outbox_pending: int | None = None
    outbox_failed: int | None = None

    @property
    def ok(self) -> bool:
        # Telegram being down is reported, not fatal: restarting the bot would not bring it back.
        return self.database

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "database": "ok" if self.database else "unreachable",
            "telegram": "ok" if self.telegram else "unreachable",
            "last_update_at": self.last_update_at.isoformat() if self.last_update_at else None,
            "outbox": {"pending": self.outbox_pending, "failed": self.outbox_failed},
        }


class Health:
    def __init__(self, store: Store, telegram_ok: Callable[[], bool]) -> None:
        self._store = store
        self._telegram_ok = telegram_ok

    async def check(self) -> HealthReport:
        telegram = self._telegram_ok()
        try:
            return await asyncio.wait_for(self._read(telegram), DB_TIMEOUT)
        except Exception as exc:  # any failure to read is the answer: the database is not there
            log.warning("health check: database not answering (%s: %s)", type(exc).__name__, exc)
            return HealthReport(database=False, telegram=telegram)

    async def _read(self, telegram: bool) -> HealthReport:
        await self._store.ping()
        async with self._store.read() as r:
            return HealthReport(
                database=True, telegram=telegram,
                last_update_at=await r.inbox.last_received_at(),
                outbox_pending=await r.outbox.count("pending"),
                outbox_failed=await r.outbox.count("failed"),
            )
