"""The bot running against the fake Telegram with the example roster: the stage for demo and tests."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot import app as bot_app
from bot.config import Config
from bot.model.domain import Assignment
from bot.delivery.ratelimit import RateLimits
from bot.model.roles import Role
from bot.roster.io import read_roster
from sandbox import Chat, FakeTelegram, MessageRecord, User
from bot.services import Services
from storage import Store
from storage.roster import apply_roster

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
ERROR_LOGGER = "handlers.errors"  # where the bot's error handler reports an update that failed
EXAMPLE_ROSTER = DEPLOY / "roster.example.csv"
WEBHOOK_URL = "https://bot.example.org/telegram/hook"
WEBHOOK_SECRET = "playground-secret"


# Where every playground starts unless a test says otherwise: a Wednesday morning in Beijing, so
# "今天下午4点前" is ahead, reminders are out of quiet hours, and no test depends on when it runs.
START = datetime(2026, 11, 18, 1, 0, tzinfo=timezone.utc)  # 周三 09:00 in Shanghai


class MovableClock:
    """The bot's idea of now: it runs like a watch from a fixed start, and tests move it forward.

    `monotonic()` is the same timeline as seconds for the sender's rate limits and the fake's flood
    control: it runs with the watch and takes every forward move, but never goes back when a test
    sets an earlier moment. `ticks` is the watch itself (real monotonic time by default).
    """

    def __init__(self, start: datetime = START, ticks: Callable[[], float] = time.monotonic) -> None:
        if start.tzinfo is None:
            raise ValueError("the playground clock needs an aware datetime")
        self._ticks = ticks
        self._moved = 0.0
        self._base = start
        self._set_at = ticks()

    @property
    def now(self) -> datetime:
        return self._base + timedelta(seconds=self._ticks() - self._set_at)

    @now.setter
    def now(self, moment: datetime) -> None:
        self._moved += max(0.0, (moment - self.now).total_seconds())
        self._base = moment
        self._set_at = self._ticks()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now

    def monotonic(self) -> float:
        return self._ticks() + self._moved

    def timestamp(self) -> float:
        """Unix seconds of now: the fake Telegram's clock for message dates."""
        return self.now.timestamp()


