"""Which field a report belongs to (给排水, 电力照明 …) and whether it is an emergency."""
from __future__ import annotations

from bot.nlu.codes import CATEGORY_LABELS
from bot.nlu.signals import Signals

# Said before a danger word, these make it not a danger now: "没有煤气味", "万一着火", "真着火了…都进不来".
_NEGATIONS = ("没有", "没", "不是", "无", "别", "防止", "预防")
_HYPOTHETICAL = ("万一", "要是", "如果", "假如", "真", "怕", "会不会", "容易")
_ORDER = {code: i for i, code in enumerate(CATEGORY_LABELS)}


def score_categories(signals: Signals) -> dict[str, float]:
    """Each category's weight of keywords in the message."""
    scores: dict[str, float] = {}
    for hit in signals.of("category"):
        if hit.role.name is not None:
            scores[hit.role.name] = scores.get(hit.role.name, 0.0) + hit.role.weight
    return scores


def best_category(scores: dict[str, float]) -> str | None:
    """The highest scoring category; ties go to the one listed first in the table."""
    if not scores:
        return None
    return max(scores, key=lambda code: (scores[code], -_ORDER.get(code, len(_ORDER))))


def danger_words(signals: Signals) -> list[str]:
    """Words of a danger happening now, unless the message calms it (演练, 虚惊一场, 已经灭了)."""
    if signals.has("calm"):
        return []
    text = signals.text
    words: list[str] = []
    for hit in signals.of("urgent"):
        before = text[max(0, hit.start - 4):hit.start]
        if before.endswith(_NEGATIONS) or any(h in before for h in _HYPOTHETICAL):
            continue
        if hit.word not in words:
            words.append(hit.word)
    return words
