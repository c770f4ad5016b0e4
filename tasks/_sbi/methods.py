"""Methods of the SBI reference tasks: prior (control), rejection ABC (baseline), NPE (model).

Each is ``fn(data, ctx)`` and returns ``{"samples": (k, num_samples, dim_theta) float64,
"seconds": {...}}``: ``ctx.budget.num_samples`` posterior samples for each of the k observations
of the data, and where the time went.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from tasks._sbi.data import SBIData
from tasks._sbi.problems import Problem
from tasks._sbi.tracker import NullTracker

if TYPE_CHECKING:
    from benchmarks.context import RunContext

ABC_TOP_SAMPLES = 100  # sbibm's rejection ABC keeps the 100 closest simulations
# Random streams of the methods (the numbers version 1 of the tasks drew with).
PRIOR_STREAM, ABC_STREAM = 1, 2
# One intra-op thread for NPE: flows of 50-200 units gain nothing from more, and on a shared CPU
# two threads made one NSF training step 13x slower (0.37 s instead of 0.028 s, measured here).
NPE_THREADS = 1


def prior(data: SBIData, ctx: RunContext) -> dict:
    """Control: prior draws as posterior samples, the same for every observation."""
    started = time.perf_counter()
    rng = ctx.rng(PRIOR_STREAM)
    samples = np.stack([data.problem.sample_prior(ctx.budget.num_samples, rng) for _ in data.observations])
    return {"samples": samples, "seconds": {"train": 0.0, "sample": time.perf_counter() - started}}


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


def npe(data: SBIData, ctx: RunContext) -> dict:
    """Model: single-round NPE (sbi ``NPE``, neural spline flow: 5 transforms, 50 hidden units,
    z-scored theta and x, as the benchmark's NPE), amortised over the observations; at most
    ``ctx.budget.max_epochs`` epochs."""
    import torch
    from sbi.inference import NPE
    from sbi.neural_nets import posterior_nn

    device = ctx.device
    with ctx.torch_seeded(threads=NPE_THREADS):
        started = time.perf_counter()
        builder = posterior_nn("nsf", hidden_features=50, num_transforms=5)
        inference = NPE(prior=data.problem.torch_prior(device), density_estimator=builder,
                        device=str(device), show_progress_bars=False, tracker=NullTracker())
        theta = torch.as_tensor(data.theta, dtype=torch.float32)
        x = torch.as_tensor(data.x, dtype=torch.float32)
        estimator = inference.append_simulations(theta, x).train(
            max_num_epochs=ctx.budget.max_epochs, show_train_summary=False)
        posterior = inference.build_posterior(estimator)
        trained = time.perf_counter()
        samples = []
        for x_o in ctx.track(data.observations, "NPE: sampling per observation"):
            draws = posterior.sample((ctx.budget.num_samples,),
                                     x=torch.as_tensor(x_o, dtype=torch.float32, device=device),
                                     show_progress_bars=False)
            samples.append(draws.detach().cpu().numpy().astype(np.float64))
        sampled = time.perf_counter()
    epochs = int(inference.summary["epochs_trained"][-1]) if inference.summary.get("epochs_trained") else -1
    return {"samples": np.stack(samples),
            "seconds": {"train": trained - started, "sample": sampled - trained},
            "epochs": epochs}
