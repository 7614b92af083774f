"""parse(): one message in, a Parsed out: normalise, segment, then read places, deadline, intent, category, topic."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.nlu.categories import best_category, danger_words, score_categories
from bot.nlu.codes import CATEGORY_LABELS, INTENT_CODES
from bot.nlu.deadlines import SHANGHAI, Deadline, find_deadline
from bot.nlu.decide import Decision, RuleFacts, decide
from bot.nlu.intents import Intent, classify, is_notice, shortfall
from bot.nlu.lexicon import Lexicon, tokenizer
from bot.nlu.model import features
from bot.nlu.normalize import normalize
from bot.nlu.places import Place, find_place
from bot.nlu.signals import Signals, recalled, scan
from bot.nlu.topics import find_topic

if TYPE_CHECKING:
    from bot.nlu.board import BoardFacts

# Telegram usernames: 5-32 letters, digits, underscores, not starting with a digit.
_MENTION_RE = re.compile(r"@([A-Za-z][A-Za-z0-9_]{3,31})\b")
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s\u4e00-\u9fff,，。]+", re.IGNORECASE)
# Words that put a message in an imagined frame, for the model (the rules read them per clause, signals.py).
_IMAGINING = ("万一", "要是", "如果", "假如", "一旦", "哪天", "迟早", "真要", "可咋整", "不得")
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
    # How sure the reading of the intent is, 0–1 (rules and model together; see decide.py).
    confidence: float = 1.0
    # The rule that spoke, for --explain and for learning from corrections.
    rule: str = field(default="", compare=False)
    # The bot would act on this reading (anything but chit-chat) but its confidence is below the calibrated
    # threshold (decide.ACT_MIN): ask instead of acting — in a group, say nothing there and ask the grid worker
    # privately; in private, ask the resident "要登记为诉求吗?". An urgent report is never unsure.
    unsure: bool = field(default=False, compare=False)
    # What the task board asks (a notice? an award? a deadline edit? for whom?), read here once: see board.py.
    board: BoardFacts | None = field(default=None, compare=False, repr=False)

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
            "confidence": self.confidence,
            "unsure": self.unsure,
        }


CONTEXTS = ("group", "private")
ROLES = ("resident", "unit_head", "building_head", "grid_worker", "admin")


def parse(text: str, now: datetime, lexicon: Lexicon | None = None, *, context: str = "group",
          role: str = "resident", explain: bool = False) -> Parsed:
    """What a message means, said in a group or a private chat by someone in a role; with explain, the reasons
    (for `python -m bot parse --explain`).

    Pure: never raises on a str, and never looks outside its arguments."""
    try:
        parsed = _parse(text, now, lexicon or Lexicon.default(), context, role, explain)
        from bot.nlu.board import board_facts  # here, not at the top: board.py reads with tasktext, which types Parsed
        return replace(parsed, board=board_facts(str(text)[:MAX_CHARS], now, parsed))
    except Exception as exc:  # a rule bug must not take the bot down; say so in --explain
        return Parsed("chitchat", explain=(f"内部错误, 按闲聊处理: {type(exc).__name__}: {exc}",), confidence=0.0)


def prepare(text: str, lexicon: Lexicon) -> str:
    """The text as every reader sees it: without @mentions and links, normalised, colloquial spellings replaced."""
    stripped = _URL_RE.sub(" ", _MENTION_RE.sub(" ", text[:MAX_CHARS]))
    return lexicon.canonical(normalize(stripped))


@dataclass(frozen=True)
class Reading:
    """What the rules make of a message, before the model has its say."""
    norm: str
    signals: Signals
    place: Place
    deadline: Deadline | None
    could_be_task: bool
    category_scores: dict[str, tuple[float, int]]
    dangers: list[str]
    rule: Intent
    facts: RuleFacts


def read(text: str, now: datetime, lexicon: Lexicon) -> Reading:
    """The rules' reading of a message: normalised text, words found, place, deadline, danger words, intent rule."""
    norm = prepare(text, lexicon)
    signals = scan(norm, lexicon)
    place = find_place(norm)
    notice = is_notice(signals, lexicon)
    # Without a word of handing out work a message cannot score as a task, and only tasks have deadlines.
    could_be_task = signals.has("task") or any(p.search(norm) for p in lexicon.task_patterns)
    deadline = find_deadline(norm, now, notice) if could_be_task else None
    scores = score_categories(signals)
    dangers = danger_words(signals, lexicon.urgent_patterns, lexicon.urgent_any)
    category_score = max((w for w, _ in scores.values()), default=0.0)
    rule = classify(signals, lexicon, category_score=category_score, dangers=dangers,
                    notice=notice, deadline_found=deadline is not None,
                    deadline_marked=bool(deadline and deadline.marked), place_phrase=place.phrase)
    rule_category = best_category(scores)
    operator = next((lexicon.operator_words[h.word] for h in signals.of("category")
                     if h.word in lexicon.operator_words), None) if lexicon.operator_words else None
    # A word of acknowledging ("1" only when it is the whole message: "1单元" is not one).
    ack = lexicon.ack_any.search(norm.lower()) if lexicon.ack_any is not None else None
    can_be_ack = ack is not None and (ack.group(0) != "1" or norm.strip() == "1" or any(
        w in norm.lower() for w in lexicon.ack_words if w != "1"))
    facts = RuleFacts(rule.code, rule.rule, operator or rule_category,
                      scores[rule_category][0] if rule_category else 0.0, bool(dangers), could_be_task, can_be_ack,
                      signals.has("chitchat", "greeting"), can_be_completion=not shortfall(norm, lexicon),
                      operator_category=operator, recalled=recalled(norm, len(norm)))
    return Reading(norm, signals, place, deadline, could_be_task, scores, dangers, rule, facts)


