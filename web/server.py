"""One aiohttp server in the bot's process; the parts of the site add their routes to it."""
from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web

log = logging.getLogger(__name__)

Routes = Callable[[web.Application], None]


class WebServer:
    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.app = web.Application(client_max_size=2 * 1024 * 1024)
        self._runner: web.AppRunner | None = None

    def add(self, routes: Routes) -> None:
        routes(self.app)

    async def start(self) -> None:
        # access_log=None: every webhook POST and health probe would drown the bot's own log.
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:  # an ephemeral port (tests, demo): learn which one we got
            self.port = site._server.sockets[0].getsockname()[1]
        log.info("web server on http://%s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def local_url(self) -> str:
        return f"http://{self.host}:{self.port}"
