"""Learning from corrections: examples stored, retraining gated on the held-out set, the weekly job."""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.understanding.learning import RETRAIN_JOB, Learner, record_example
from bot.nlu import Lexicon, parse
from bot.nlu.model import MODEL_FILE, TextModel
from storage import Store

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=SH)


@pytest.fixture
async def store(tmp_path):
    s = await Store.open(tmp_path / "bot.sqlite3", clock=lambda: NOW.astimezone(timezone.utc))
    yield s
    await s.close()


def shipped() -> dict:
    with open(MODEL_FILE, encoding="utf-8") as f:
        return json.load(f)


def blind() -> dict:
    """A model that learned nothing: every weight gone."""
    data = shipped()
    data["weights"] = {}
    return data


async def test_a_correction_is_kept_with_what_the_bot_had_read(store) -> None:
    was = parse("天台上的杂物堆了半年了", NOW)
    async with store.tx() as tx:
        await record_example(tx, "天台上的杂物堆了半年了", intent="report", category="sanitation", source="triage",
                             was=was, ticket_id=None)
        await record_example(tx, "今天天气真好", intent="chitchat", category="water", source="triage")
    async with store.read() as r:
        stored = await r.nlu.examples()
    assert [(e.text, e.intent, e.category, e.source) for e in stored] == [
        ("天台上的杂物堆了半年了", "report", "sanitation", "triage"),
        ("今天天气真好", "chitchat", None, "triage"),  # only a report has a category
    ]
    assert stored[0].was_intent == was.intent


@pytest.mark.parametrize("kwargs", [
    {"intent": "complaint", "source": "triage"},
    {"intent": "report", "category": None, "source": "triage"},
    {"intent": "report", "category": "water", "source": "somewhere"},
    {"intent": "report", "category": "water", "source": "category", "context": "channel"},
])
async def test_a_correction_with_unknown_codes_is_refused(store, kwargs) -> None:
    async with store.tx() as tx:
        with pytest.raises(ValueError):
            await record_example(tx, "楼道灯坏了", **kwargs)


async def _learner(store, tmp_path, trainer):
    switched: list[TextModel] = []
    lexicon = Lexicon.default()
    return Learner(store, tmp_path / "nlu-model.json", lambda: lexicon, switched.append, SH, trainer), switched


async def test_a_retrained_model_replaces_the_current_one_only_if_it_reads_the_held_out_set_as_well(
        store, tmp_path) -> None:
    async with store.tx() as tx:
        await record_example(tx, "楼顶那块铁皮哐当哐当响", intent="report", category="facility", source="category")
    seen: list[int] = []

    def as_good(examples):
        seen.append(sum(e.source == "local" for e in examples))
        return shipped()

    learner, switched = await _learner(store, tmp_path, as_good)
    result = await learner.retrain()
    assert seen == [1] and result.accepted and (tmp_path / "nlu-model.json").exists() and len(switched) == 1

    (tmp_path / "nlu-model.json").unlink()
    learner, switched = await _learner(store, tmp_path, lambda examples: blind())
    result = await learner.retrain()
    assert not result.accepted and result.intent < result.was_intent
    assert not (tmp_path / "nlu-model.json").exists() and switched == []
    async with store.read() as r:
        assert [t.accepted for t in await r.nlu.retrains()] == [False, True]


async def test_the_weekly_job_trains_outside_the_transaction_and_moves_to_next_week(store, tmp_path) -> None:
    in_tx: list[bool] = []

    def trainer(examples):
        in_tx.append(store._lock.locked())  # the store's one lock is free while training
        return shipped()

    learner, switched = await _learner(store, tmp_path, trainer)
    async with store.tx() as tx:
        job = next(j for j in await tx.jobs.pending(RETRAIN_JOB))
        # First run after installing: only schedules.
        assert await learner.on_retrain_job(tx, job) == datetime(2026, 11, 22, 3, 30, tzinfo=SH)
        await tx.jobs.move(job.id, datetime(2026, 11, 18, 3, 30, tzinfo=SH))
        await record_example(tx, "楼顶那块铁皮哐当哐当响", intent="report", category="facility", source="category")
    async with store.tx() as tx:
        job = await tx.jobs.get(job.id)
        assert await learner.on_retrain_job(tx, job) == datetime(2026, 11, 22, 3, 30, tzinfo=SH)
        assert learner.running is not None
    await asyncio.wait_for(learner.running, 30)
    assert in_tx == [False] and len(switched) == 1
