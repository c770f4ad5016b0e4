"""evaluate() and the attribution metrics: macro-F1 (primary), micro-F1, accuracy, per-author F1.

Paired comparisons (the paper's McNemar tests of a with-SQ method against the same method
without SQ) are the runner's: ``evaluate`` returns whether each test fragment was attributed
correctly, and the runner tests the pairs that ``TASK.pairs`` declares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from benchmarks.task import Direction, Evaluation, Items

if TYPE_CHECKING:
    from tasks.latin.data import LatinData


@dataclass(frozen=True)
class Prediction:
    """A method's output: predicted author index per test fragment (``data.split.test`` order),
    and what the method wants recorded about its fit (``info``: JSON-able)."""

    y_pred: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)


def f1_scores(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> dict[str, Any]:
    """Macro-F1 over the classes present in ``y_true``, micro-F1, accuracy and per-class F1.

    Macro-F1 is the unweighted mean of per-class F1 (an F1 is 0 when a class is never
    predicted correctly); micro-F1 pools all decisions and equals accuracy for single-label data.
    """
    from sklearn.metrics import accuracy_score, f1_score

    labels = np.unique(y_true)
    per_class = f1_score(y_true, y_pred, labels=np.arange(n_classes), average=None, zero_division=0)
    return {
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "micro_f1": float(f1_score(y_true, y_pred, labels=labels, average="micro", zero_division=0)),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "per_class": per_class.tolist(),
    }


def evaluate(data: LatinData, output: Prediction) -> Evaluation:
    """Macro-F1, micro-F1, accuracy on the test fragments; items: each test fragment right or wrong."""
    y_true = data.labels[data.split.test]
    y_pred = np.asarray(output.y_pred)
    if y_pred.shape != y_true.shape:
        raise ValueError(f"latin: expected {len(y_true)} test predictions, got shape {y_pred.shape}")
    scores = f1_scores(y_true, y_pred, len(data.authors))
    notes = {"micro_f1": "equals accuracy for single-label attribution; reported as the paper does"}
    details = {
        "per_author_f1": dict(zip(data.authors, scores["per_class"])),
        "split": data.split_mode,
        "n_test": int(len(y_true)),
        "test_support": dict(zip(data.authors, np.bincount(y_true, minlength=len(data.authors)).tolist())),
        "lexicon_coverage": data.lexicon_coverage,
        "dropped": list(data.dropped),
        "corpus": dict(data.info),
        "method": dict(output.info),
    }
    metrics = {name: scores[name] for name in ("macro_f1", "micro_f1", "accuracy")}
    items = Items(y_pred == y_true, Direction.HIGHER, "test fragment attributed correctly")
    return Evaluation(metrics=metrics, notes=notes, details=details, items=items)
