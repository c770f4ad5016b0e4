"""evaluate() and the attribution metrics: macro-F1 (primary), micro-F1, accuracy, per-author F1;
the check of what methods return.

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
    from benchmarks.tasks.latin.data import LatinData, LatinInput


@dataclass(frozen=True)
class Prediction:
    """A method's output: predicted author index per test fragment (``data.split.test`` order, ``data`` being
    what the method received), and what the method wants recorded about its fit (``info``: JSON-able)."""

    y_pred: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)


def as_prediction(output: Any) -> Any:
    """A method's output as a :class:`Prediction`: a plain array (or list) of author indices is one without info."""
    return Prediction(np.asarray(output), {}) if isinstance(output, (np.ndarray, list, tuple)) else output


def check_output(data: LatinInput, output: Any) -> None:
    """Raise ``ValueError`` (the runner's "output" failure, wrong types included) unless ``output`` is a
    :class:`Prediction`, or an array, of one known author index per test fragment."""
    output = as_prediction(output)
    if not isinstance(output, Prediction):
        raise ValueError(  # noqa: TRY004
            f"latin: a method returns author indices, an int array (n_test,) or a Prediction(y_pred, info) of "
            f"benchmarks.tasks.latin.metrics, not a {type(output).__name__}")
    y_pred, n_test, n_authors = np.asarray(output.y_pred), len(data.split.test), len(data.authors)
    if y_pred.shape != (n_test,):
        raise ValueError(f"latin: y_pred has shape {y_pred.shape}; expected ({n_test},), one author per test fragment")
    if not np.issubdtype(y_pred.dtype, np.integer):
        raise ValueError(f"latin: y_pred has dtype {y_pred.dtype}; expected integer indices into data.authors")
    unknown = sorted(set(y_pred[(y_pred < 0) | (y_pred >= n_authors)].tolist()))
    if unknown:
        raise ValueError(f"latin: y_pred holds {unknown[:5]}, not indices of the {n_authors} authors (0 to {n_authors - 1})")
    if not isinstance(output.info, dict):
        raise ValueError(  # noqa: TRY004
            f"latin: Prediction.info is a {type(output.info).__name__}; expected a dict")


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
    output = as_prediction(output)
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