def model_features(r: Reading, context: str, trigrams: bool = True) -> set[str]:
    """What the model reads: the text without the phrases that only look like trouble ("手机没电了", an
    operator's ignore phrases), so that words the rules were told to ignore do not speak through the model."""
    ignored = r.signals.of("ignore")
    if not ignored:
        out = features(r.norm, r.signals.tokens, context, trigrams)
    else:
        chars = list(r.norm)
        for hit in ignored:
            chars[hit.start:hit.end] = " " * (hit.end - hit.start)
        text = "".join(chars)
        out = features(text, (t for t in tokenizer().lcut(text, HMM=False)), context, trigrams)
    # The frame a message is told in, learned once for every trouble word rather than written as a rule per word:
    # remembered ("那年…爆了") or imagined ("万一…", "哪天…").
    out.update(frames(r.norm, r.facts.recalled))
    return out


def frames(norm: str, remembered: bool | None = None) -> list[str]:
    """Model features for a message told as a memory or a hypothetical (remembered: recalled(), if known)."""
    out = []
    if remembered if remembered is not None else recalled(norm, len(norm)):
        out.append("frame:past")
    if any(h in norm for h in _IMAGINING):
        out.append("frame:if")
    return out


def _parse(text: str, now: datetime, lexicon: Lexicon, context: str, role: str, explain: bool) -> Parsed:
    if not isinstance(text, str):
        text = str(text)
    raw = text[:MAX_CHARS]
    mentions = tuple(dict.fromkeys(_MENTION_RE.findall(raw))) if "@" in raw else ()
    r = read(raw, now, lexicon)
    signals, place, deadline, dangers, rule = r.signals, r.place, r.deadline, r.dangers, r.rule
    model = lexicon.model
    model_scores = model.scores(model_features(r, context, model.trigrams)) if model is not None else None
    decision = decide(r.facts, model_scores, model.blend if model is not None else None, context=context, role=role)

    category = decision.category
    urgent = decision.urgent
    keywords = list(rule.keywords) if decision.intent == rule.code else []
    if category is not None:
        top = [h.word for h in signals.of("category", category)]
        keywords += [w for w in dict.fromkeys(top) if w not in keywords][:3]
        if urgent and dangers:
            keywords += [w for w in dangers if w not in keywords]
    when = deadline.when if decision.intent == "task" and deadline is not None else None
    topic = find_topic(signals, lexicon) if decision.intent in ("task", "completion") else None
    assert decision.intent in INTENT_CODES
    # "坏" beside "坏了" says nothing more.
    keywords = [w for w in dict.fromkeys(keywords) if not any(w != o and w in o for o in keywords)]
    reasons = _reasons(raw, r, decision, when, topic, mentions) if explain else ()
    return Parsed(decision.intent, category, urgent, place.building, place.unit, place.room, when, topic,
                  tuple(keywords), mentions, reasons, decision.confidence, rule.rule, decision.unsure)


def _reasons(raw: str, r: Reading, decision: Decision, when: datetime | None, topic: str | None,
             mentions: tuple[str, ...]) -> tuple[str, ...]:
    """The --explain lines: how each part of the reading was decided."""
    out = [f"规范化: {r.norm}"] if r.norm != raw else []
    out.append(f"规则 {r.rule.rule} → {r.rule.code}: " + "; ".join(r.rule.reasons))
    out += decision.notes
    out.append(f"意图 {decision.intent} (把握 {decision.confidence:.2f})")
    if decision.category is not None:
        scores = r.category_scores
        out.append(f"类别 {decision.category} {CATEGORY_LABELS[decision.category]} "
                   f"(把握 {decision.category_confidence:.2f}): "
                   + (", ".join(f"{c}={w:g}" for c, (w, _) in sorted(scores.items(), key=lambda kv: -kv[1][0]))
                      or "没有类别关键词"))
        if decision.urgent and r.dangers:
            out.append("紧急: " + "、".join(r.dangers))
    place = r.place
    if place.phrase:
        out.append(f"地点 “{place.phrase}” → 楼栋 {place.building or '-'} 单元 {place.unit or '-'} "
                   f"户 {place.room or '-'}")
    if when is not None and r.deadline is not None:
        out.append(f"截止 “{r.deadline.phrase}” → {when.astimezone(SHANGHAI).strftime('%Y-%m-%d %H:%M')}")
    if topic:
        out.append(f"主题: {topic}")
    if mentions:
        out.append("提到: " + ", ".join("@" + m for m in mentions))
    return tuple(out)
