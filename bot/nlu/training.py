"""Training the classifier with scikit-learn (imported here only): deterministic, written out as plain JSON.

    python -m bot nlu train      the shipped model, from the shipped examples (bot/nlu/data/model.json)

Two steps. (1) Logistic regressions over character n-grams and words: intent on every example, category and
urgency on the reports. (2) The weighing of rules against that model (decide.py), fitted on the examples the rules
were never tuned on, each scored by a model that did not see it (5-fold, out of fold).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from bot.nlu.codes import CATEGORY_LABELS, INTENT_CODES
from bot.nlu.decide import MAX_KEYWORD_SCORE, Blend, RuleFacts
from bot.nlu.decide import masked as masked_intents
from bot.nlu.examples import BLEND_SOURCES, Example
from bot.nlu.intents import RULE_NAMES
from bot.nlu.lexicon import Lexicon
from bot.nlu.model import FORMAT, Scores, TextModel, features

# Regularisation of the logistic regressions.
C_INTENT = 4.0
C_CATEGORY = 8.0
C_URGENT = 4.0
# Intents are weighed as if each were as common as the others: chit-chat must not lose to reports by number.
INTENT_CLASS_WEIGHT = "balanced"
# A feature seen in fewer messages than this is noise; a weight smaller than this changes no decision.
MIN_COUNT = 2
MIN_WEIGHT = 0.02
SEED = 20261118
# Character 3-grams beside the 2-grams and words: a little more accurate, and twice the work per message.
TRIGRAMS = False
FOLDS = 5
# How strongly the blend's weights are pulled to their neutral values (each rule's bonus towards the average).
BLEND_L2 = 0.5


@dataclass(frozen=True)
class Prepared:
    example: Example
    feats: frozenset[str]
    facts: RuleFacts


def prepare_examples(examples: Iterable[Example], lexicon: Lexicon, trigrams: bool = True) -> list[Prepared]:
    from bot.nlu.parse import model_features, read

    out = []
    for e in examples:
        r = read(e.text, e.now, lexicon)
        out.append(Prepared(e, frozenset(model_features(r, e.context, trigrams)), r.facts))
    return out


def _linear(rows: list[Prepared]) -> dict:
    """The three logistic regressions, as the model file's data (without the blend)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    df = Counter(f for r in rows for f in r.feats)
    vocab = sorted(f for f, n in df.items() if n >= MIN_COUNT)
    index = {f: i for i, f in enumerate(vocab)}

    def matrix(items: list[Prepared]) -> csr_matrix:
        indptr, indices = [0], []
        for r in items:
            indices += sorted(index[f] for f in r.feats if f in index)
            indptr.append(len(indices))
        return csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(items), len(vocab)))

    def fit(x, y, c: float, n_classes: int, weight=None) -> tuple[np.ndarray, np.ndarray]:
        clf = LogisticRegression(C=c, max_iter=5000, tol=1e-6, random_state=SEED, class_weight=weight).fit(x, y)
        coef = np.zeros((n_classes, x.shape[1]))
        bias = np.full(n_classes, -20.0)  # a class with no example is never chosen
        coef[clf.classes_] = clf.coef_
        bias[clf.classes_] = clf.intercept_
        return coef, bias

    intents, categories = list(INTENT_CODES), list(CATEGORY_LABELS)
    reports = [r for r in rows if r.example.intent == "report" and r.example.category]
    coef_i, bias_i = fit(matrix(rows), np.array([intents.index(r.example.intent) for r in rows]), C_INTENT,
                         len(intents), INTENT_CLASS_WEIGHT)
    x_rep = matrix(reports)
    coef_c, bias_c = fit(x_rep, np.array([categories.index(r.example.category) for r in reports]), C_CATEGORY,
                         len(categories))
    # A binary logistic regression has one weight vector: as two softmax rows, calm is 0 and urgent is it.
    y_urgent = np.array([int(r.example.urgent) for r in reports])
    if y_urgent.min() != y_urgent.max():
        clf = LogisticRegression(C=C_URGENT, max_iter=5000, tol=1e-6, random_state=SEED).fit(x_rep, y_urgent)
        coef_u, bias_u = np.vstack([np.zeros(len(vocab)), clf.coef_[0]]), np.array([0.0, clf.intercept_[0]])
    else:
        coef_u, bias_u = np.zeros((2, len(vocab))), np.array([0.0, -20.0])
    coef = np.vstack([coef_i, coef_c, coef_u])
    weights: dict[str, list] = {}
    for j, feat in enumerate(vocab):
        column = coef[:, j]
        pairs: list = []
        for k in np.flatnonzero(np.abs(column) >= MIN_WEIGHT):
            pairs += [int(k), round(float(column[k]), 3)]
        if pairs:
            weights[feat] = pairs
    return {
        "format": FORMAT,
        "intents": intents,
        "categories": categories,
        "bias": [round(float(b), 3) for b in np.concatenate([bias_i, bias_c, bias_u])],
        "weights": weights,
        "meta": {"examples": len(rows), "reports": len(reports), "features": len(weights)},
    }


