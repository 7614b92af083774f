"""One pass over a message: every lexicon word in it, kept only where it agrees with jieba's word boundaries."""
from __future__ import annotations

from dataclasses import dataclass

from bot.nlu.lexicon import Lexicon, Role, tokenizer


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

    def of(self, kind: str, name: str | None = None) -> list[Hit]:
        return [h for h in self.hits if h.role.kind == kind and (name is None or h.role.name == name)]

    def has(self, kind: str, name: str | None = None) -> bool:
        return any(h.role.kind == kind and (name is None or h.role.name == name) for h in self.hits)

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
    for i, ch in enumerate(lowered):
        words = lexicon.by_first_char.get(ch)
        if not words:
            continue
        for word in words:
            j = i + len(word)
            if lowered.startswith(word, i) and _agrees(i, j, starts, ends):
                found.extend(Hit(word, i, j, role) for role in lexicon.roles[word])
    return Signals(text, tokens, tuple(_drop_inner_urgent(found)))


def _agrees(i: int, j: int, starts: list[int], ends: list[int]) -> bool:
    # "楼下水管" holds 下水 across two words (楼下|水管): not a hit. A hit inside one longer word is kept.
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
