"""``figure(data, output, path)``: test frames with labelled (circles) and predicted (crosses) points."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.tasks.pose.data import PoseData
from benchmarks.tasks.pose.prediction import PosePrediction


def figure(data: PoseData, output: PosePrediction, path: Path, n_frames: int = 6) -> None:
    """Write a PNG of up to ``n_frames`` test frames (evenly spread over the test set)."""
    import matplotlib.pyplot as plt

    chosen = data.test[np.linspace(0, len(data.test) - 1, min(n_frames, len(data.test))).astype(int)]
    columns = min(3, len(chosen))
    rows = int(np.ceil(len(chosen) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3.2 * rows), squeeze=False)
    colours = plt.get_cmap("jet")(np.linspace(0, 1, len(data.frames.bodyparts)))
    for ax, i in zip(axes.flat, chosen):
        image = data.frames.images[i]
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=255)
        labelled, predicted = data.frames.keypoints[i], output.points[i]
        for k, part in enumerate(data.frames.bodyparts):
            ax.scatter(*labelled[k], s=40, facecolors="none", edgecolors=[colours[k]], linewidths=1.5)
            ax.scatter(*predicted[k], s=40, marker="x", c=[colours[k]], label=part)
        ax.set_title(data.frames.paths[i].split("/", 1)[-1], fontsize=8)
        ax.axis("off")
    for ax in axes.flat[len(chosen):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6, loc="lower left", ncol=2)
    fig.suptitle("labelled (o) and predicted (x) body parts on test frames", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
