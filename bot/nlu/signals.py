"""One pass over a message: every lexicon word in it, kept only where it agrees with jieba's word boundaries."""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

from bot.nlu.lexicon import Lexicon, Role, tokenizer


# Phrases that mark how something is said ("处理了没", "请各", "谢谢") span several words; they match as text.
# Content words (categories, dangers, problems, topics) must agree with the segmentation.
PHRASE_KINDS = frozenset({"task", "query", "chitchat", "request", "calm", "sharing", "ignore"})
# Before a trouble word these deny it ("没坏", "不漏了"); trouble words that are themselves negative ("不热",
# "没水") are kept.
_NEGATORS = ("不", "没", "无")
_NEGATIVE_STARTS = ("不", "没", "无", "别", "未")
# In the clause of "要是电梯再坏…", "万一漏水…" nothing has happened yet.
_HYPOTHETICALS = ("要是", "如果", "万一", "假如", "假设", "一旦", "以防", "防止", "预防", "以免", "免得", "要不然", "不然")
_CLAUSE_MARKS = frozenset(",.!?;:~… 。、")
# In the clause of "那年暖气管爆了", "记得以前着过一回火" a danger is remembered, not happening.
_RECALLED = ("那年", "那次", "那回", "那会", "当年", "前年", "去年", "前几年", "以前", "从前", "小时候", "年轻时",
             "想起", "记得", "上回", "上次")
_RECALLED_RE = re.compile("|".join(_RECALLED))
_NOW_AGAIN = ("现在", "如今", "今天", "刚才", "刚刚", "正在", "又", "还在", "快来")
# "出门注意路滑别摔倒", "小心别被偷": a warning names a trouble that has not happened.
_WARNING_RE = re.compile(r"别(?![人的处家])|不要(?!脸)|千万|小心|当心|谨防|提防|注意(?!到)")


_IGNORE = Role("ignore")
_IMAGINABLE = frozenset({"category", "urgent"})


class Hit(NamedTuple):
    """One lexicon word found in the text (a tuple: there are many per message, and they are made fast)."""
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
    bounds = set(accumulate(map(len, tokens), initial=0))  # where jieba's words start and end
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text
    found: list[Hit] = []
    roles = lexicon.roles
    by_prefix = lexicon.lengths_by_prefix
    singles = lexicon.single_char_words
    firsts = lexicon.first_chars
    for i, ch in enumerate(lowered):
        if ch not in firsts:
            continue
        # Words of two characters or more are looked up by their first two, then single characters.
        lengths = by_prefix.get(lowered[i:i + 2], ())
        if lowered[i] in singles:
            lengths += (1,)
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
                    agrees = _agrees(i, j, bounds)
                if agrees:
                    found.append(Hit(word, i, j, role))
    found = _drop_inner_urgent(found)
    # Patterns are added after: a danger word inside "孩子…走丢了" is still a danger.
    for pattern, role in lexicon.category_patterns:
        found += [Hit(m.group(0), m.start(), m.end(), role) for m in pattern.finditer(lowered)]
    if lexicon.ignore_any is not None:
        found += [Hit(m.group(0), m.start(), m.end(), _IGNORE) for m in lexicon.ignore_any.finditer(lowered)]
    hits = tuple(_drop_denied(text, _drop_ignored(found)))
    by_role: dict[tuple[str, str | None], list[Hit]] = {}
    for hit in hits:
        by_role.setdefault((hit.role.kind, None), []).append(hit)
        if hit.role.name is not None:
            by_role.setdefault((hit.role.kind, hit.role.name), []).append(hit)
    return Signals(text, tokens, hits, {k: tuple(v) for k, v in by_role.items()})


def _agrees(i: int, j: int, bounds: set[int]) -> bool:
    # "楼下水管" holds 下水 across two words (楼下|水管): not a hit. A hit inside one longer word is kept,
    # unless it is a single character ("水" in 水果).
    if i in bounds and j in bounds:
        return True
    if j - i == 1:
        return False
    return not any(b in bounds for b in range(i + 1, j))


def _drop_inner_urgent(hits: list[Hit]) -> list[Hit]:
    # "防走失" holds 走失 and "打不着火" holds 着火: the longer word says what is meant.
    urgent_words = {h.word for h in hits if h.role.kind == "urgent"}
    if not urgent_words:
        return hits
    spans = {(h.start, h.end) for h in hits if h.word not in urgent_words}
    return [h for h in hits if h.role.kind != "urgent"
            or not any(s <= h.start and h.end <= e and e - s > h.end - h.start for s, e in spans)]


def _drop_ignored(hits: list[Hit]) -> list[Hit]:
    # "手机快没电了" holds 没电, "美坏了" holds 坏了: those are not troubles.
    spans = [(h.start, h.end) for h in hits if h.role.kind == "ignore"]
    if not spans:
        return hits
    return [h for h in hits if h.role.kind == "ignore" or not any(s <= h.start and h.end <= e for s, e in spans)]


def _drop_denied(text: str, hits: list[Hit]) -> list[Hit]:
    """Trouble words that are denied ("没坏", "不漏了") or only imagined ("要是再停水") are not troubles."""
    out = []
    for h in hits:
        if h.role.kind == "problem" and (_denied(text, h) or imagined(text, h.start)):
            continue
        # "哪天着火了可咋整", "万一半夜有人撬门": a field or danger named only in a clause that imagines it.
        if h.role.kind in _IMAGINABLE and imagined(text, h.start):
            continue
        out.append(h)
    return out


def _denied(text: str, hit: Hit) -> bool:
    if hit.word.startswith(_NEGATIVE_STARTS):
        return False
    before = text[max(0, hit.start - 2):hit.start]
    return before.endswith(_NEGATORS) or before in ("没有", "不再", "并没", "不会")


def _clause_before(text: str, start: int) -> str:
    i = start - 1
    while i >= 0 and start - i <= 16 and text[i] not in _CLAUSE_MARKS:
        i -= 1
    return text[i + 1:start]


def imagined(text: str, start: int) -> bool:
    """Whether the clause before start imagines rather than tells ("要是电梯再坏", "万一漏水")."""
    clause = _clause_before(text, start)
    return any(h in clause for h in _HYPOTHETICALS) or bool(_WARNING_RE.search(clause))


def recalled(text: str, start: int) -> bool:
    """Whether the sentence before start remembers a time gone by ("那年冬天暖气管子爆了 水漫到楼道里",
    "记得以前着过火"), and has not come back to now since ("以前也漏过 现在又漏了")."""
    lo = max(0, start - 40)
    lo = max(lo - 1, *(text.rfind(end, lo, start) for end in "。!?")) + 1
    last = -1
    for m in _RECALLED_RE.finditer(text, lo, start):
        last = m.start()
    return last >= 0 and not any(n in text[last:start] for n in _NOW_AGAIN)
