"""Figure of an SBI reference task run: posterior samples against the reference, first observation."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tasks._sbi.data import SBIData

MAX_POINTS = 2000
MAX_PARAMETERS = 4


def figure(data: SBIData, output: dict, path: Path) -> None:
    """Pairs plot (lower triangle) of the method's samples (orange) over the reference (grey)."""
    import matplotlib.pyplot as plt

    samples = np.asarray(output["samples"])[0][:MAX_POINTS]
    reference = None if data.reference_samples is None else data.reference_samples[0][:MAX_POINTS]
    d = min(MAX_PARAMETERS, samples.shape[1])
    fig, axes = plt.subplots(d, d, figsize=(2.2 * d + 1, 2.2 * d + 1), squeeze=False)
    for i in range(d):
        for j in range(d):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                if reference is not None:
                    ax.hist(reference[:, i], bins=40, color="0.6", density=True, label="reference")
                ax.hist(samples[:, i], bins=40, color="tab:orange", alpha=0.6, density=True, label="method")
            else:
                if reference is not None:
                    ax.scatter(reference[:, j], reference[:, i], s=1, color="0.6", alpha=0.4)
                ax.scatter(samples[:, j], samples[:, i], s=1, color="tab:orange", alpha=0.4)
            if i == d - 1:
                ax.set_xlabel(f"theta_{j + 1}")
            if j == 0 and i > 0:
                ax.set_ylabel(f"theta_{i + 1}")
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(f"{data.task} ({data.size}), observation {data.numbers[0]}: method (orange) vs reference (grey)",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
