"""Figure of an SBI reference task run: the method's posterior samples and the reference, first observation.

Each 2-D panel shows the method's samples as points and the reference posterior as contour lines
of its density (the regions holding 50 % and 90 % of the reference samples), so both stay visible
where they overlap; the diagonal shows both marginals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.tasks._sbi.data import SBIData

MAX_POINTS = 2000
MAX_PARAMETERS = 4
MASS_LEVELS = (0.9, 0.5)  # contour lines enclosing these shares of the reference samples
GRID = 60


def density_levels(density: np.ndarray, masses: tuple[float, ...] = MASS_LEVELS) -> list[float]:
    """Density values whose upper level sets hold ``masses`` of the total (ascending, as contour wants)."""
    ordered = np.sort(density.ravel())[::-1]
    cumulative = np.cumsum(ordered) / ordered.sum()
    return sorted({float(ordered[min(np.searchsorted(cumulative, mass), len(ordered) - 1)]) for mass in masses})


def _reference_contours(ax, x: np.ndarray, y: np.ndarray) -> None:
    from scipy.ndimage import gaussian_filter

    counts, x_edges, y_edges = np.histogram2d(x, y, bins=GRID)
    density = gaussian_filter(counts.T, 1.5)
    if density.sum() <= 0:
        return
    centres_x, centres_y = (x_edges[:-1] + x_edges[1:]) / 2, (y_edges[:-1] + y_edges[1:]) / 2
    levels = density_levels(density)
    if len(levels) == len(set(levels)) and levels[0] < density.max():
        ax.contour(centres_x, centres_y, density, levels=levels, colors="k", linewidths=0.9)


def figure(data: SBIData, output: dict, path: Path) -> None:
    """Pairs plot (lower triangle): the method's samples (orange points, histograms) and the reference
    posterior (black contour lines of 50 % and 90 % mass, grey histograms)."""
    import matplotlib.pyplot as plt

    samples = np.asarray(output["samples"])[0]
    reference = None if data.reference_samples is None else data.reference_samples[0]
    shown = samples[:MAX_POINTS]
    d = min(MAX_PARAMETERS, samples.shape[1])
    fig, axes = plt.subplots(d, d, figsize=(2.2 * d + 1, 2.2 * d + 1), squeeze=False)
    for i in range(d):
        for j in range(d):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                bins = np.histogram_bin_edges(np.concatenate([samples[:, i], *([] if reference is None else [reference[:, i]])]), 40)
                if reference is not None:
                    ax.hist(reference[:, i], bins=bins, color="0.55", density=True, histtype="stepfilled", alpha=0.6,
                            label="reference")
                ax.hist(samples[:, i], bins=bins, color="tab:orange", density=True, histtype="step", linewidth=1.4,
                        label="method")
            else:
                ax.scatter(shown[:, j], shown[:, i], s=1, color="tab:orange", alpha=0.35, rasterized=True)
                if reference is not None:
                    _reference_contours(ax, reference[:, j], reference[:, i])
            if i == d - 1:
                ax.set_xlabel(f"theta_{j + 1}")
            if j == 0 and i > 0:
                ax.set_ylabel(f"theta_{i + 1}")
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(f"{data.task} ({data.size}), observation {data.numbers[0]}\nmethod: orange; reference: grey, "
                 "black lines around 50 % and 90 % of its mass", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
