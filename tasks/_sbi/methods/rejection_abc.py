"""Baseline: rejection ABC, the closest simulations smoothed by a Gaussian KDE (sbibm's REJ-ABC)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from tasks._sbi.data import SBIData
from tasks._sbi.problems import Problem

if TYPE_CHECKING:
    from benchmarks.context import RunContext

ABC_TOP_SAMPLES = 100  # sbibm's rejection ABC keeps the 100 closest simulations
ABC_STREAM = 2  # the random stream version 1 of the tasks drew with


def _kde_resample(accepted: np.ndarray, n: int, problem: Problem, rng: np.random.Generator) -> np.ndarray:
    """n draws from a Gaussian KDE (Scott's bandwidth) of the accepted parameters, kept in the prior's support."""
    from scipy.stats import gaussian_kde

    kde = gaussian_kde(accepted.T)
    out = np.empty((0, accepted.shape[1]))
    for _ in range(100):
        draws = kde.resample(n, seed=rng).T
        out = np.concatenate([out, draws[problem.in_support(draws)]])
        if len(out) >= n:
            return out[:n]
    raise RuntimeError(f"{problem.name}: rejection ABC's KDE puts almost no mass inside the prior")


def rejection_abc(data: SBIData, ctx: RunContext) -> dict:
    """Baseline: per observation, the simulations closest to it (Euclidean distance on x z-scored
    by the simulations' standard deviation), smoothed with a Gaussian KDE to num_samples draws."""
    started = time.perf_counter()
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
    return {"samples": np.stack(samples), "seconds": {"train": 0.0, "sample": time.perf_counter() - started},
            "accepted_per_observation": top}
