"""evaluate() and figure(): scores of one method's test predictions, and its confusion matrix."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from benchmarks.task import Evaluation
from tasks.latin.data import LatinData
from tasks.latin.metrics import Prediction, f1_scores, mcnemar_p


def evaluate(data: LatinData, output: Prediction) -> Evaluation:
    """Macro-F1, micro-F1, accuracy on the test fragments; McNemar p against the twin if any."""
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
        "method": {k: v for k, v in output.info.items() if k != "twin"},
    }
    if output.twin is not None:
        p_value = mcnemar_p(y_true, y_pred, output.twin)
        twin = f1_scores(y_true, np.asarray(output.twin), len(data.authors))
        details["twin"] = {"name": output.twin_name, "macro_f1": twin["macro_f1"], "accuracy": twin["accuracy"]}
        notes["mcnemar_p"] = f"exact McNemar test against {output.twin_name} (same split, seed), refit inside this method"
    else:
        p_value = math.nan
        notes["mcnemar_p"] = "no twin: only the with-SQ (and FAKE) methods are compared with their without-SQ twin"
    metrics = {
        "macro_f1": scores["macro_f1"],
        "micro_f1": scores["micro_f1"],
        "accuracy": scores["accuracy"],
        "mcnemar_p": p_value,
    }
    return Evaluation(metrics=metrics, notes=notes, details=details)


def confusion(data: LatinData, output: Prediction) -> np.ndarray:
    """Counts (n_authors, n_authors): rows true author, columns predicted author."""
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(data.labels[data.split.test], output.y_pred, labels=np.arange(len(data.authors)))


def figure(data: LatinData, output: Prediction, path: Path) -> None:
    """Row-normalised confusion matrix of the test fragments, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = confusion(data, output)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    n = len(data.authors)
    fig, ax = plt.subplots(figsize=(1.2 * n + 2, 1.1 * n + 1.5))
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(counts[i, j]), ha="center", va="center", color="white" if shares[i, j] > 0.6 else "black")
    ax.set_xticks(range(n), data.authors, rotation=45, ha="right")
    ax.set_yticks(range(n), data.authors)
    ax.set_xlabel("predicted author")
    ax.set_ylabel("true author")
    ax.set_title(f"test fragments, split by {data.split_mode} (counts; colour: share of row)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
