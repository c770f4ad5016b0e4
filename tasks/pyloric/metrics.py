"""Metrics of the pyloric task, on fresh simulations of posterior samples.

Every method's first m samples are simulated with the same noise seeds (``data.predictive_seeds``),
so differences between methods come from the parameters alone.

- ``valid_fraction``: share of predictive simulations with every statistic defined (triphasic).
- ``close_fraction``: share "close to x_o" by Deistler et al. (2022)'s ``check_if_close_to_obs``:
  |x_i - x_o,i| < c_i sigma_i for the 15 non-plateau statistics (c = 0.02 for the cycle period and
  the three burst durations, 0.2 for the rest), all three plateaus exactly 2.5 ms (none), at least
  8 bursts in every neuron, no NaN. sigma: standard deviations of valid prior simulations, the
  estimate in ``mackelab/npe-pfn`` (Deistler's own values were not retrievable).
- ``median_distance``: median, over valid predictive simulations, of the Euclidean distance to x_o
  of the 15 non-plateau statistics divided by sigma.
- ``calibration_error``: largest gap between nominal and empirical coverage of central marginal
  credible intervals (levels 0.05...0.95) over held-out simulated observations and parameters.
- ``proposal_valid_fraction``: valid share of the method's last round of simulations (its
  ``rounds``; the prior bank for single-round methods and the prior control): what restricting
  the prior buys. Every round is in the details.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from benchmarks.task import Evaluation
from benchmarks.tasks.pyloric import circuit as M
from benchmarks.tasks.pyloric.data import PyloricData, PyloricInput, method_input
from benchmarks.tasks.pyloric.prior import check_parameters

#: Standard deviations of valid prior simulations, statistics 0-14 (npe-pfn's estimate).
SIGMA = np.array([1012.1, 712.85, 652.46, 512.49, 0.3038, 0.3697, 0.2824, 0.1926, 0.2091,
                  806.6, 600.93, 383.83, 694.02, 0.1677, 0.3535])
TOLERANCE = np.array([0.02] * 4 + [0.2] * 11)
MIN_BURSTS = 8
NO_PLATEAU = 2.5  # ms
LEVELS = np.linspace(0.05, 0.95, 19)


def close_to_observation(stats: np.ndarray, counts: np.ndarray, x_o: np.ndarray) -> np.ndarray:
    """Deistler et al. (2022)'s criterion for each simulation: stats (n, 18), counts (n, 7)
    (``statistics.COUNT_NAMES``: spikes x3, bursts x3, triphasic), x_o (18,) -> (n,) bool."""
    with np.errstate(invalid="ignore"):
        within = (np.abs(stats[:, :15] - x_o[:15]) < TOLERANCE * SIGMA).all(axis=1)
    no_plateau = (stats[:, 15:] == NO_PLATEAU).all(axis=1)
    bursts = (counts[:, 3:6] >= MIN_BURSTS).all(axis=1)
    return within & no_plateau & bursts & ~np.isnan(stats).any(axis=1)


def z_distance(stats: np.ndarray, x_o: np.ndarray) -> np.ndarray:
    """Euclidean distance of statistics 0-14 to x_o in units of SIGMA: (n, 18) -> (n,)."""
    return np.linalg.norm((stats[:, :15] - x_o[:15]) / SIGMA, axis=1)


def coverage_error(samples: np.ndarray, truths: np.ndarray, levels: np.ndarray = LEVELS) -> tuple[float, list]:
    """Largest |empirical - nominal| coverage of central marginal intervals.

    samples (k, m, d): posterior samples for k observations; truths (k, d): the parameters that
    produced them. Returns (error, empirical coverage per level).
    """
    ranks = (samples < truths[:, None, :]).mean(axis=1)  # (k, d): position of the truth in [0, 1]
    inside = np.abs(ranks - 0.5)[None] <= levels[:, None, None] / 2
    coverage = inside.mean(axis=(1, 2))
    return float(np.max(np.abs(coverage - levels))), coverage.tolist()


def proportion_interval(k: int, n: int, level: float = 0.95) -> list[float]:
    """Clopper-Pearson interval of a proportion k / n (exact: right for counts near 0 or n)."""
    from scipy.stats import binomtest

    if n == 0:
        return [0.0, 1.0]
    ci = binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
    return [float(ci.low), float(ci.high)]


def posterior_predictive(data: PyloricData, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Statistics (m, 18) and counts (m, 7) of the first m samples (``check_output`` asks for m), with the
    shared noise seeds."""
    from benchmarks.tasks.pyloric.simulator import simulate

    m = len(data.predictive_seeds)
    sims = simulate(samples[:m], data.predictive_seeds)
    return sims.stats, sims.counts


