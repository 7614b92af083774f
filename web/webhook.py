"""POST <webhook path>: Telegram delivers an update; it is written down before Telegram hears 200."""
from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.delivery.intake import UpdateIntake

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# Hands a stored update on to the bot (decode it and queue it for the handlers).
Dispatch = Callable[[dict[str, Any]], Awaitable[None]]


def routes(path: str, secret: str, intake: UpdateIntake, dispatch: Dispatch):
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook call without the right secret from %s refused", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            update = json.loads(await request.read())
            if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
                raise ValueError("no update_id")
        except ValueError:
            return web.Response(status=400, text="not an update")
        # Stored and committed before the answer: a crash after the 200 loses nothing, and
        # Telegram's retry of an update we already hold is answered 200 and not handled again.
        for fresh in await intake.receive([update]):
            await dispatch(fresh)
        return web.Response(text="ok")

    def add(app: web.Application) -> None:
        app.router.add_post(path, receive)
    return add
