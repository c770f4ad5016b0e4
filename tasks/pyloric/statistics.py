"""The 18 summary statistics of the pyloric rhythm, jit-compiled (numba), one simulation at a time.

Definitions follow the mackelab ``pyloric`` package (Prinz et al. 2004 burst analysis as used by
Goncalves et al. 2020 and Deistler et al. 2022), including its quirks, so that the numbers agree:

- V is smoothed with a Savitzky-Golay filter (21 samples, order 3, scipy's ``mode='interp'``);
- a spike is a local maximum of the smoothed V above -10 mV; spike j is timed at j * dt, i.e.
  one sample early, with time 0 at the end of the burn-in;
- an inter-spike interval >= 150 ms starts a new burst; bursts lasting <= 40 ms are dropped;
- cycle period T = mean difference of AB/PD burst starts (needs >= 2 AB/PD bursts);
- triphasic: >= 90 % of AB/PD periods [start_k, start_k+1) hold exactly one burst start of every
  neuron; otherwise the phase statistics (indices 7-14) are NaN;
- plateau: per burst, the longest run of smoothed V > -30 mV on every 10th sample from the burst
  start to the next burst start (the last burst: to the last spike), counted only when the run
  is followed by a sample below; mean over bursts, raised to 100 samples when below 200,
  times dt (so 2.5 ms means no plateau); NaN when the neuron has no burst.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from benchmarks.tasks.pyloric import _jit_cache  # noqa: F401  (drops stale numba caches)
from scipy.signal import savgol_coeffs

from benchmarks.tasks.pyloric import circuit as M

_JIT = dict(cache=True, error_model="numpy")

SPIKE_THRESHOLD = -10.0  # mV
IBI_THRESHOLD = 150.0  # ms
MIN_BURST_LENGTH = 40.0  # ms
TRIPHASIC_FRACTION = 0.9
PLATEAU_THRESHOLD = -30.0  # mV
PLATEAU_STEP = 10  # samples
SAVGOL_WINDOW = int(0.5 / M.DT) + 1  # 21 samples
SAVGOL_ORDER = 3

#: Extra per-simulation counts returned beside the statistics.
COUNT_NAMES = (
    "num_spikes_ABPD",
    "num_spikes_LP",
    "num_spikes_PY",
    "num_bursts_ABPD",
    "num_bursts_LP",
    "num_bursts_PY",
    "triphasic",
)
N_COUNTS = len(COUNT_NAMES)


def savgol_operators() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Savitzky-Golay weights: interior (21,), head (10, 21) and tail (10, 21) edge fits.

    Row p of ``head`` evaluates at sample p the cubic fitted to the first 21 samples (scipy's
    ``mode='interp'``); ``tail`` does the same for the last 10 samples.
    """
    w, half = SAVGOL_WINDOW, SAVGOL_WINDOW // 2
    interior = savgol_coeffs(w, SAVGOL_ORDER, use="dot")
    head = np.stack([savgol_coeffs(w, SAVGOL_ORDER, pos=p, use="dot") for p in range(half)])
    tail = np.stack(
        [savgol_coeffs(w, SAVGOL_ORDER, pos=p, use="dot") for p in range(w - half, w)]
    )
    return interior, head, tail


SAVGOL_INTERIOR, SAVGOL_HEAD, SAVGOL_TAIL = savgol_operators()


@numba.njit(**_JIT)
def smooth(v: np.ndarray, interior: np.ndarray, head: np.ndarray, tail: np.ndarray,
           out: np.ndarray) -> None:
    """Savitzky-Golay smoothing of v (n,) into out (n,), n >= 21."""
    n = v.shape[0]
    w = interior.shape[0]
    half = w // 2
    for j in range(half, n - half):
        acc = 0.0
        for k in range(w):
            acc += interior[k] * v[j - half + k]
        out[j] = acc
    for p in range(half):
        a = 0.0
        b = 0.0
        for k in range(w):
            a += head[p, k] * v[k]
            b += tail[p, k] * v[n - w + k]
        out[p] = a
        out[n - half + p] = b


@numba.njit(**_JIT)
def _neuron_bursts(sv: np.ndarray, dt: float, spikes: np.ndarray, starts: np.ndarray,
                   ends: np.ndarray, start_idx: np.ndarray) -> tuple[int, int, float, float]:
    """Spikes and bursts of one smoothed trace sv (n,).

    Fills spikes (sample indices), starts/ends (burst times, ms) and start_idx (burst start
    sample). Returns (num_spikes, num_bursts, mean burst duration ms, plateau duration ms).
    """
    n = sv.shape[0]
    ns = 0
    for j in range(n - 2):
        if sv[j + 1] > SPIKE_THRESHOLD and sv[j + 1] - sv[j] >= 0.0 and sv[j + 2] - sv[j + 1] <= 0.0:
            spikes[ns] = j
            ns += 1
    if ns == 0:
        return 0, 0, math.nan, math.nan

    nb = 0
    total_length = 0.0
    first = 0
    for k in range(ns):
        if k == ns - 1 or spikes[k + 1] * dt - spikes[k] * dt >= IBI_THRESHOLD:
            t0 = spikes[first] * dt
            t1 = spikes[k] * dt
            if t1 - t0 > MIN_BURST_LENGTH:
                starts[nb] = t0
                ends[nb] = t1
                start_idx[nb] = spikes[first]
                total_length += t1 - t0
                nb += 1
            first = k + 1
    if nb == 0:
        return ns, 0, math.nan, math.nan

    longest_sum = 0.0
    for r in range(nb):
        stop = start_idx[r + 1] if r < nb - 1 else spikes[ns - 1]
        longest = 0
        current = 0
        for j in range(start_idx[r], stop, PLATEAU_STEP):
            if sv[j] > PLATEAU_THRESHOLD:
                current += 1
            else:
                # a run still open at the window's end is not counted (as in the reference)
                longest = max(longest, current)
                current = 0
        longest_sum += longest * PLATEAU_STEP
    plateau = longest_sum / nb
    if plateau < 200.0:
        plateau = 100.0
    return ns, nb, total_length / nb, plateau * dt