class _Failures(logging.Handler):
    """Collects the updates the bot's error handler caught, so a test can tell silence from a crash."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.caught: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        self.caught.append(f"{record.getMessage()}: {type(error).__name__}: {error}")


@dataclass
class Member:
    """A roster person with their fake Telegram account."""

    person_id: int
    name: str
    roles: tuple[Role, ...]
    grid: str | None
    user: User
    assignments: tuple[Assignment, ...] = ()  # each role with where it is held


@dataclass
class Playground:
    db: Path
    roster: Path = EXAMPLE_ROSTER
    clock: MovableClock = field(default_factory=MovableClock)
    link_everyone: bool = True
    config_extra: dict[str, Any] = field(default_factory=dict)
    # Receive updates by webhook (through the fake's stand-in for the TLS proxy) instead of polling.
    webhook: bool = False
    # Where the bot's web server (health, metrics, the desk) listens: any free port unless given.
    web_port: int = 0
    fake: FakeTelegram = field(init=False)
    app: Application | None = field(init=False, default=None)
    limits: RateLimits = field(init=False)
    members: dict[str, Member] = field(init=False, default_factory=dict)
    groups: dict[str, Chat] = field(init=False, default_factory=dict)
    _failures: _Failures = field(init=False, default_factory=_Failures)

    @property
    def failures(self) -> list[str]:
        """Updates whose handling raised (the user got an apology, or silence in a group)."""
        return self._failures.caught

    async def start(self) -> "Playground":
        logging.getLogger(ERROR_LOGGER).addHandler(self._failures)
        # Message dates and Telegram's flood control run on the playground's clock, like the bot.
        self.fake = FakeTelegram(clock=self.clock.timestamp, monotonic=self.clock.monotonic)
        await self.fake.start()
        await self._seed()
        await self.start_bot()
        return self

    async def start_bot(self) -> None:
        hook = {"webhook_url": WEBHOOK_URL, "webhook_secret": WEBHOOK_SECRET} if self.webhook else {}
        config = Config(
            token=self.fake.token, api_url=self.fake.base_url, file_url=self.fake.file_base_url,
            db=self.db, extra=self.config_extra, web_port=self.web_port, **hook,
        )
        if self.webhook:
            self.fake.webhook.route = lambda: self.web_url
        # The sender's limits run on the same clock, so settle() can skip their waits.
        self.limits = RateLimits(clock=self.clock.monotonic)
        # Due jobs run when the story moves the clock (run_due, settle), never on a real-time tick
        # that would fire them at whatever moment a loaded machine reaches it.
        self.app = bot_app.build_application(config, clock=self.clock, limits=self.limits, tick_jobs=False)
        await bot_app.start(self.app, poll_timeout=1)

    async def stop_bot(self) -> None:
        if self.app is not None:
            await bot_app.stop(self.app)
            self.app = None

    async def stop(self) -> None:
        try:
            await self.stop_bot()
            await self.fake.stop()
        finally:
            logging.getLogger(ERROR_LOGGER).removeHandler(self._failures)

    async def __aenter__(self) -> "Playground":
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def web_url(self) -> str:
        """Where the bot's own web server listens (health, metrics, webhook)."""
        return self.app.bot_data["web"].local_url

    @property
    def services(self) -> Services:
        return self.app.bot_data["services"]

    # -- the world -------------------------------------------------------------------------

    async def _seed(self) -> None:
        """Import the roster, give everyone a Telegram account and open each grid's group."""
        roster, errors = read_roster(self.roster)
        if errors:
            raise ValueError("\n".join(map(str, errors)))
        store = await Store.open(self.db, clock=self.clock)
        try:
            async with store.tx() as tx:
                await apply_roster(tx, roster)
                people = [p for p in await tx.people.all() if p.active]
                for person in people:
                    user = self.fake.add_user(person.name)
                    grid = next((a.grid for a in person.roles if a.grid), None)
                    self.members[person.name] = Member(
                        person.id, person.name, tuple(a.role for a in person.roles), grid, user, person.roles)
                    # Residents start unknown to the bot: they are the ones who link themselves.
                    if self.link_everyone and not person.has(Role.RESIDENT):
                        await tx.people.link(person.id, user.id)
                        await tx.groups.saw_private(user.id)
                        user.started = True
                for grid in await tx.places.grids():
                    staff = [m.user for m in self.members.values()
                             if m.grid == grid.name and not set(m.roles) <= {Role.RESIDENT, Role.VOLUNTEER}]
                    workers = [m.user for m in self.members.values()
                               if m.grid == grid.name and Role.GRID_WORKER in m.roles]
                    chat = self.fake.add_group(f"{grid.name}三长群", members=staff, admins=workers)
                    self.groups[grid.name] = chat
                    if self.link_everyone:
                        await tx.groups.bind(chat.id, grid.id, chat.title, workers[0].id if workers else 0)
        finally:
            await store.close()
        # The bot was added to the groups before it ran: those service messages are old news.
        self.fake.drop_pending_updates()

    def newcomer(self, name: str) -> User:
        """Someone the roster does not know, with a Telegram account."""
        user = self.fake.add_user(name)
        self.members[name] = Member(0, name, (), None, user)
        return user

    def user(self, name: str) -> User:
        return self.members[name].user

    def group(self, grid: str = "第一网格") -> Chat:
        return self.groups[grid]

    def private(self, name: str) -> Chat:
        return self.fake.private(self.user(name))

    # -- acting and waiting ----------------------------------------------------------------

    async def settle(self, within: float = 0.0, *, patience: float = 15.0,
                     on_progress: Callable[[], None] | None = None) -> None:
        """Wait until the bot has handled every update and sent everything due now.

        With `within`, also what falls due in that many seconds (debounced card edits). A wait that
        only time would end (the sender's rate limits, a debounce) is skipped by moving the clock
        forward, as a test clock that jumps ahead: messages go out in the order and spacing the
        limits allow, without the suite sitting the seconds out. `on_progress` is called after each
        round in which the bot made a call; gives up after `patience` seconds in which nothing moved.
        """
        seen = self._bot_calls()
        moved_at = time.monotonic()
        while True:
            if time.monotonic() - moved_at > patience:
                raise TimeoutError(f"the outbox did not drain: nothing moved for {patience:.0f} s")
            # Any pause lets a just-created handler task start; the checks below do the real work.
            await self.fake.settle(quiet=0.02, timeout=patience)
            if self._bot_calls() != seen:
                seen = self._bot_calls()
                moved_at = time.monotonic()
                if on_progress is not None:
                    on_progress()
            # Fetched is not handled: PTB may still hold a batch of updates in its queue.
            if self.app.update_queue.qsize() or self.app.update_processor.current_concurrent_updates:
                await asyncio.sleep(0.02)
                continue
            # An export or a digest being written in the background sends its file when done.
            if self.services.jobs.busy():
                await self.services.jobs.idle()
                moved_at = time.monotonic()
                continue
            async with self.services.store.read() as r:
                due = await r.outbox.due(limit=100)
                next_due = await r.outbox.next_due_at()
            if next_due is None or next_due > self.clock.now + timedelta(seconds=within):
                return
            if not due:  # a debounced edit or a retry: its moment comes now
                self.clock.now = max(self.clock.now, next_due)
            elif (wait := self.app.bot_data["sender"].wait_for({row.chat_id for row in due})) > 0:
                # At least a millisecond: the clock counts microseconds, the limits do not.
                self.clock.advance(seconds=max(wait, 0.001))
            else:
                await asyncio.sleep(0.02)  # the sender is at it
            self.services.store.outbox_changed.set()

    def _bot_calls(self) -> int:
        """Calls that are the bot doing something (a long poll coming back empty is not)."""
        return sum(1 for c in self.fake.world.calls if c.method != "getUpdates")

    async def flush(self, seconds: float = 5) -> None:
        """Move the clock past the few seconds in which card changes are gathered into one edit."""
        self.clock.advance(seconds=seconds)
        self.services.store.outbox_changed.set()
        await self.settle()

    def mark(self) -> int:
        """A point in the bot's output; `since` returns what came after it."""
        return len(self.fake.world.calls)

    def since(self, mark: int) -> list[tuple[str, dict]]:
        return [(c.method, c.params) for c in self.fake.world.calls[mark:]
                if c.ok and c.method not in ("getUpdates", "getMe", "setMyCommands", "deleteWebhook",
                                             "getChatMember", "answerCallbackQuery")]

    async def say(self, name: str, text: str, where: Chat | None = None,
                  reply_to: MessageRecord | None = None) -> list[MessageRecord]:
        """`name` writes `text` in a chat (default: their private chat); returns what the bot sent."""
        chat = where or self.private(name)
        before = self._sent_count()
        self.fake.send_text(self.user(name), chat, text, reply_to=reply_to)
        await self.settle()
        return self._new_sent(before)

    async def send_photo(self, name: str, where: Chat | None = None, caption: str | None = None,
                         reply_to: MessageRecord | None = None) -> list[MessageRecord]:
        chat = where or self.private(name)
        before = self._sent_count()
        self.fake.send_photo(self.user(name), chat, caption=caption, reply_to=reply_to)
        await self.settle()
        return self._new_sent(before)

    async def share_phone(self, name: str, phone: str | None = None,
                          own: bool = True) -> list[MessageRecord]:
        user = self.user(name)
        before = self._sent_count()
        async with self.services.store.read() as r:
            person = await r.people.get(self.members[name].person_id)
        number = phone or person.phone
        if own:
            self.fake.send_contact(user, number)
        else:
            self.fake.send_contact(user, number, contact_user_id=None)
        await self.settle()
        return self._new_sent(before)

    async def press(self, name: str, message: MessageRecord, button: str) -> str | None:
        """Press the button whose text contains `button`; returns the toast or alert text."""
        current = self.fake.message(message.chat_id, message.message_id)
        data = find_button(current, button)
        callback = self.fake.press_button(self.user(name), current, data)
        await self.settle()
        record = next(c for c in self.fake.callbacks if c.id == callback.id)
        return (record.answer or {}).get("text")

    async def press_from_elsewhere(self, name: str, message: MessageRecord, button: str) -> dict:
        """`name` presses a button the client would not show them; returns the bot's answer."""
        current = self.fake.message(message.chat_id, message.message_id)
        callback = self.fake.forge_press(self.user(name), current, find_button(current, button))
        await self.settle()
        return next(c for c in self.fake.callbacks if c.id == callback.id).answer

    def _sent_count(self) -> int:
        return len(self.fake.sent())

    def _new_sent(self, before: int) -> list[MessageRecord]:
        return self.fake.sent()[before:]

    def inbox(self, name: str) -> list[MessageRecord]:
        return self.fake.sent(self.private(name))

    def last(self, name_or_chat: str | Chat) -> MessageRecord:
        chat = self.private(name_or_chat) if isinstance(name_or_chat, str) else name_or_chat
        return self.fake.sent(chat)[-1]


def buttons(message: MessageRecord) -> list[tuple[str, str]]:
    markup = message.reply_markup or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


def find_button(message: MessageRecord, text: str) -> str:
    for label, data in buttons(message):
        if text in label:
            return data
    raise AssertionError(f"no button {text!r} on message: {message.text!r} {buttons(message)}")
