"""Which field a report belongs to (给排水, 电力照明 …) and whether it is an emergency."""
from __future__ import annotations

import re

from bot.nlu.codes import CATEGORY_LABELS
from bot.nlu.signals import Signals, imagined, recalled

# Said before a danger word, these make it not a danger now: "没有煤气味", "万一着火", "真着火了…都进不来".
_NEGATIONS = ("没有", "没", "不是", "无", "别", "防止", "预防")
_HYPOTHETICAL = ("万一", "要是", "如果", "假如", "真", "怕", "会不会", "容易", "哪天", "迟早", "一旦")
_WHEN_OR_AFTER = ("的时候", "时候", "的话", "后", "以后", "之后")
_ORDER = {code: i for i, code in enumerate(CATEGORY_LABELS)}


def score_categories(signals: Signals) -> dict[str, tuple[float, int]]:
    """Each category's weight of keywords in the message, and where it is first named.

    A word counts once however often it is repeated, and not at all inside a longer word of the same
    category ("停车位" holds 停车 and 车位). A word that is itself the trouble ("不热", "被偷") weighs one more:
    it says what is wrong, where the others may only say who or where.
    """
    scores: dict[str, tuple[float, int]] = {}
    hits = signals.of("category")
    problems = {h.word for h in signals.of("problem")}
    seen: set[tuple[str, str]] = set()
    for hit in hits:
        code = hit.role.name
        if code is None or (code, hit.word) in seen or any(
                o.role.name == code and o.start <= hit.start and hit.end <= o.end
                and o.end - o.start > hit.end - hit.start and o.role.weight >= hit.role.weight for o in hits):
            continue
        seen.add((code, hit.word))
        weight, first = scores.get(code, (0.0, hit.start))
        bonus = 1.0 if hit.word in problems else 0.0
        scores[code] = (weight + hit.role.weight + bonus, min(first, hit.start))
    return scores


def best_category(scores: dict[str, tuple[float, int]]) -> str | None:
    """The highest scoring category; a tie goes to the one named first ("树枝压到电线" is about the tree)."""
    if not scores:
        return None
    return max(scores, key=lambda code: (scores[code][0], -scores[code][1], -_ORDER.get(code, len(_ORDER))))


def danger_words(signals: Signals, patterns: tuple[re.Pattern[str], ...] = (),
                 any_of: re.Pattern[str] | None = None) -> list[str]:
    """Words of a danger happening now, unless the message calms it (演练, 虚惊一场, 已经灭了)."""
    if signals.has("calm"):
        return []
    text = signals.text
    words: list[str] = []
    spans = [(hit.word, hit.start) for hit in signals.of("urgent")]
    if patterns and (any_of is None or any_of.search(text)):
        spans += [(m.group(0), m.start()) for p in patterns for m in [p.search(text)] if m]
    for word, start in spans:
        before = text[max(0, start - 4):start]
        # "是不是漏气了" asks, it does not deny
        if (before.endswith(_NEGATIONS) and not before.endswith("是不是")) or any(h in before for h in _HYPOTHETICAL):
            continue
        # "万一半夜有人撬门", "电线乱拉 一旦着火" (the hypothetical inside a pattern's match), "那年冬天暖气管子爆了":
        # the clause imagines, or the sentence remembers.
        if imagined(text, start + len(word)) or recalled(text, start):
            continue
        # "着火的时候出不去", "中风后一个人住": a time imagined or gone by, not now.
        if text.startswith(_WHEN_OR_AFTER, start + len(word)):
            continue
        if word not in words:
            words.append(word)
    return words
