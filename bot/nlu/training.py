"""Training the classifier with scikit-learn (imported here only): deterministic, written out as plain JSON."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from bot.nlu.codes import CATEGORY_LABELS, INTENT_CODES
from bot.nlu.examples import Example
from bot.nlu.lexicon import Lexicon, tokenizer
from bot.nlu.model import FORMAT, TextModel, features

# Regularisation of the logistic regressions (chosen on the training sets by cross-validation, see README).
C_INTENT = 4.0
C_CATEGORY = 8.0
# A feature seen in fewer messages than this is noise; a weight smaller than this changes no decision.
MIN_COUNT = 2
MIN_WEIGHT = 0.02
SEED = 20261118


def example_features(example: Example, lexicon: Lexicon) -> set[str]:
    from bot.nlu.parse import prepare

    norm = prepare(example.text, lexicon)
    return features(norm, tokenizer().lcut(norm, HMM=False) if norm else (), example.context)


@dataclass
class Trained:
    data: dict
    counts: dict = field(default_factory=dict)

    @property
    def model(self) -> TextModel:
        return TextModel(self.data)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.data, f, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            f.write("\n")
        tmp.replace(path)


def train(examples: Iterable[Example], lexicon: Lexicon | None = None, meta: dict | None = None) -> Trained:
    """Fits the intent and the category classifiers; the same examples always give the same file."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    lexicon = lexicon or Lexicon.default()
    rows = [(e, example_features(e, lexicon)) for e in examples]
    df = Counter(f for _, feats in rows for f in feats)
    vocab = sorted(f for f, n in df.items() if n >= MIN_COUNT)
    index = {f: i for i, f in enumerate(vocab)}

    def matrix(items: list[set[str]]) -> csr_matrix:
        indptr, indices = [0], []
        for feats in items:
            indices += sorted(index[f] for f in feats if f in index)
            indptr.append(len(indices))
        return csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(items), len(vocab)))

    intents = list(INTENT_CODES)
    categories = list(CATEGORY_LABELS)
    x_all = matrix([f for _, f in rows])
    y_intent = np.array([intents.index(e.intent) for e, _ in rows])
    reports = [(e, f) for e, f in rows if e.intent == "report" and e.category]
    x_rep = matrix([f for _, f in reports])
    y_cat = np.array([categories.index(e.category) for e, _ in reports])

    def fit(x, y, c: float, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
        clf = LogisticRegression(C=c, max_iter=5000, tol=1e-6, random_state=SEED)
        clf.fit(x, y)
        coef = np.zeros((n_classes, x.shape[1]))
        bias = np.zeros(n_classes)
        coef[clf.classes_] = clf.coef_
        bias[clf.classes_] = clf.intercept_
        missing = [k for k in range(n_classes) if k not in set(clf.classes_)]
        bias[missing] = -20.0  # a class with no example is never chosen
        return coef, bias

    coef_i, bias_i = fit(x_all, y_intent, C_INTENT, len(intents))
    coef_c, bias_c = fit(x_rep, y_cat, C_CATEGORY, len(categories))
    coef = np.vstack([coef_i, coef_c])
    weights: dict[str, list] = {}
    for j, feat in enumerate(vocab):
        column = coef[:, j]
        pairs = []
        for k in np.flatnonzero(np.abs(column) >= MIN_WEIGHT):
            pairs += [int(k), round(float(column[k]), 3)]
        if pairs:
            weights[feat] = pairs
    data = {
        "format": FORMAT,
        "intents": intents,
        "categories": categories,
        "bias": [round(float(b), 3) for b in np.concatenate([bias_i, bias_c])],
        "weights": weights,
        "meta": dict(meta or {}, examples=len(rows), reports=len(reports), features=len(weights)),
    }
    return Trained(data, {"examples": len(rows), "features": len(weights)})
