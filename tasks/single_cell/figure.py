"""The task's figure: the embedding, coloured by cell type, with the metric values in the title."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.tasks.single_cell.data import SingleCellData
from benchmarks.tasks.single_cell.metrics import check_embedding, evaluate

MAX_LEGEND = 20
#: the metrics in the title (all twelve would not fit on a line)
TITLE_METRICS = ("knn", "knc", "cpd", "trustworthiness", "density_preservation")


def figure(data: SingleCellData, output: np.ndarray, path: Path) -> None:
    """Write a PNG scatter plot of the embedding ``output`` (n_cells, 2) to ``path``."""
    import matplotlib.pyplot as plt  # the backend is the runner's choice

    Z = check_embedding(data, output)
    scores = evaluate(data, output).metrics
    title = "  ".join(f"{name} {scores[name]:.3f}" for name in TITLE_METRICS)
    size = float(np.clip(2e4 / data.n_cells, 0.2, 12))
    fig, ax = plt.subplots(figsize=(7, 6.5), dpi=120)
    if data.labels is None:
        ax.scatter(Z[:, 0], Z[:, 1], s=size, c="0.3", linewidths=0, rasterized=True)
    else:
        cmap = plt.get_cmap("tab20" if len(data.label_names) > 10 else "tab10")
        colours = cmap(np.asarray(data.labels) % cmap.N)
        ax.scatter(Z[:, 0], Z[:, 1], s=size, c=colours, linewidths=0, rasterized=True)
        if len(data.label_names) <= MAX_LEGEND:
            for code, name in enumerate(data.label_names):
                ax.scatter([], [], s=20, color=cmap(code % cmap.N), label=name)
            ax.legend(fontsize=6, markerscale=1, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    ax.set_title(f"{data.source}\n{title}", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal", adjustable="datalim")
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
