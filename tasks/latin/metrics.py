"""Attribution metrics: macro-F1 (primary), micro-F1, accuracy, per-author F1, McNemar's test."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Prediction:
    """A method's output: predicted author index per test fragment (data.split.test order).

    ``twin``: the predictions of the same method without SQ (or FAKE) on the same split, for
    McNemar's test; ``twin_name`` names it.
    """

    y_pred: np.ndarray
    twin: np.ndarray | None = None
    twin_name: str | None = None
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


def mcnemar_p(y_true: Sequence[int], pred_a: Sequence[int], pred_b: Sequence[int]) -> float:
    """Two-sided exact McNemar p-value of two classifiers on the same test items.

    Only discordant items count: b = a right and b wrong, c = a wrong and b right;
    p = two-sided binomial test of min(b, c) out of b + c at 1/2 (1.0 when b + c = 0).
    """
    from scipy.stats import binomtest

    y, a, b = (np.asarray(v) for v in (y_true, pred_a, pred_b))
    if not (len(y) == len(a) == len(b)):
        raise ValueError(f"mcnemar_p: lengths differ ({len(y)}, {len(a)}, {len(b)})")
    only_a = int(np.sum((a == y) & (b != y)))
    only_b = int(np.sum((a != y) & (b == y)))
    if only_a + only_b == 0:
        return 1.0
    return float(binomtest(min(only_a, only_b), only_a + only_b, 0.5).pvalue)
