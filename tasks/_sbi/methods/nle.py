"""Neural likelihood estimation (NLE; Papamakarios et al. 2019), single round, sampled by MCMC."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchmarks.tasks._sbi.data import SBIInput
from benchmarks.tasks._sbi.methods.common import THREADS, epochs_trained, new_inference, tensor, train
from benchmarks.tasks._sbi.methods.mcmc import mcmc_settings, sample_mcmc

if TYPE_CHECKING:
    from benchmarks.context import RunContext

NLE_STREAM = "nle"


def nle(data: SBIInput, ctx: RunContext, *, max_epochs: int) -> dict:
    """Model: sbi ``NLE`` with sbibm's likelihood estimator (masked autoregressive flow, 5 transforms
    of 50 hidden units, z-scored theta and x), trained on the cell's simulations for at most
    ``max_epochs`` epochs; the posterior (likelihood x prior) is sampled by slice
    sampling for all observations together (``mcmc``). Amortised in training, not in sampling."""
    from sbi.inference import NLE
    from sbi.neural_nets import likelihood_nn

    with ctx.torch_seeded(NLE_STREAM, threads=THREADS):
        with ctx.phase("train"):
            inference = new_inference(NLE, ctx, data.problem.torch_prior(ctx.device),
                                      density_estimator=likelihood_nn("maf", hidden_features=50, num_transforms=5))
            inference.append_simulations(tensor(data.theta), tensor(data.x))
            estimator = train(inference, max_epochs)
        with ctx.phase("sample"):
            samples = sample_mcmc(inference, estimator, data, ctx, NLE_STREAM)
    return {"samples": samples, "epochs": (epochs_trained(inference) or [-1])[-1],
            "mcmc": mcmc_settings(ctx)}
