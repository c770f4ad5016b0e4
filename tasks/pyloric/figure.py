"""Figure of a pyloric run: posterior marginals of four parameters, and a posterior-predictive
trace beside the observed rhythm (drawn from x_o's burst timing: the recording itself is
extracellular and not part of the data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.tasks.pyloric import circuit as M
from benchmarks.tasks.pyloric.data import PyloricData
from benchmarks.tasks.pyloric.prior import LOWER, UPPER

#: Parameters shown: AB/PD's calcium and KCa conductances, LP's CaS, and the LP->PD synapse.
SHOWN = ("AB/PD_CaT", "AB/PD_KCa", "LP_CaS", "Synapses_LP-PD")
TRACE_MS = 3000.0


def _observed_bursts(x_o: np.ndarray) -> list[tuple[float, float]]:
    """(start, duration) in ms of the AB/PD, LP and PY bursts of one observed cycle."""
    period = x_o[0]
    durations = x_o[1:4]
    starts = [0.0, x_o[7] * period, x_o[8] * period]
    return list(zip(starts, durations))


def figure(data: PyloricData, output: dict, path: Path) -> None:
    """Write the figure of one run's ``output`` to ``path`` (PNG)."""
    import matplotlib.pyplot as plt

    from benchmarks.tasks.pyloric.simulator import simulate_voltage

    samples = np.asarray(output["samples"])
    index = [M.PARAMETER_NAMES.index(name) for name in SHOWN]
    d = len(index)
    fig = plt.figure(figsize=(11, 6.5))
    grid = fig.add_gridspec(d, d + 3)
    for i in range(d):
        for j in range(i + 1):
            ax = fig.add_subplot(grid[i, j])
            a, b = index[j], index[i]
            if i == j:
                ax.hist(samples[:, a], bins=30, range=(LOWER[a], UPPER[a]), color="tab:blue")
                ax.set_yticks([])
            else:
                ax.scatter(samples[:, a], samples[:, b], s=2, alpha=0.3)
                ax.set_xlim(LOWER[a], UPPER[a])
                ax.set_ylim(LOWER[b], UPPER[b])
            if i == d - 1:
                ax.set_xlabel(SHOWN[j], fontsize=7)
            if j == 0 and i > 0:
                ax.set_ylabel(SHOWN[i], fontsize=7)
            ax.tick_params(labelsize=6)
    # Posterior-predictive trace of the first sample, with the shared first noise seed.
    t, v = simulate_voltage(samples[0], int(data.predictive_seeds[0]), t_max=M.T_BURN_IN + TRACE_MS,
                            record_every=0.5)
    keep = t >= M.T_BURN_IN
    # Align the observed schedule to the trace's first AB/PD spike (the phase is arbitrary).
    spiking = np.flatnonzero(v[0, keep] > -10.0)
    offset = float(t[keep][spiking[0]] - M.T_BURN_IN) if len(spiking) else 0.0
    for k, neuron in enumerate(M.NEURONS):
        ax = fig.add_subplot(grid[k, d:])
        ax.plot(t[keep] - M.T_BURN_IN, v[k, keep], lw=0.5, color="k")
        ax.set_ylabel(f"{neuron} (mV)", fontsize=7)
        start, duration = _observed_bursts(data.x_o)[k]
        for cycle in np.arange(offset - data.x_o[0], TRACE_MS, data.x_o[0]):
            ax.axvspan(cycle + start, cycle + start + duration, color="tab:orange", alpha=0.3, lw=0)
        ax.tick_params(labelsize=6)
        ax.set_xlim(0, TRACE_MS)
    ax.set_xlabel("time after burn-in (ms); orange: observed bursts (x_o timing, aligned to the first AB/PD spike)", fontsize=7)
    fig.suptitle(f"pyloric ({data.size}): posterior marginals and a posterior-predictive trace", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
