"""Learning from the community's corrections: labelled examples in the database, and a weekly retraining.

The buttons that produce corrections (a triage answer, a category changed on the card, a 退回 "不属于我") call
record_example() inside their transaction. Retraining reads the examples, trains off the event loop (a worker
thread, outside any transaction), and takes the new model only if it reads the shipped held-out set at least as
well as the current one; the running bot then switches to it.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.nlu import CATEGORY_LABELS, INTENT_CODES, Lexicon
from bot.nlu.examples import HELD_OUT_SETS, TRAIN_SETS, Example, read_sets
from bot.nlu.model import TextModel
from bot.nlu.parse import MAX_CHARS, Parsed
from storage import Store, Tx
from storage.jobs import Job

log = logging.getLogger(__name__)

RETRAIN_JOB = "nlu_retrain"
# Where a correction comes from.
SOURCES = ("triage", "category", "returned")
# Sunday night, when nobody is waiting for the bot.
RETRAIN_WEEKDAY = 6
RETRAIN_AT = time(3, 30)

Trainer = Callable[[list[Example]], dict]


async def record_example(tx: Tx, text: str, *, intent: str, source: str, category: str | None = None,
                         urgent: bool = False, context: str = "group", was: Parsed | None = None,
                         ticket_id: int | None = None, person_id: int | None = None) -> int:
    """One labelled message from the community, stored in the caller's transaction; returns its id.

    intent/category are the codes of bot.nlu (a report needs a category; other intents have none);
    source is "triage" ([登记为诉求]/[不是]), "category" (改类别 by the owner) or "returned" (退回 "不属于我");
    was is what the bot had read, kept for the report.
    """
    if intent not in INTENT_CODES:
        raise ValueError(f"unknown intent {intent!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    if intent == "report":
        if category not in CATEGORY_LABELS:
            raise ValueError(f"a report needs a known category, not {category!r}")
    else:
        category, urgent = None, False
    if context not in ("group", "private"):
        raise ValueError(f"unknown context {context!r}")
    text = (text or "").strip()[:MAX_CHARS]
    if not text:
        raise ValueError("an example needs its text")
    return await tx.nlu.add_example(text, intent, category, urgent, context, source,
                                    was.intent if was else None, was.category if was else None, ticket_id, person_id)


@dataclass(frozen=True)
class RetrainResult:
    local_examples: int
    intent: float
    category: float
    was_intent: float
    was_category: float
    accepted: bool
    note: str


def model_path(config) -> Path:
    """Where a retrained model is kept: [nlu] model in the config, or BOT_NLU_MODEL, or beside the database."""
    import os

    chosen = os.environ.get("BOT_NLU_MODEL") or config.extra.get("nlu", {}).get("model")
    return Path(chosen) if chosen else Path(config.db).parent / "nlu-model.json"


def default_trainer(examples: list[Example]) -> dict:
    from bot.nlu.training import train

    return train(examples, Lexicon.load())


def retrain_model(local: list[Example], model_path: Path, current: Lexicon, trainer: Trainer = default_trainer,
                  now: datetime | None = None) -> RetrainResult:
    """Trains on shipped + local examples; writes the model to model_path only if it reads the held-out set at
    least as well as the current one. CPU work: call it off the event loop."""
    from bot.nlu.training import evaluate, write_model

    held_out = read_sets(HELD_OUT_SETS)
    data = trainer(read_sets(TRAIN_SETS) + local)
    data.setdefault("meta", {})["local_examples"] = len(local)
    if now is not None:
        data["meta"]["trained_at"] = now.isoformat()
    candidate = TextModel(data)
    new = evaluate(current.with_model(candidate), held_out)
    old = evaluate(current, held_out)
    accepted = new.at_least(old)
    if accepted:
        write_model(data, model_path)
        note = "采用新模型"
    else:
        note = "新模型不如现在的, 未采用"
    return RetrainResult(len(local), new.intent, new.category, old.intent, old.category, accepted, note)


class Learner:
    """The weekly retraining, and the switch of the running bot to a better model."""

    def __init__(self, store: Store, model_path: Path, lexicon: Callable[[], Lexicon],
                 use_model: Callable[[TextModel], None], zone: ZoneInfo, trainer: Trainer = default_trainer) -> None:
        self._store = store
        self._model_path = model_path
        self._lexicon = lexicon
        self._use_model = use_model
        self._zone = zone
        self._trainer = trainer
        self._running: asyncio.Task | None = None

    @property
    def running(self) -> asyncio.Task | None:
        return self._running

    async def retrain(self) -> RetrainResult:
        """Reads the examples, trains in a worker thread with no transaction open, records the outcome."""
        async with self._store.read() as r:
            stored = await r.nlu.examples()
            now = r.now
        local = [Example(e.text, e.intent, e.category, e.context, e.urgent, source="local") for e in stored]
        result = await asyncio.to_thread(retrain_model, local, self._model_path, self._lexicon(), self._trainer, now)
        async with self._store.tx() as tx:
            await tx.nlu.record_retrain(result.local_examples, result.intent, result.category, result.was_intent,
                                        result.was_category, result.accepted, result.note)
        if result.accepted:
            self._use_model(TextModel.load(self._model_path))
        log.info("nlu retrain: %s (intent %.3f→%.3f, category %.3f→%.3f, %d local examples)", result.note,
                 result.was_intent, result.intent, result.was_category, result.category, result.local_examples)
        return result

    async def on_retrain_job(self, tx: Tx, job: Job) -> datetime:
        """Runs inside the job's transaction, so it only starts the retraining, which waits for the store itself."""
        if job.due_at > tx.now:
            return job.due_at
        if job.due_at.year > 2000 and (self._running is None or self._running.done()):
            if await tx.nlu.count_examples():
                self._running = asyncio.get_running_loop().create_task(self._retrain_logged(), name="nlu-retrain")
        return self.next_slot(tx.now)

    async def _retrain_logged(self) -> None:
        try:
            await self.retrain()
        except Exception:  # a failed retraining keeps the current model; try again next week
            log.exception("nlu retrain failed")

    def next_slot(self, after: datetime) -> datetime:
        local = after.astimezone(self._zone)
        day = local.date()
        for i in range(8):
            candidate = datetime.combine(day + timedelta(days=i), RETRAIN_AT, self._zone)
            if candidate.weekday() == RETRAIN_WEEKDAY and candidate > local:
                return candidate
        raise AssertionError("no slot within a week")  # pragma: no cover
