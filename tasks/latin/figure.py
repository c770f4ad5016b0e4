"""figure(): the confusion matrix of one method's test predictions."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.tasks.latin.data import LatinData
from benchmarks.tasks.latin.metrics import Prediction, as_prediction


def confusion(data: LatinData, output: Prediction) -> np.ndarray:
    """Counts (n_authors, n_authors): rows true author, columns predicted author."""
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(data.labels[data.split.test], as_prediction(output).y_pred,
                            labels=np.arange(len(data.authors)))


def figure(data: LatinData, output: Prediction, path: Path) -> None:
    """Row-normalised confusion matrix of the test fragments, as a PNG at ``path``."""
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
