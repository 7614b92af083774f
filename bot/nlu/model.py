"""The statistical half of understanding: a linear text classifier for intent and category, read from plain JSON.

Trained by `python -m bot nlu train` (scikit-learn, see training.py); scored here in pure Python so that the bot
starts fast and never imports scikit-learn. Features are the message's character bigrams and trigrams (digits
folded to 0) and its jieba words, plus the context it was said in.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from bot.nlu.codes import CATEGORY_LABELS, INTENT_CODES

MODEL_FILE = Path(__file__).with_name("data") / "model.json"
FORMAT = "sanzhang-nlu-linear/1"
_DIGITS = str.maketrans("0123456789", "0000000000")
_SKIP_WORDS = frozenset(" ,.!?;:~…。、()[]【】\"'")


def features(norm: str, tokens: Iterable[str], context: str = "group") -> set[str]:
    """The features of a normalised message: character 2- and 3-grams, jieba words, and where it was said."""
    s = norm.lower().translate(_DIGITS)
    out = {s[i:i + 2] for i in range(len(s) - 1)}
    out.update(s[i:i + 3] for i in range(len(s) - 2))
    out.update("w" + t for t in tokens if t not in _SKIP_WORDS and not t.isspace())
    if len(s) <= 4:
        out.add("len:short")
    if context == "private":
        out.add("ctx:private")
    return out


@dataclass(frozen=True)
class Scores:
    """Probabilities over the intents; over the categories and of danger now (read when it is a report)."""
    intent: dict[str, float]
    category: dict[str, float]
    urgent: float = 0.0

    def best_intent(self) -> tuple[str, float]:
        code = max(self.intent, key=self.intent.__getitem__)
        return code, self.intent[code]

    def best_category(self) -> tuple[str, float]:
        code = max(self.category, key=self.category.__getitem__)
        return code, self.category[code]


class TextModel:
    """Two linear classifiers over one feature space: weights are stored sparse, as (class index, weight) pairs."""

    def __init__(self, data: dict) -> None:
        if data.get("format") != FORMAT:
            raise ValueError(f"模型文件格式不对: {data.get('format')!r}")
        self.intents: tuple[str, ...] = tuple(data["intents"])
        self.categories: tuple[str, ...] = tuple(data["categories"])
        # The last two scores are the urgency head's: calm, urgent.
        if set(self.intents) != set(INTENT_CODES) or set(self.categories) != set(CATEGORY_LABELS):
            raise ValueError("模型文件里的意图或类别与程序不一致")
        self.bias: tuple[float, ...] = tuple(data["bias"])
        # feature → flat (index, weight, index, weight …); indexes below len(intents) are intents.
        self.weights: dict[str, tuple] = {f: tuple(w) for f, w in data["weights"].items()}
        self.meta: dict = data.get("meta", {})
        from bot.nlu.decide import Blend  # decide.py reads Scores from here

        self.blend = Blend.from_json(data["blend"]) if data.get("blend") else None

    @classmethod
    def load(cls, path: Path | None = None) -> "TextModel":
        with open(path or MODEL_FILE, encoding="utf-8") as f:
            return cls(json.load(f))

    def scores(self, feats: Iterable[str]) -> Scores:
        totals = list(self.bias)
        weights = self.weights
        for feat in feats:
            pairs = weights.get(feat)
            if pairs:
                for k in range(0, len(pairs), 2):
                    totals[pairs[k]] += pairs[k + 1]
        n = len(self.intents)
        m = n + len(self.categories)
        return Scores(dict(zip(self.intents, _softmax(totals[:n]))),
                      dict(zip(self.categories, _softmax(totals[n:m]))),
                      _softmax(totals[m:m + 2])[1])


def _softmax(values: list[float]) -> list[float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]
