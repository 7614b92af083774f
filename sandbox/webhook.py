"""Webhook delivery as Telegram does it: POST each update to the bot's URL, retry until a 2xx answer."""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

import aiohttp

from sandbox.world import World

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookPusher:
    """Sends pending updates to the webhook, in order, one at a time.

    Telegram reaches the bot over HTTPS; a test has no certificate, so ``route`` stands for the
    TLS proxy in front of the bot (nginx): the URL's path is kept and sent to ``route`` instead.
    A failed delivery is retried after ``retry_seconds`` (doubling, as Telegram backs off), and
    recorded in getWebhookInfo's last_error_date / last_error_message.
    """

    def __init__(self, world: World, retry_seconds: float = 0.2, max_retry_seconds: float = 5.0,
                 timeout: float = 10.0) -> None:
        self.world = world
        # The proxy's address, or a function giving it (known only once the bot's server listens).
        self.route: str | Callable[[], str] | None = None
        self.retry_seconds = retry_seconds
        self.max_retry_seconds = max_retry_seconds
        self.timeout = timeout
        self.attempts = 0
        self._task: asyncio.Task | None = None
        self._session: aiohttp.ClientSession | None = None
        self._stopping = False

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="fake-webhook")

    async def stop(self) -> None:
        # A flag as well as cancel(): Python 3.11's wait_for can swallow a cancellation that
        # arrives just as its timeout fires, and the loop would then never end.
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait([self._task], timeout=5)
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    def target(self, url: str) -> str:
        route = self.route() if callable(self.route) else self.route
        if route is None:
            return url
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return route.rstrip("/") + path

    async def _run(self) -> None:
        delay = self.retry_seconds
        while not self._stopping:
            hook = self.world.webhook
            pending = sorted(self.world.pending, key=lambda p: p.id) if hook else []
            if not pending:
                await self.world.changed.wait(1.0)
                continue
            first = pending[0]
            if await self._post(hook, first.update):
                if first in self.world.pending:
                    self.world.pending.remove(first)
                self.world.touch()
                delay = self.retry_seconds
            else:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_retry_seconds)

    async def _post(self, hook: dict, update: dict) -> bool:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        headers = {"Content-Type": "application/json"}
        if hook.get("secret_token"):
            headers[SECRET_HEADER] = hook["secret_token"]
        self.attempts += 1
        try:
            async with self._session.post(self.target(hook["url"]), data=json.dumps(update),
                                          headers=headers) as response:
                if 200 <= response.status < 300:
                    return True
                self._error(f"Wrong response from the webhook: {response.status} {response.reason}")
        except asyncio.TimeoutError:
            self._error("Read timeout expired")
        except aiohttp.ClientError:
            self._error("Connection refused")
        return False

    def _error(self, message: str) -> None:
        if self.world.webhook is not None:
            self.world.webhook["last_error_date"] = self.world.now()
            self.world.webhook["last_error_message"] = message
