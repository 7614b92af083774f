"""Shared fixtures: the bot running against the fake Telegram with the example roster."""
from __future__ import annotations

import pytest

from bot.playground import Playground


@pytest.fixture
async def pg(tmp_path):
    """Everyone on the staff side has linked their account; each grid's group is bound."""
    async with Playground(tmp_path / "bot.sqlite3") as playground:
        yield playground


@pytest.fixture
async def fresh(tmp_path):
    """The roster is imported, but nobody has linked an account and no group is bound yet."""
    async with Playground(tmp_path / "bot.sqlite3", link_everyone=False) as playground:
        yield playground