def check_output(data: PyloricInput, output: Any) -> None:
    """ValueError naming what is wrong with a method's output (the task's ``Output``): a dict whose
    ``samples`` are (n, 31) with n >= ``data.n_predictive`` and ``heldout_samples`` (k, m, 31), k the
    held-out observations, m >= 1; all finite and inside the prior box (``prior.check_parameters``,
    what the simulator accepts)."""
    if not isinstance(output, Mapping):
        raise ValueError(f"pyloric: a method returns a dict with 'samples' and 'heldout_samples', "
                         f"got {type(output).__name__}")
    missing = [key for key in ("samples", "heldout_samples") if key not in output]
    if missing:
        raise ValueError(f"pyloric: the output has no {missing} (keys: {sorted(output)})")
    d, k = M.N_PARAMETERS, len(data.x_heldout)
    shape = np.shape(output["samples"])
    if len(shape) != 2 or shape[0] < data.n_predictive or shape[1] != d:
        raise ValueError(f"pyloric: output['samples'] must have shape (n, {d}) with n >= {data.n_predictive} "
                         f"(the predictive check's simulations), got {shape}")
    shape = np.shape(output["heldout_samples"])
    if len(shape) != 3 or shape[0] != k or shape[1] < 1 or shape[2] != d:
        raise ValueError(f"pyloric: output['heldout_samples'] must have shape ({k}, m, {d}), m >= 1 samples for "
                         f"each of the {k} held-out observations, got {shape}")
    for key in ("samples", "heldout_samples"):
        try:
            check_parameters(np.reshape(output[key], (-1, d)))
        except ValueError as error:
            raise ValueError(f"pyloric: output[{key!r}]: {error}") from None


def evaluate(data: PyloricData, output: dict) -> Evaluation:
    """The four metrics of one method's ``output`` (``check_output``); simulates the predictive
    check (0.2 core-s per sample). No per-item outcomes: see ``pairs`` in the task's ``__init__``."""
    check_output(method_input(data), output)
    samples = np.asarray(output["samples"], dtype=np.float64)
    heldout = np.asarray(output["heldout_samples"], dtype=np.float64)
    stats, counts = posterior_predictive(data, samples)
    valid = ~np.isnan(stats).any(axis=1)
    close = close_to_observation(stats, counts, data.x_o)
    calibration, coverage = coverage_error(heldout, data.theta_heldout)
    rounds = list(output.get("rounds", []))
    metrics = {"close_fraction": float(close.mean()), "valid_fraction": float(valid.mean()),
               "calibration_error": calibration,
               "proposal_valid_fraction": float(rounds[-1]["valid_fraction"]) if rounds else float("nan")}
    notes = {}
    if not rounds:
        notes["proposal_valid_fraction"] = "the output lists no rounds of simulations"
    if valid.any():
        metrics["median_distance"] = float(np.median(z_distance(stats[valid], data.x_o)))
    else:
        metrics["median_distance"] = float("nan")
        notes["median_distance"] = f"none of the {len(valid)} predictive simulations is valid"
    details = {"n_predictive": int(len(valid)), "n_valid_predictive": int(valid.sum()), "n_close": int(close.sum()),
               "valid_fraction_ci95": proportion_interval(int(valid.sum()), len(valid)),
               "close_fraction_ci95": proportion_interval(int(close.sum()), len(close)),
               "coverage": coverage, "levels": LEVELS.tolist(), "n_heldout": int(len(data.theta_heldout)),
               "n_train_valid": int(output.get("n_train_valid", len(data.theta_train))), "n_simulations": data.n_simulations,
               "rounds": rounds}
    return Evaluation(metrics=metrics, notes=notes, details=details)
