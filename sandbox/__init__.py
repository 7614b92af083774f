"""A local, faithful fake of the Telegram Bot API for end-to-end tests, benchmarks and the demo."""
from __future__ import annotations

from sandbox.errors import ApiError
from sandbox.fake import DEFAULT_TOKEN, PRIVATE, FakeTelegram, SandboxTimeout, serve, tiny_png
from sandbox.faults import Fault
from sandbox.limits import FloodLimits
from sandbox.world import ApiCall, CallbackRecord, Chat, MessageRecord, StoredFile, User

__all__ = [
    "DEFAULT_TOKEN", "PRIVATE", "ApiCall", "ApiError", "CallbackRecord", "Chat", "FakeTelegram", "Fault",
    "FloodLimits", "MessageRecord", "SandboxTimeout", "StoredFile", "User", "serve", "tiny_png",
]
