"""GET /healthz: is the database there, are updates arriving, is the queue moving, is Telegram answering."""
from __future__ import annotations

from aiohttp import web

from bot.ops.health import Health

HEALTH = web.AppKey("health", Health)


def routes(health: Health):
    def add(app: web.Application) -> None:
        app[HEALTH] = health
        app.router.add_get("/healthz", healthz)
    return add


async def healthz(request: web.Request) -> web.Response:
    report = await request.app[HEALTH].check()
    return web.json_response(report.as_json(), status=200 if report.ok else 503,
                             headers={"Cache-Control": "no-store"})