def _out_of_fold(rows: list[Prepared]) -> list[tuple[Prepared, Scores]]:
    """Every blend example scored by a model trained without its fold."""
    blend_rows = [i for i, r in enumerate(rows) if r.example.source in BLEND_SOURCES]
    scored = []
    for k in range(FOLDS):
        held = {i for n, i in enumerate(blend_rows) if n % FOLDS == k}
        data = _linear([r for i, r in enumerate(rows) if i not in held])
        data["trigrams"] = TRIGRAMS
        model = TextModel(data)
        scored += [(rows[i], model.scores(sorted(rows[i].feats))) for i in sorted(held)]
    return scored


def _fit_blend(scored: list[tuple[Prepared, Scores]]) -> Blend:
    """The product-of-experts weights by maximum likelihood (scipy's L-BFGS), with a light pull to neutral."""
    import numpy as np
    from scipy.optimize import minimize

    intents, categories, rules = list(INTENT_CODES), list(CATEGORY_LABELS), list(RULE_NAMES)
    n_i, n_r = len(intents), len(rules)
    logp = np.array([[s.intent_logits[c] for c in intents] for _, s in scored])
    said = np.array([intents.index(r.facts.intent) for r, _ in scored])
    rule = np.array([rules.index(r.facts.rule) for r, _ in scored])
    private = np.array([r.example.context == "private" for r, _ in scored], dtype=float)
    label = np.array([intents.index(r.example.intent) for r, _ in scored])
    masked = np.zeros_like(logp)
    for n, (r, _) in enumerate(scored):
        for code in masked_intents(r.facts):
            masked[n, intents.index(code)] = -30.0
    rows = np.arange(len(scored))
    chat = intents.index("chitchat")

    def nll_intent(theta: np.ndarray) -> float:
        alpha, bias, bonus, mean, pc = theta[0], theta[1:1 + n_i], theta[1 + n_i:1 + n_i + n_r], theta[-2], theta[-1]
        z = alpha * logp + bias + masked
        z[rows, said] += bonus[rule]
        z[:, chat] += pc * private
        return float(_nll(z, label) + BLEND_L2 * (np.sum(bias ** 2) + np.sum((bonus - mean) ** 2) + pc ** 2))

    theta = minimize(nll_intent, np.concatenate([[1.0], np.zeros(n_i), np.ones(n_r), [1.0, 0.0]]),
                     method="L-BFGS-B").x
    alpha, bias, bonus, mean, pc = theta[0], theta[1:1 + n_i], theta[1 + n_i:1 + n_i + n_r], theta[-2], theta[-1]

    reports = [(r, s) for r, s in scored if r.example.intent == "report" and r.example.category]
    n_c = len(categories)
    clogp = np.array([[s.category_logits[c] for c in categories] for _, s in reports])
    has_rule = np.array([r.facts.category is not None for r, _ in reports], dtype=float)
    rcat = np.array([categories.index(r.facts.category) if r.facts.category else 0 for r, _ in reports])
    points = np.array([min(r.facts.category_score, MAX_KEYWORD_SCORE) for r, _ in reports])
    clabel = np.array([categories.index(r.example.category) for r, _ in reports])
    crows = np.arange(len(reports))

    def nll_category(t: np.ndarray) -> float:
        z = t[0] * clogp + t[1:1 + n_c]
        z[crows, rcat] += has_rule * (t[-2] + t[-1] * points)
        return float(_nll(z, clabel) + BLEND_L2 * np.sum(t[1:1 + n_c] ** 2))

    ct = minimize(nll_category, np.concatenate([[1.0], np.zeros(n_c), [0.0, 0.1]]), method="L-BFGS-B").x

    ulogit = np.array([s.urgent_logit for _, s in reports])
    danger = np.array([r.facts.danger for r, _ in reports], dtype=float)
    ulabel = np.array([r.example.urgent for r, _ in reports], dtype=float)

    def nll_urgent(t: np.ndarray) -> float:
        z = t[0] * ulogit + t[1] * danger + t[2]
        return float(np.sum(np.logaddexp(0, z) - ulabel * z) + BLEND_L2 * t[2] ** 2)

    ut = minimize(nll_urgent, np.array([1.0, 1.0, 0.0]), method="L-BFGS-B").x

    def r3(x: float) -> float:
        return round(float(x), 3)

    return Blend(
        alpha=r3(alpha), intent_bias={c: r3(b) for c, b in zip(intents, bias)},
        rule_bonus={name: r3(b) for name, b in zip(rules, bonus)}, default_bonus=r3(mean), private_chitchat=r3(pc),
        category_alpha=r3(ct[0]), category_bias={c: r3(b) for c, b in zip(categories, ct[1:1 + n_c])},
        category_rule=r3(ct[-2]), category_per_point=r3(ct[-1]),
        urgent_alpha=r3(ut[0]), urgent_danger=r3(ut[1]), urgent_bias=r3(ut[2]))


