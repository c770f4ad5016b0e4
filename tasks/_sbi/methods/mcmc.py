"""Posterior samples of NLE and NRE: sbi's vectorised slice sampler, all observations in one batch.

The choice: sbibm sampled NLE and NRE with slice sampling (``slice_np_vectorized``, 100 chains,
SIR initialisation); we keep the sampler, the 100 chains per observation and SIR, and take sbi's
default thinning (none; sbibm thinned by 10). On two_moons at 1k, thinning by 10 took 3.7x longer
(284 s vs 77 s for 10 x 10,000 draws) for the same C2ST within its noise (0.621 vs 0.629 on four
observations, measured here). Rejection sampling is exact but hopeless where the posterior is a
small part of the prior (slcp, gaussian_linear: acceptance below 1e-3), and importance resampling
from the prior is biased for the same reason; MCMC is the one sbi sampler that is sound on all three.

Cost: before the warmup, sbi's sampler tunes its bracket widths over 50 more steps per chain, and each
step of slice sampling advances every chain through a Python state machine, one dimension at a time.
The time grows with chains x steps x dim_theta: at 1k, sampling took 72-98 s on two_moons (2-D) and
445-494 s on gaussian_linear (10-D) for 10 x 10,000 draws, on a shared 2-core machine (load 2-5).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from benchmarks.tasks._sbi.data import SBIInput
from benchmarks.tasks._sbi.methods.common import numpy_global_seeded, tensor, to_numpy

if TYPE_CHECKING:
    from benchmarks.context import RunContext

MCMC_METHOD = "slice_np_vectorized"
SIR_CANDIDATES = 1000  # prior draws weighed per chain to pick its start (sbi's documented default)


def mcmc_settings(ctx: RunContext) -> dict:
    """The sampler's settings at this size, for the record."""
    budget = ctx.budget
    return {"method": MCMC_METHOD, "chains_per_observation": budget.mcmc_chains, "warmup_steps": budget.mcmc_warmup,
            "thin": budget.mcmc_thin, "init": f"sir from {SIR_CANDIDATES} prior draws per chain"}


def sample_mcmc(inference: Any, estimator: Any, data: SBIInput, ctx: RunContext, stream: str) -> np.ndarray:
    """``ctx.budget.num_samples`` MCMC draws of the posterior of ``estimator`` (a likelihood or ratio
    estimator trained by ``inference``) for each observation of ``data``: (k, num_samples, dim_theta).

    The chains of all observations advance together (sbi's ``sample_batched``), so each network call
    serves k x ``mcmc_chains`` points. The sampler runs in sbi's unconstrained space of theta, so
    its draws stay inside a bounded prior.
    """
    from sbi.inference.posteriors import MCMCPosteriorParameters

    budget = ctx.budget
    parameters = MCMCPosteriorParameters(method=MCMC_METHOD, num_chains=budget.mcmc_chains, thin=budget.mcmc_thin,
                                         warmup_steps=budget.mcmc_warmup, init_strategy="sir",
                                         init_strategy_parameters={"num_candidate_samples": SIR_CANDIDATES})
    posterior = inference.build_posterior(estimator, sample_with="mcmc", posterior_parameters=parameters)
    with numpy_global_seeded(ctx, stream, "mcmc"), warnings.catch_warnings():
        # sbi warns that many batched chains are slow; batching them is what makes them affordable
        warnings.filterwarnings("ignore", message="Note that for batched sampling")
        draws = posterior.sample_batched((budget.num_samples,), x=tensor(data.observations, ctx.device),
                                         show_progress_bars=False)
    return to_numpy(draws).transpose(1, 0, 2)  # (num_samples, k, dim) -> (k, num_samples, dim)
