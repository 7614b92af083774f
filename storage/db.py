"""The Store: one SQLite connection, migrations, and transactions that hand out repositories."""
from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import aiosqlite

from storage.bulk import Bulk
from storage.chat_states import ChatStates
from storage.desk import Desk
from storage.elders import Elders
from storage.groups import Groups
from storage.inbox import Inbox
from storage.invites import Invites
from storage.jobs import Jobs
from storage.meta import Meta
from storage.nlu import Nlu
from storage.notices import Notices
from storage.outbox import Outbox
from storage.pages import Pages
from storage.people import People
from storage.places import Places
from storage.points import Points
from storage.stats import Stats
from storage.tasks import Tasks
from storage.tickets import Tickets
from storage.updates import Updates

log = logging.getLogger(__name__)


class DuplicateUpdate(Exception):
    """The update was already processed; its effects are in the database."""


class Tx:
    """The repositories, bound to one connection inside one transaction (or one read)."""

    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self.db = db
        self.now = now
        self.places = Places(db)
        self.people = People(db, now)
        self.groups = Groups(db, now)
        self.invites = Invites(db, now)
        self.outbox = Outbox(db, now)
        self.updates = Updates(db, now)
        self.inbox = Inbox(db, now)
        self.meta = Meta(db)
        self.jobs = Jobs(db, now)
        self.tickets = Tickets(db, now)
        self.chat_states = ChatStates(db, now)
        self.tasks = Tasks(db, now)
        self.notices = Notices(db, now)
        self.points = Points(db, now)
        self.stats = Stats(db)
        self.bulk = Bulk(db)
        self.pages = Pages(db, now)
        self.nlu = Nlu(db, now)
        self.elders = Elders(db, now)
        self.desk = Desk(db, now)


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


class Store:
    """The one entry point to the database.

    aiosqlite runs one connection on one thread; a lock keeps a transaction's statements from
    interleaving with another task's, since the sender, the scheduler and the handlers share it.
    Long reads (tallies, digests) go to a second, read-only connection (snapshot()), which WAL
    lets run beside the writer, so they hold nobody up.
    """

    def __init__(self, db: aiosqlite.Connection, clock, path: Path | None = None) -> None:
        self._db = db
        self._clock = clock
        self._lock = asyncio.Lock()
        self.outbox_changed = asyncio.Event()
        self.path = path  # None for an in-memory database
        self._reader: aiosqlite.Connection | None = None
        self._reader_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path, clock=None) -> "Store":
        if clock is None:
            clock = lambda: datetime.now(timezone.utc)  # noqa: E731
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(str(path), isolation_level=None)
        db.row_factory = sqlite3.Row
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA foreign_keys=ON")
        await db.execute("PRAGMA busy_timeout=5000")
        await db.execute("PRAGMA synchronous=NORMAL")
        store = cls(db, clock, None if str(path) == ":memory:" else Path(path))
        await store.migrate()
        return store

    async def close(self) -> None:
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        await self._db.close()

    def now(self) -> datetime:
        return self._clock()

    async def migrate(self) -> None:
        async with self._lock:
            version = (await (await self._db.execute("PRAGMA user_version")).fetchone())[0]
            for number, script in _migrations():
                if number <= version:
                    continue
                log.info("applying migration %03d", number)
                # executescript commits on its own; the version bump rides in the same script.
                await self._db.executescript(
                    f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;"
                )

    @asynccontextmanager
    async def tx(self, update_id: int | None = None) -> AsyncIterator[Tx]:
        """A write transaction; with update_id, raises DuplicateUpdate if it was seen before."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            tx = Tx(self._db, self.now())
            try:
                if update_id is not None and not await tx.updates.claim(update_id):
                    raise DuplicateUpdate(update_id)
                yield tx
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")
        if tx.outbox.enqueued:
            self.outbox_changed.set()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """Reads outside a transaction, still serialised with the writers."""
        async with self._lock:
            yield Tx(self._db, self.now())

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Tx]:
        """A consistent read on the read-only connection, beside the writer: for long reads.

        An in-memory database has no second connection; there it is read().
        """
        if self.path is None:
            async with self.read() as r:
                yield r
            return
        async with self._reader_lock:
            if self._reader is None:
                reader = await aiosqlite.connect(str(self.path), isolation_level=None)
                reader.row_factory = sqlite3.Row
                await reader.execute("PRAGMA busy_timeout=5000")
                await reader.execute("PRAGMA query_only=ON")
                self._reader = reader
            await self._reader.execute("BEGIN")
            try:
                yield Tx(self._reader, self.now())
            finally:
                await self._reader.execute("COMMIT")

    async def prune(self, keep: timedelta = timedelta(days=7)) -> int:
        """Forget processed update ids older than `keep`: Telegram keeps updates 24 hours at most."""
        async with self.tx() as tx:
            await tx.inbox.forget_before(tx.now - keep)
            await tx.pages.forget_before(tx.now - keep)  # a week-old list: its buttons say so
            await tx.desk.forget_expired()
            return await tx.updates.forget_before(tx.now - keep)

    async def ping(self) -> None:
        """Raises if the database cannot answer a trivial query."""
        async with self.read() as r:
            await (await r.db.execute("SELECT 1")).fetchone()

    async def seen_update(self, update_id: int) -> bool:
        async with self.read() as r:
            return await r.updates.seen(update_id)
