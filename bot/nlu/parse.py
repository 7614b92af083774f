"""parse(): one message in, a Parsed out: normalise, segment, then read places, deadline, intent, category, topic."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.nlu.categories import best_category, danger_words, score_categories
from bot.nlu.codes import CATEGORY_LABELS, INTENT_CODES
from bot.nlu.deadlines import SHANGHAI, find_deadline
from bot.nlu.intents import classify, is_notice
from bot.nlu.lexicon import Lexicon
from bot.nlu.normalize import normalize
from bot.nlu.places import find_place
from bot.nlu.signals import scan
from bot.nlu.topics import find_topic

# Telegram usernames: 5-32 letters, digits, underscores, not starting with a digit.
_MENTION_RE = re.compile(r"@([A-Za-z][A-Za-z0-9_]{3,31})\b")
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s\u4e00-\u9fff,，。]+", re.IGNORECASE)
# Past this length a message is not read further: nobody writes a request longer, and parse must stay fast.
MAX_CHARS = 2000


@dataclass(frozen=True)
class Parsed:
    intent: str
    category: str | None = None
    urgent: bool = False
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    deadline: datetime | None = None
    topic: str | None = None
    keywords: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    explain: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The fields of the CLI's JSON line, in its order."""
        return {
            "intent": self.intent,
            "category": self.category,
            "urgent": self.urgent,
            "building": self.building,
            "unit": self.unit,
            "room": self.room,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "topic": self.topic,
            "keywords": list(self.keywords),
        }


def parse(text: str, now: datetime, lexicon: Lexicon | None = None) -> Parsed:
    """What a message means. Pure: never raises on a str, and never looks outside its arguments."""
    try:
        return _parse(text, now, lexicon or Lexicon.default())
    except Exception as exc:  # a rule bug must not take the bot down; say so in --explain
        return Parsed("chitchat", explain=(f"内部错误, 按闲聊处理: {type(exc).__name__}: {exc}",))


def prepare(text: str, lexicon: Lexicon) -> str:
    """The text as every reader sees it: without @mentions and links, normalised, colloquial spellings replaced."""
    stripped = _URL_RE.sub(" ", _MENTION_RE.sub(" ", text[:MAX_CHARS]))
    return lexicon.canonical(normalize(stripped))


def _parse(text: str, now: datetime, lexicon: Lexicon) -> Parsed:
    if not isinstance(text, str):
        text = str(text)
    raw = text[:MAX_CHARS]
    mentions = tuple(dict.fromkeys(_MENTION_RE.findall(raw)))
    norm = prepare(raw, lexicon)
    explain: list[str] = [f"规范化: {norm}"] if norm != raw else []

    signals = scan(norm, lexicon)
    place = find_place(norm)
    notice = is_notice(signals, lexicon)
    # Without a word of handing out work a message cannot score as a task, and only tasks have deadlines.
    could_be_task = signals.has("task") or any(p.search(norm) for p in lexicon.task_patterns)
    deadline = find_deadline(norm, now, notice) if could_be_task else None
    scores = score_categories(signals)
    dangers = danger_words(signals, lexicon.urgent_patterns, lexicon.urgent_any)
    intent = classify(signals, lexicon, category_score=max((w for w, _ in scores.values()), default=0.0), dangers=dangers,
                      notice=notice, deadline_found=deadline is not None,
                      deadline_marked=bool(deadline and deadline.marked), place_phrase=place.phrase)
    explain.append(f"意图 {intent.code}: " + "; ".join(intent.reasons))

    category = None
    urgent = False
    keywords = list(intent.keywords)
    if intent.code == "report":
        category = best_category(scores) or "other"
        top = [h.word for h in signals.of("category", category)]
        keywords += [w for w in dict.fromkeys(top) if w not in keywords][:3]
        explain.append(f"类别 {category} {CATEGORY_LABELS[category]}: "
                       + (", ".join(f"{c}={w:g}" for c, (w, _) in sorted(scores.items(), key=lambda kv: -kv[1][0]))
                          or "没有类别关键词"))
        urgent = bool(dangers)
        if urgent:
            keywords += [w for w in dangers if w not in keywords]
            explain.append("紧急: " + "、".join(dangers))
    if place.phrase:
        explain.append(f"地点 “{place.phrase}” → 楼栋 {place.building or '-'} 单元 {place.unit or '-'} "
                       f"户 {place.room or '-'}")
    when = None
    if intent.code == "task" and deadline is not None:
        when = deadline.when
        explain.append(f"截止 “{deadline.phrase}” → {when.astimezone(SHANGHAI).strftime('%Y-%m-%d %H:%M')}")
    topic = find_topic(signals, lexicon) if intent.code in ("task", "completion") else None
    if topic:
        explain.append(f"主题: {topic}")
    if mentions:
        explain.append("提到: " + ", ".join("@" + m for m in mentions))
    assert intent.code in INTENT_CODES
    # "坏" beside "坏了" says nothing more.
    keywords = [w for w in dict.fromkeys(keywords) if not any(w != o and w in o for o in keywords)]
    return Parsed(intent.code, category, urgent, place.building, place.unit, place.room, when, topic,
                  tuple(keywords), mentions, tuple(explain))
