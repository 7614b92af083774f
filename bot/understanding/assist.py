"""The optional large-model assist, its machine side: settings, the daily cap in the database, the HTTP call.

Consulted only when the local reading is unsure. The chat layer calls consult() BEFORE it opens its transaction:
the network call never holds the store's lock, and the cap is counted in a transaction of its own.

    [llm]                               # or BOT_LLM_URL, BOT_LLM_KEY, BOT_LLM_MODEL, BOT_LLM_DAILY_CAP
    url = "https://api.deepseek.com/v1" # any OpenAI-compatible chat-completions endpoint (DeepSeek, Qwen, Ollama, vLLM)
    key = "sk-..."
    model = "deepseek-chat"
    daily_cap = 200                     # calls per day (Beijing time), counted in the database
    below = 0.6                         # ask only when the local confidence is below this
"""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from bot.nlu import Lexicon, parse
from bot.nlu.assist import Advice, messages_for, read_answer
from storage import Store

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class AssistSettings:
    url: str | None = None
    key: str | None = None
    model: str = "deepseek-chat"
    daily_cap: int = 200
    below: float = 0.6
    timeout: float = TIMEOUT_SECONDS

    @property
    def enabled(self) -> bool:
        return bool(self.url) and self.daily_cap > 0

    @classmethod
    def from_config(cls, section: dict[str, Any] | None, env: dict[str, str] | None = None) -> "AssistSettings":
        section = dict(section or {})
        env = os.environ if env is None else env
        for var, key in (("BOT_LLM_URL", "url"), ("BOT_LLM_KEY", "key"), ("BOT_LLM_MODEL", "model"),
                         ("BOT_LLM_DAILY_CAP", "daily_cap")):
            if env.get(var):
                section[key] = env[var]
        try:
            cap = int(section.get("daily_cap", 200))
            below = float(section.get("below", 0.6))
        except (TypeError, ValueError):
            cap, below = 0, 0.6
        return cls(str(section["url"]).rstrip("/") if section.get("url") else None,
                   str(section["key"]) if section.get("key") else None,
                   str(section.get("model") or "deepseek-chat"), cap, below)


class Assistant:
    """Asks the large model about messages the local reading is unsure of; every failure means no advice."""

    def __init__(self, settings: AssistSettings, store: Store, zone: ZoneInfo) -> None:
        self.settings = settings
        self._store = store
        self._zone = zone

    async def consult(self, text: str, context: str, lexicon: Lexicon | None, role: str = "resident") -> Advice | None:
        """Advice for an unsure message, or None (sure enough, assist off, over the cap, or any error).

        Call it outside any transaction."""
        if not self.settings.enabled or not text or not text.strip():
            return None
        now = self._store.now()
        local = parse(text, now, lexicon, context=context, role=role)
        if local.confidence >= self.settings.below:
            return None
        async with self._store.tx() as tx:
            allowed = await tx.nlu.take_llm_call(self._day(now), self.settings.daily_cap)
        if not allowed:
            return None
        return await self.ask(text, context)

    async def ask(self, text: str, context: str) -> Advice | None:
        """One chat-completions call (phones masked); None on a timeout, an HTTP error or an answer off the schema."""
        s = self.settings
        payload = {"model": s.model, "messages": messages_for(text, context), "temperature": 0,
                   "response_format": {"type": "json_object"}}
        headers = {"Authorization": f"Bearer {s.key}"} if s.key else {}
        try:
            timeout = aiohttp.ClientTimeout(total=s.timeout)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(f"{s.url}/chat/completions", json=payload, headers=headers) as response:
                    if response.status != 200:
                        log.warning("llm assist: HTTP %s", response.status)
                        return None
                    body = await response.json(content_type=None)
            return read_answer(body["choices"][0]["message"]["content"])
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("llm assist failed, reading locally: %s", type(exc).__name__)
            return None

    def _day(self, now: datetime) -> str:
        return now.astimezone(self._zone).strftime("%Y-%m-%d")
