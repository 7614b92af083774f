"""Phrase families the chat layer asks about, read from the one lexicon: "修好了/通了", "收到/好的", "谢谢"."""
from __future__ import annotations

import re
import unicodedata

from bot.nlu.lexicon import Lexicon
from bot.nlu.normalize import normalize

_HUMS = re.compile(r"嗯+|好的?|🙏")


def says_fixed(text: str, lexicon: Lexicon | None = None) -> bool:
    """"好了, 已经通了", "自己修好了": the writer says their trouble is over."""
    lexicon = lexicon or Lexicon.default()
    return lexicon.fixed_re is not None and bool(lexicon.fixed_re.search(normalize(text or "")))


def is_thanks(text: str, lexicon: Lexicon | None = None) -> bool:
    """"谢谢", "好的", "好的谢谢 👍", "嗯嗯 辛苦了": nothing but courtesy, which needs a short answer."""
    lexicon = lexicon or Lexicon.default()
    rest = normalize(text or "").lower()
    if not rest:
        return False
    for word in sorted({*lexicon.ack_words, *lexicon.phrases.get("thanks", ())}, key=len, reverse=True):
        if word != "1":
            rest = rest.replace(word, " ")
    rest = _HUMS.sub(" ", rest)
    return all(ch.isspace() or unicodedata.category(ch)[0] in "PSZ" for ch in rest)
