"""Shared fixtures: the bot running against the fake Telegram with the example roster."""
from __future__ import annotations

import pytest

from sandbox.playground import Playground


def pytest_configure(config):
    config.addinivalue_line("markers", "bot_fails: the test makes the bot fail on an update on purpose")


@pytest.fixture(autouse=True)
def _the_bot_handles_every_update(request, monkeypatch):
    """A test passes only if its bot handled every update: silence must be a choice, not a crash
    (in a group the bot says nothing when it fails, so "no reply" alone proves nothing)."""
    started: list[Playground] = []
    start = Playground.start

    async def start_and_watch(self: Playground) -> Playground:
        started.append(self)
        return await start(self)

    monkeypatch.setattr(Playground, "start", start_and_watch)
    yield
    failures = [failure for playground in started for failure in playground.failures]
    if failures and not request.node.get_closest_marker("bot_fails"):
        pytest.fail("the bot failed on an update:\n" + "\n".join(failures), pytrace=False)


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
