"""The statistical half of understanding: a linear text classifier for intent and category, read from plain JSON.

Trained by `python -m bot nlu train` (scikit-learn, see training.py); scored here in pure Python so that the bot
starts fast and never imports scikit-learn. Features are the message's character bigrams and trigrams (digits
folded to 0) and its jieba words, plus the context it was said in.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Callable, Collection, Iterable

from bot.nlu.codes import CATEGORY_LABELS, INTENT_CODES

MODEL_FILE = Path(__file__).with_name("data") / "model.json"
FORMAT = "sanzhang-nlu-linear/1"
_DIGITS = str.maketrans("0123456789", "0000000000")
_SKIP_WORDS = frozenset(" ,.!?;:~…。、()[]【】\"'")


def features(norm: str, tokens: Iterable[str], context: str = "group", trigrams: bool = True) -> set[str]:
    """The features of a normalised message: character 2-grams (and 3-grams), jieba words, and where it was said."""
    s = norm.lower().translate(_DIGITS)
    out = {s[i:i + 2] for i in range(len(s) - 1)}
    if trigrams:
        out.update(s[i:i + 3] for i in range(len(s) - 2))
    out.update("w" + t for t in tokens if t not in _SKIP_WORDS and not t.isspace())
    if len(s) <= 4:
        out.add("len:short")
    if context == "private":
        out.add("ctx:private")
    return out


class Scores:
    """The model's log-odds over the intents (raw, as summed); over the categories and of danger now, worked out
    only when asked (they matter for reports alone). Probabilities by softmax, on demand."""

    def __init__(self, intent_logits: dict[str, float],
                 report: Callable[[], tuple[dict[str, float], float]]) -> None:
        self.intent_logits = intent_logits
        self._report = report
        self._read: tuple[dict[str, float], float] | None = None
        self._intent: dict[str, float] | None = None

    @property
    def intent(self) -> dict[str, float]:
        if self._intent is None:
            self._intent = dict(zip(self.intent_logits, _softmax(list(self.intent_logits.values()))))
        return self._intent

    @property
    def category_logits(self) -> dict[str, float]:
        if self._read is None:
            self._read = self._report()
        return self._read[0]

    @property
    def category(self) -> dict[str, float]:
        logits = self.category_logits
        return dict(zip(logits, _softmax(list(logits.values()))))

    @property
    def urgent_logit(self) -> float:
        if self._read is None:
            self._read = self._report()
        return self._read[1]

    @property
    def urgent(self) -> float:
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, self.urgent_logit))))


class TextModel:
    """Linear classifiers over one feature space, stored sparse: per feature, (class index, weight) pairs for the
    intents, and apart from them for the categories and urgency (read only for reports)."""

    def __init__(self, data: dict) -> None:
        if data.get("format") != FORMAT:
            raise ValueError(f"模型文件格式不对: {data.get('format')!r}")
        self.intents: tuple[str, ...] = tuple(data["intents"])
        self.categories: tuple[str, ...] = tuple(data["categories"])
        if set(self.intents) != set(INTENT_CODES) or set(self.categories) != set(CATEGORY_LABELS):
            raise ValueError("模型文件里的意图或类别与程序不一致")
        self.trigrams = bool(data.get("trigrams", True))
        n = len(self.intents)
        bias = data["bias"]
        self.intent_bias: tuple[float, ...] = tuple(bias[:n])
        # The last two of the rest are the urgency head's: calm, urgent.
        self.report_bias: tuple[float, ...] = tuple(bias[n:])
        # Dense per feature (the sums are then C loops over zip), only for features with a weight in the head.
        m = len(bias) - n
        self.intent_weights: dict[str, tuple[float, ...]] = {}
        self.report_weights: dict[str, tuple[float, ...]] = {}
        for feat, pairs in data["weights"].items():
            intent, report = [0.0] * n, [0.0] * m
            for k, w in zip(pairs[::2], pairs[1::2]):
                if k < n:
                    intent[k] = w
                else:
                    report[k - n] = w
            if any(intent):
                self.intent_weights[feat] = tuple(intent)
            if any(report):
                self.report_weights[feat] = tuple(report)
        # The features that carry a weight, as sets: a message's features meet them in one C-level intersection.
        self._intent_keys = frozenset(self.intent_weights)
        self._report_keys = frozenset(self.report_weights)
        self.meta: dict = data.get("meta", {})
        from bot.nlu.decide import Blend  # decide.py reads Scores from here

        self.blend = Blend.from_json(data["blend"]) if data.get("blend") else None

    @classmethod
    def load(cls, path: Path | None = None) -> "TextModel":
        with open(path or MODEL_FILE, encoding="utf-8") as f:
            return cls(json.load(f))

    def features(self, norm: str, tokens: Iterable[str], context: str = "group") -> set[str]:
        return features(norm, tokens, context, self.trigrams)

    def scores(self, feats: Collection[str]) -> Scores:
        """Summed in the order given: training passes the features sorted, so its sums (and file) never vary."""
        intent = _sum(self.intent_bias, self.intent_weights, _known(feats, self._intent_keys))

        def report() -> tuple[dict[str, float], float]:
            totals = _sum(self.report_bias, self.report_weights, _known(feats, self._report_keys))
            m = len(self.categories)
            return dict(zip(self.categories, totals[:m])), totals[m + 1] - totals[m]
        return Scores(dict(zip(self.intents, intent)), report)


def _known(feats: Collection[str], keys: frozenset[str]) -> Collection[str]:
    # A set (parse) meets the weighted features in C; a sorted list (training) keeps its order for the sums.
    if isinstance(feats, (set, frozenset)):
        return keys.intersection(feats)
    return [f for f in feats if f in keys]


def _sum(bias: tuple[float, ...], weights: dict[str, tuple[float, ...]], feats: Collection[str]) -> list[float]:
    rows = list(map(weights.__getitem__, feats))
    rows.append(bias)
    return list(map(sum, zip(*rows)))


def _softmax(values: list[float]) -> list[float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]
