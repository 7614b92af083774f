"""Flood control like Telegram's: per-bot, per-group and per-private-chat send limits answering 429."""
from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FloodLimits:
    """The published limits (https://core.telegram.org/bots/faq#broadcasting-to-users).

    Private chats use a token bucket: Telegram tolerates short bursts ("avoid sending more
    than one message per second"), so a reply of two or three messages passes.
    """

    global_per_second: int = 30
    group_per_minute: int = 20
    private_per_second: float = 1.0
    private_burst: int = 3


@dataclass
class _Window:
    limit: int
    span: float
    stamps: deque[float] = field(default_factory=deque)

    def wait(self, now: float) -> float:
        while self.stamps and self.stamps[0] <= now - self.span:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return 0.0
        return self.stamps[0] + self.span - now


@dataclass
class _Bucket:
    rate: float
    burst: int
    tokens: float = -1.0
    at: float = 0.0

    def wait(self, now: float) -> float:
        if self.tokens < 0:
            self.tokens, self.at = float(self.burst), now
        self.tokens = min(float(self.burst), self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class FloodControl:
    """Counts sends per bot and per chat; ``check`` returns the retry_after to report, or 0.

    What counts: every message-creating call (sendMessage, sendPhoto, forwardMessage, ...)
    counts towards the global and the chat's limit. Edits (editMessageText/Caption/
    ReplyMarkup) also count towards the *group* and global limits: Telegram does not
    document this, but bots that edit a group message in a loop do get 429s from the same
    budget, and being stricter than Telegram here is the safer failure for tests. Edits in
    private chats are not counted against the per-chat bucket (they do not notify anyone).
    """

    def __init__(self, clock: Callable[[], float], limits: FloodLimits | None = None, enabled: bool = False) -> None:
        self.clock = clock
        self.limits = limits or FloodLimits()
        self.enabled = enabled
        self._global = _Window(self.limits.global_per_second, 1.0)
        self._groups: dict[int, _Window] = {}
        self._private: dict[int, _Bucket] = {}

    def reset(self) -> None:
        self._global = _Window(self.limits.global_per_second, 1.0)
        self._groups.clear()
        self._private.clear()

    def check(self, chat_id: int, chat_type: str, *, edit: bool = False) -> int:
        """Record one send (or edit) if allowed and return 0, else return retry_after seconds (>= 1)."""
        if not self.enabled:
            return 0
        now = self.clock()
        waits = [self._global.wait(now)]
        group = private = None
        if chat_type in ("group", "supergroup", "channel"):
            group = self._groups.setdefault(chat_id, _Window(self.limits.group_per_minute, 60.0))
            waits.append(group.wait(now))
        elif not edit:
            private = self._private.setdefault(
                chat_id, _Bucket(self.limits.private_per_second, self.limits.private_burst))
            waits.append(private.wait(now))
        worst = max(waits)
        if worst > 0:
            return max(1, math.ceil(worst))
        self._global.stamps.append(now)
        if group is not None:
            group.stamps.append(now)
        if private is not None:
            private.take()
        return 0
