"""Telegram's sending limits as sliding windows: about 30 messages a second, 20 a minute per group."""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class _Window:
    def __init__(self, size: int, seconds: float) -> None:
        self.size = size
        self.seconds = seconds
        self.stamps: deque[float] = deque()

    def wait(self, now: float) -> float:
        while self.stamps and now - self.stamps[0] >= self.seconds:
            self.stamps.popleft()
        if len(self.stamps) < self.size:
            return 0.0
        return self.stamps[0] + self.seconds - now

    def record(self, now: float) -> None:
        self.stamps.append(now)


class RateLimits:
    """How long to wait before the next message to a chat; one instance per sender.

    Group chats have negative ids in the Bot API. Private chats get a small burst (a card and its
    photos) then about one message a second, which Telegram asks for and tolerates without 429s.
    A chat's window is `margin` seconds longer than Telegram's: we count a message when we start
    sending it, Telegram when it arrives, so a slow request must not land inside the last window.
    """

    def __init__(
        self,
        per_second: int = 30,
        per_group_minute: int = 20,
        private_burst: int = 3,
        clock: Callable[[], float] = time.monotonic,
        margin: float = 0.5,
    ) -> None:
        # Public: the sender holds chats on this same clock (the playground supplies a movable one).
        self.clock = clock
        self._all = _Window(per_second, 1.0)
        self._per_group_minute = per_group_minute
        self._private_burst = private_burst
        self._margin = margin
        self._chats: dict[int, _Window] = {}

    def _chat(self, chat_id: int) -> _Window:
        window = self._chats.get(chat_id)
        if window is None:
            if chat_id < 0:
                window = _Window(self._per_group_minute, 60.0 + self._margin)
            else:
                window = _Window(self._private_burst, self._private_burst + self._margin)
            self._chats[chat_id] = window
        return window

    def chat_wait(self, chat_id: int) -> float:
        return self._chat(chat_id).wait(self.clock())

    def global_wait(self) -> float:
        return self._all.wait(self.clock())

    def record_global(self) -> None:
        """A call that counts only toward the bot's overall rate (a delete, a private edit)."""
        self._all.record(self.clock())

    def record(self, chat_id: int) -> None:
        now = self.clock()
        self._all.record(now)
        self._chat(chat_id).record(now)
        if len(self._chats) > 10_000:
            # Forget idle chats so a long-running bot does not grow without bound.
            for key in [k for k, w in self._chats.items() if w.wait(now) == 0 and not w.stamps]:
                del self._chats[key]
