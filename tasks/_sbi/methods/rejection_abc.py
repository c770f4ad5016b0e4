"""Baseline: rejection ABC, the closest simulations smoothed by a Gaussian KDE (sbibm's REJ-ABC: 100 closest,
kernel width by cross-validation; sbibm fits the KDE in an unconstrained parameter space, this one in the
prior's and drops draws outside its support)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from benchmarks.tasks._sbi.data import SBIInput
from benchmarks.tasks._sbi.problems import Problem

if TYPE_CHECKING:
    from benchmarks.context import RunContext

ABC_TOP_SAMPLES = 100  # sbibm's rejection ABC keeps the 100 closest simulations
ABC_STREAM = 2  # the random stream version 1 of the tasks drew with


#: sbibm's "cv" bandwidth search: a grid of this many widths between these multiples of the samples'
#: standard deviation (all coordinates pooled), scored by this many folds, narrowed at most this many times
BANDWIDTH_GRID, BANDWIDTH_RANGE, BANDWIDTH_FOLDS, BANDWIDTH_ROUNDS = 10, (0.1, 0.5), 20, 5
BANDWIDTH_TOLERANCE = 1e-3  # stop narrowing once the best held-out log-likelihood moves less than this


def _held_out_log_likelihood(samples: np.ndarray, widths: np.ndarray, folds: int) -> np.ndarray:
    """For each kernel width, the mean over ``folds`` contiguous folds (scikit-learn's ``KFold``) of
    the summed log-density of a fold's samples under a Gaussian KDE of the others: what
    ``GridSearchCV(KernelDensity(), cv=folds)`` scores, from one matrix of squared distances."""
    from scipy.special import logsumexp
    from sklearn.model_selection import KFold

    n, dim = samples.shape
    squared = np.sum((samples[:, None, :] - samples[None, :, :]) ** 2, axis=-1)
    widths = np.asarray(widths, dtype=np.float64)[:, None, None]
    scores = np.zeros(len(widths))
    for train, test in KFold(folds).split(samples):
        block = squared[np.ix_(test, train)][None] / (2 * widths**2)
        log_density = (logsumexp(-block, axis=2) - np.log(len(train))
                       - 0.5 * dim * np.log(2 * np.pi * widths[:, :, 0] ** 2))
        scores += log_density.sum(axis=1)
    return scores / folds


def cv_bandwidth(accepted: np.ndarray) -> float:
    """The width of one isotropic Gaussian kernel for ``accepted`` (n, d), chosen as sbibm's REJ-ABC
    chooses it: the best mean held-out log-likelihood of a 20-fold split over a grid, the grid then
    narrowed to lie between the best and second-best widths (or re-centred on the best where it
    lies on the grid's edge) while the best score still moves."""
    spread = float(accepted.std())
    if spread == 0:
        raise ValueError("rejection ABC: the accepted parameters are all equal; no kernel width fits them")
    lower, upper = BANDWIDTH_RANGE[0] * spread, BANDWIDTH_RANGE[1] * spread
    folds = min(BANDWIDTH_FOLDS, len(accepted))
    best_score, best = -np.inf, lower
    for _ in range(BANDWIDTH_ROUNDS):
        grid = np.linspace(lower, upper, BANDWIDTH_GRID)
        scores = _held_out_log_likelihood(accepted, grid, folds)
        ranked = np.argsort(-scores, kind="stable")
        moved = abs(scores[ranked[0]] - best_score) > BANDWIDTH_TOLERANCE
        if scores[ranked[0]] > best_score:
            best_score, best = float(scores[ranked[0]]), float(grid[ranked[0]])
        if not moved:
            break
        if ranked[0] in (0, len(grid) - 1):  # on the edge: the same width of grid, centred on the best
            half = (upper - lower) / 2
            lower, upper = max(best - half, 1e-3 * spread), best + half
        else:
            lower, upper = sorted((float(grid[ranked[0]]), float(grid[ranked[1]])))
    return best


def _kde_resample(accepted: np.ndarray, n: int, problem: Problem, rng: np.random.Generator) -> np.ndarray:
    """n draws from a Gaussian KDE of the accepted parameters (sbibm's cross-validated width), kept
    in the prior's support."""
    from sklearn.neighbors import KernelDensity

    kde = KernelDensity(kernel="gaussian", bandwidth=cv_bandwidth(accepted)).fit(accepted)
    out = np.empty((0, accepted.shape[1]))
    for _ in range(100):
        draws = kde.sample(n, random_state=int(rng.integers(2**31 - 1)))
        out = np.concatenate([out, draws[problem.in_support(draws)]])
        if len(out) >= n:
            return out[:n]
    raise RuntimeError(f"{problem.name}: rejection ABC's KDE puts almost no mass inside the prior")


def rejection_abc(data: SBIInput, ctx: RunContext) -> dict:
    """Baseline: per observation, the simulations closest to it (Euclidean distance on x z-scored
    by the simulations' standard deviation), smoothed with a Gaussian KDE to num_samples draws."""
    rng = ctx.rng(ABC_STREAM)
    top = min(ABC_TOP_SAMPLES, max(10, len(data.x) // 10))
    scale = data.x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    z = data.x / scale
    samples = []
    for x_o in data.observations:
        distance = np.linalg.norm(z - x_o / scale, axis=1)
        closest = np.argsort(distance, kind="stable")[:top]
        samples.append(_kde_resample(data.theta[closest], ctx.budget.num_samples, data.problem, rng))
    return {"samples": np.stack(samples),
            "accepted_per_observation": top}
