"""Fixtures for the sandbox tests: a started FakeTelegram and a PTB Bot pointed at it."""
from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import telegram

from sandbox import FakeTelegram


class ManualClock:
    """A clock tests move by hand (for dates and flood windows)."""

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def fake(clock: ManualClock) -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(clock=clock) as started:
        yield started


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(fake.token, base_url=fake.base_url, base_file_url=fake.file_base_url) as ptb_bot:
        yield ptb_bot


@pytest.fixture
async def http(fake: FakeTelegram) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{fake.url}/bot{fake.token}", timeout=5) as client:
        yield client