@numba.njit(**_JIT)
def summary_statistics(v: np.ndarray, dt: float, stats: np.ndarray, counts: np.ndarray,
                       interior: np.ndarray, head: np.ndarray, tail: np.ndarray) -> None:
    """The 18 statistics of voltage traces v (3, n) in mV after burn-in, sampled every dt ms.

    Writes stats (18,) in ``circuit.STAT_NAMES`` order (NaN where undefined) and counts (7,) in
    ``COUNT_NAMES`` order.
    """
    n = v.shape[1]
    max_bursts = int(n * dt / IBI_THRESHOLD) + 2
    sv = np.empty(n)
    spikes = np.empty(n, dtype=np.int64)  # a flat stretch above -10 mV counts every sample
    starts = np.empty((3, max_bursts))
    ends = np.empty((3, max_bursts))
    start_idx = np.empty(max_bursts, dtype=np.int64)
    nbs = np.zeros(3, dtype=np.int64)
    for q in range(18):
        stats[q] = math.nan

    for c in range(3):
        smooth(v[c], interior, head, tail, sv)
        ns, nb, duration, plateau = _neuron_bursts(sv, dt, spikes, starts[c], ends[c], start_idx)
        nbs[c] = nb
        counts[c] = ns
        counts[3 + c] = nb
        stats[1 + c] = duration
        stats[15 + c] = plateau
    counts[6] = 0

    if nbs[0] < 2:
        return
    period = 0.0
    for k in range(nbs[0] - 1):
        period += starts[0, k + 1] - starts[0, k]
    period /= nbs[0] - 1
    stats[0] = period
    for c in range(3):
        stats[4 + c] = stats[1 + c] / period

    # Triphasic periods: each neuron starts exactly one burst in [start_k, start_k+1).
    n_tri = 0
    s2s_lp = s2s_py = s2s_lp_py = e2s_pd_lp = e2s_lp_py = 0.0
    for k in range(nbs[0] - 1):
        pst = starts[0, k]
        pet = starts[0, k + 1]
        ok = True
        sel = np.zeros(3, dtype=np.int64)
        for c in range(3):
            found = 0
            for b in range(nbs[c]):
                if pst <= starts[c, b] and starts[c, b] < pet:
                    found += 1
                    sel[c] = b
            if found != 1:
                ok = False
                break
        if ok:
            n_tri += 1
            st_pd, st_lp, st_py = starts[0, sel[0]], starts[1, sel[1]], starts[2, sel[2]]
            s2s_lp += st_lp - st_pd
            s2s_py += st_py - st_pd
            s2s_lp_py += st_py - st_lp
            e2s_pd_lp += st_lp - ends[0, sel[0]]
            e2s_lp_py += st_py - ends[1, sel[1]]
    if n_tri / (nbs[0] - 1) < TRIPHASIC_FRACTION:
        return
    counts[6] = 1
    stats[7] = (s2s_lp / n_tri) / period
    stats[8] = (s2s_py / n_tri) / period
    stats[9] = s2s_lp / n_tri
    stats[10] = s2s_lp_py / n_tri
    stats[11] = e2s_pd_lp / n_tri
    stats[12] = e2s_lp_py / n_tri
    stats[13] = stats[11] / period
    stats[14] = stats[12] / period


def compute_statistics(v: np.ndarray, dt: float = M.DT) -> tuple[np.ndarray, np.ndarray]:
    """Statistics of one post-burn-in voltage recording v (3, n) mV; returns (stats (18,), counts (7,))."""
    v = np.ascontiguousarray(v, dtype=np.float64)
    if v.ndim != 2 or v.shape[0] != 3 or v.shape[1] < SAVGOL_WINDOW:
        raise ValueError(f"voltage must have shape (3, n >= {SAVGOL_WINDOW}), got {v.shape}")
    stats = np.empty(M.N_STATS)
    counts = np.empty(N_COUNTS, dtype=np.int64)
    summary_statistics(v, dt, stats, counts, SAVGOL_INTERIOR, SAVGOL_HEAD, SAVGOL_TAIL)
    return stats, counts