def _nll(z, label) -> float:
    import numpy as np

    top = z.max(axis=1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.exp(z - top).sum(axis=1))
    return float(np.sum(log_norm - z[np.arange(len(label)), label]))


def train(examples: Iterable[Example], lexicon: Lexicon | None = None, meta: dict | None = None) -> dict:
    """The model file's data, from labelled examples; the same examples always give the same file."""
    lexicon = lexicon or Lexicon.default()
    rows = prepare_examples(examples, lexicon, TRIGRAMS)
    data = _linear(rows)
    data["trigrams"] = TRIGRAMS
    data["blend"] = _fit_blend(_out_of_fold(rows)).to_json()
    data["meta"].update(meta or {})
    return data


def write_model(data: dict, path: Path) -> None:
    """Writes the model file whole or not at all (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        f.write("\n")
    tmp.replace(path)


@dataclass(frozen=True)
class Figures:
    """A model's figures on a labelled set: intent accuracy, and category accuracy on the reports."""
    examples: int
    intent: float
    category: float

    def at_least(self, other: "Figures") -> bool:
        return self.intent >= other.intent and self.category >= other.category


def evaluate(lexicon: Lexicon, examples: Iterable[Example]) -> Figures:
    """How parse() with this lexicon (and its model) reads the examples."""
    from bot.nlu.parse import parse

    n = right = reports = right_category = 0
    for e in examples:
        got = parse(e.text, e.now, lexicon, context=e.context)
        n += 1
        right += got.intent == e.intent
        if e.intent == "report":
            reports += 1
            right_category += got.category == e.category
    return Figures(n, round(right / n, 4) if n else 0.0, round(right_category / reports, 4) if reports else 0.0)
