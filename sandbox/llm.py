"""A fake OpenAI-compatible chat-completions endpoint, for testing the large-model assist without a network.

    fake = FakeLlm(); await fake.start()        # fake.url is the base URL, e.g. http://127.0.0.1:PORT/v1
    fake.answer = {"intent": "report", "category": "water", "urgent": False}
    fake.delay = 5       # seconds before answering (a timeout)
    fake.raw = "not json"  # the message content as it is, instead of answer
    fake.status = 500    # an HTTP error, with an OpenAI-style error body
    fake.requests        # every request body received
"""
from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web


class FakeLlm:
    def __init__(self) -> None:
        self.answer: dict[str, Any] | None = {"intent": "chitchat", "category": None, "urgent": False}
        self.raw: str | None = None
        self.delay = 0.0
        self.status = 200
        self.requests: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = site._server.sockets[0].getsockname()[1]  # the port the OS gave
        self.url = f"http://{host}:{bound}/v1"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> "FakeLlm":
        await self.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    async def _completions(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": {"message": "invalid JSON body", "type": "invalid_request_error"}},
                                     status=400)
        self.requests.append(body)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.json_response({"error": {"message": "The server had an error while processing your request.",
                                                "type": "server_error"}}, status=self.status)
        content = self.raw if self.raw is not None else json.dumps(self.answer, ensure_ascii=False)
        return web.json_response({
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion", "model": body.get("model", ""),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        })
