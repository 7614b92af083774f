"""Webhook delivery: the fake POSTs each update to the bot's URL with the secret, retrying until it is taken."""
from __future__ import annotations

import asyncio

import httpx
from aiohttp import web

from sandbox import FakeTelegram


class Receiver:
    """A bot's webhook endpoint that answers with the statuses it is given, then 200."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.got: list[tuple[dict, str | None]] = []
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.got.append((await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=status)

    async def __aenter__(self) -> "Receiver":
        app = web.Application()
        app.router.add_post("/tg/hook", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.runner.cleanup()


async def wait(predicate, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


async def test_updates_are_pushed_in_order_with_the_secret_and_retried_after_a_refusal(
        fake: FakeTelegram, http: httpx.AsyncClient) -> None:
    user = fake.add_user("李红")
    async with Receiver(403) as bot:
        fake.webhook.route = bot.url
        r = await http.post("/setWebhook", json={"url": "https://bot.example.org/tg/hook", "secret_token": "s3cr-t_"})
        assert r.json() == {"ok": True, "result": True}
        fake.send_text(user, None, "第一条")
        fake.send_text(user, None, "第二条")
        await wait(lambda: len(bot.got) == 2)
        assert [u["message"]["text"] for u, _ in bot.got] == ["第一条", "第二条"]
        assert {secret for _, secret in bot.got} == {"s3cr-t_"}
        info = (await http.post("/getWebhookInfo")).json()["result"]
        assert info["url"] == "https://bot.example.org/tg/hook" and info["pending_update_count"] == 0
        assert info["last_error_message"] == "Wrong response from the webhook: 403 Forbidden"
        # Polling is refused while the webhook is set, as Telegram does.
        r = await http.post("/getUpdates")
        assert r.status_code == 409 and "webhook is active" in r.json()["description"]


async def test_a_secret_with_characters_telegram_refuses(http: httpx.AsyncClient) -> None:
    r = await http.post("/setWebhook", json={"url": "https://bot.example.org/tg/hook", "secret_token": "a b"})
    assert r.status_code == 400 and r.json()["description"] == "Bad Request: secret token contains unallowed characters"


async def test_an_unreachable_bot_keeps_its_updates_until_it_answers(fake: FakeTelegram, http: httpx.AsyncClient) -> None:
    user = fake.add_user("李红")
    fake.webhook.route = "http://127.0.0.1:9"  # nothing listens there
    await http.post("/setWebhook", json={"url": "https://bot.example.org/tg/hook"})
    fake.send_text(user, None, "在吗")
    await wait(lambda: fake.webhook.attempts >= 2)
    info = (await http.post("/getWebhookInfo")).json()["result"]
    assert info["pending_update_count"] == 1 and info["last_error_message"] == "Connection refused"
    async with Receiver() as bot:
        fake.webhook.route = bot.url
        await wait(lambda: len(bot.got) == 1, timeout=10)
