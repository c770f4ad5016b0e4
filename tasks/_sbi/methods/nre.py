"""Neural ratio estimation (NRE-B / SRE; Durkan et al. 2020, as sbibm's NRE), single round, sampled by MCMC."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchmarks.tasks._sbi.data import SBIInput
from benchmarks.tasks._sbi.methods.common import THREADS, epochs_trained, new_inference, tensor, train
from benchmarks.tasks._sbi.methods.mcmc import mcmc_settings, sample_mcmc

if TYPE_CHECKING:
    from benchmarks.context import RunContext

NRE_STREAM = "nre"
NRE_ATOMS = 10  # sbibm's NRE: contrastive classification among 10 parameters per x


def nre(data: SBIInput, ctx: RunContext, *, max_epochs: int) -> dict:
    """Model: sbi ``NRE_B`` with sbibm's classifier (residual network of 50 hidden units, z-scored
    theta and x, 10 atoms), trained on the cell's simulations for at most ``max_epochs``
    epochs; the posterior (ratio x prior) is sampled by slice sampling for all observations
    together (``mcmc``)."""
    from sbi.inference import NRE_B
    from sbi.neural_nets import classifier_nn

    with ctx.torch_seeded(NRE_STREAM, threads=THREADS):
        with ctx.phase("train"):
            inference = new_inference(NRE_B, ctx, data.problem.torch_prior(ctx.device),
                                      classifier=classifier_nn("resnet", hidden_features=50))
            inference.append_simulations(tensor(data.theta), tensor(data.x))
            estimator = train(inference, max_epochs, num_atoms=NRE_ATOMS)
        with ctx.phase("sample"):
            samples = sample_mcmc(inference, estimator, data, ctx, NRE_STREAM)
    return {"samples": samples, "epochs": (epochs_trained(inference) or [-1])[-1],
            "mcmc": mcmc_settings(ctx)}
