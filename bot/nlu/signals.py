"""One pass over a message: every lexicon word in it, kept only where it agrees with jieba's word boundaries."""
from __future__ import annotations

from dataclasses import dataclass

from bot.nlu.lexicon import Lexicon, Role, tokenizer


# Phrases that mark how something is said ("处理了没", "请各", "谢谢") span several words; they match as text.
# Content words (categories, dangers, problems, topics) must agree with the segmentation.
PHRASE_KINDS = frozenset({"task", "query", "chitchat", "request", "calm", "sharing"})


@dataclass(frozen=True)
class Hit:
    word: str
    start: int
    end: int
    role: Role


@dataclass(frozen=True)
class Signals:
    text: str
    tokens: tuple[str, ...]
    hits: tuple[Hit, ...]
    by_role: dict[tuple[str, str | None], tuple[Hit, ...]]  # (kind, name) and (kind, None) → hits in text order

    def of(self, kind: str, name: str | None = None) -> tuple[Hit, ...]:
        return self.by_role.get((kind, name), ())

    def has(self, kind: str, name: str | None = None) -> bool:
        return (kind, name) in self.by_role

    def words(self, kind: str, name: str | None = None) -> list[str]:
        seen: list[str] = []
        for h in self.of(kind, name):
            if h.word not in seen:
                seen.append(h.word)
        return seen


def scan(text: str, lexicon: Lexicon) -> Signals:
    """The lexicon words in normalised text, with their roles."""
    tokens = tuple(tokenizer().lcut(text, HMM=False)) if text else ()
    starts = [0] * len(text)
    ends = [0] * len(text)
    pos = 0
    for token in tokens:
        for i in range(pos, pos + len(token)):
            starts[i], ends[i] = pos, pos + len(token)
        pos += len(token)
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text
    found: list[Hit] = []
    roles = lexicon.roles
    for i, ch in enumerate(lowered):
        lengths = lexicon.lengths_by_first_char.get(ch)
        if not lengths:
            continue
        for length in lengths:
            word = lowered[i:i + length]
            if len(word) != length or word not in roles:
                continue
            j = i + length
            agrees: bool | None = None
            for role in roles[word]:
                if role.kind in PHRASE_KINDS:
                    found.append(Hit(word, i, j, role))
                    continue
                if agrees is None:
                    agrees = _agrees(i, j, length, starts, ends)
                if agrees:
                    found.append(Hit(word, i, j, role))
    hits = tuple(_drop_inner_urgent(found))
    by_role: dict[tuple[str, str | None], list[Hit]] = {}
    for hit in hits:
        by_role.setdefault((hit.role.kind, None), []).append(hit)
        if hit.role.name is not None:
            by_role.setdefault((hit.role.kind, hit.role.name), []).append(hit)
    return Signals(text, tokens, hits, {k: tuple(v) for k, v in by_role.items()})


def _agrees(i: int, j: int, length: int, starts: list[int], ends: list[int]) -> bool:
    # "楼下水管" holds 下水 across two words (楼下|水管): not a hit. A hit inside one longer word is kept,
    # unless it is a single character ("水" in 水果).
    if length == 1:
        return starts[i] == i and ends[i] == j
    start_ok = starts[i] == i or ends[i] >= j
    end_ok = ends[j - 1] == j or starts[j - 1] <= i
    return start_ok and end_ok


def _drop_inner_urgent(hits: list[Hit]) -> list[Hit]:
    # "防走失" holds 走失 and "打不着火" holds 着火: the longer word says what is meant.
    urgent_words = {h.word for h in hits if h.role.kind == "urgent"}
    if not urgent_words:
        return hits
    spans = {(h.start, h.end) for h in hits if h.word not in urgent_words}
    return [h for h in hits if h.role.kind != "urgent"
            or not any(s <= h.start and h.end <= e and e - s > h.end - h.start for s, e in spans)]
