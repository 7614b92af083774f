"""The optional large-model assist against the fake endpoint: masking, timeouts, bad answers, the daily cap."""
from __future__ import annotations

import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.understanding.assist import Assistant, AssistSettings
from bot.nlu import parse
from bot.nlu.assist import Advice, apply_advice, mask_phones, read_answer
from sandbox.llm import FakeLlm
from storage import Store

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=SH)
UNSURE = "那个事情你看一下 13912345678"


@pytest.fixture
async def store(tmp_path):
    s = await Store.open(tmp_path / "bot.sqlite3", clock=lambda: NOW.astimezone(timezone.utc))
    yield s
    await s.close()


@pytest.fixture
async def fake():
    async with FakeLlm() as f:
        yield f


def assistant(store, fake, **settings) -> Assistant:
    """An assistant that asks about every message (below=1.01) unless told otherwise."""
    return Assistant(AssistSettings(url=fake.url, key="sk-test", **{"below": 1.01, **settings}), store, SH)


def test_off_unless_configured() -> None:
    assert not AssistSettings.from_config(None, env={}).enabled
    on = AssistSettings.from_config({"url": "http://localhost:11434/v1/", "daily_cap": 5}, env={"BOT_LLM_MODEL": "qwen"})
    assert on.enabled and on.url == "http://localhost:11434/v1" and on.model == "qwen" and on.timeout == 3.0


def test_phone_numbers_never_leave_the_machine() -> None:
    assert mask_phones("电话13912345678 或 010-87654321, 138 1234 5678") == "电话[电话] 或 [电话], [电话]"
    assert mask_phones("5栋2单元302") == "5栋2单元302"


@pytest.mark.parametrize("content", ["not json", "```json\n{\"intent\": \"report\"}\n```", '{"intent": "report",'
                                     ' "category": "lawn", "urgent": false}', '{"intent": "shout", "category": null,'
                                     ' "urgent": false}', '{"intent": "report", "category": null, "urgent": false}',
                                     '{"intent": "chitchat", "category": null, "urgent": "no"}', "[]"])
def test_an_answer_off_the_schema_is_ignored(content: str) -> None:
    assert read_answer(content) is None


async def test_an_unsure_message_is_asked_about_with_phones_masked(store, fake) -> None:
    fake.answer = {"intent": "report", "category": "property", "urgent": False}
    advice = await assistant(store, fake).consult(UNSURE, "private", None)
    assert advice == Advice("report", "property", False)
    sent = str(fake.requests[-1])
    assert "13912345678" not in sent and "[电话]" in sent and "私聊" in sent
    merged = apply_advice(parse(UNSURE, NOW), advice)
    assert (merged.intent, merged.category) == ("report", "property")


async def test_a_sure_message_is_not_sent(store, fake) -> None:
    assert parse("5栋2单元302卫生间漏水了", NOW).confidence > 0.9
    assert await assistant(store, fake, below=0.6).consult("5栋2单元302卫生间漏水了", "group", None) is None
    assert fake.requests == []


async def test_a_slow_endpoint_times_out_and_the_local_reading_stands(store, fake) -> None:
    fake.delay = 2.0
    helper = assistant(store, fake, timeout=0.3)
    started = time.monotonic()
    assert await helper.consult(UNSURE, "group", None) is None
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("status, raw", [(500, None), (200, "我觉得是报修"), (200, '{"intent": "report"}')])
async def test_errors_and_bad_answers_fall_back_to_the_local_reading(store, fake, status, raw) -> None:
    fake.status, fake.raw = status, raw
    assert await assistant(store, fake).consult(UNSURE, "group", None) is None
    assert len(fake.requests) == 1


async def test_the_daily_cap_is_kept_in_the_database(store, fake) -> None:
    helper = assistant(store, fake, daily_cap=2)
    for _ in range(3):
        await helper.consult(UNSURE, "group", None)
    assert len(fake.requests) == 2
    async with store.read() as r:
        assert await r.nlu.llm_calls("2026-11-18") == 2
    # A new assistant (a restart) keeps counting the same day.
    await assistant(store, fake, daily_cap=2).consult(UNSURE, "group", None)
    assert len(fake.requests) == 2


async def test_an_unreachable_endpoint_is_no_advice(store) -> None:
    helper = Assistant(AssistSettings(url="http://127.0.0.1:9/v1", timeout=0.5, below=1.01), store, SH)
    assert await helper.consult(UNSURE, "group", None) is None
