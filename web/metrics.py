"""GET /metrics in Prometheus' text format."""
from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.ops.metrics import Metrics

METRICS = web.AppKey("metrics", Metrics)


def routes(metrics: Metrics):
    def add(app: web.Application) -> None:
        app[METRICS] = metrics
        app.router.add_get("/metrics", serve)
    return add


async def serve(request: web.Request) -> web.Response:
    metrics = request.app[METRICS]
    await metrics.refresh()
    return web.Response(body=generate_latest(metrics.registry),
                        headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})
