"""Neural posterior score estimation (NPSE; Geffner et al. 2023, Sharrock et al. 2024), single round,
amortised over the observations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchmarks.tasks._sbi.data import SBIInput
from benchmarks.tasks._sbi.methods.common import THREADS, epochs_trained, new_inference, sample_each, tensor, train

if TYPE_CHECKING:
    from benchmarks.context import RunContext

NPSE_STREAM = "npse"
SDE_TYPE = "ve"  # sbi's default: variance exploding
SDE_STEPS = 500  # sbi's default number of Euler-Maruyama steps of the reverse SDE


def npse(data: SBIInput, ctx: RunContext, *, max_epochs: int) -> dict:
    """Model: sbi ``NPSE`` with its default score network (MLP of 5 layers x 100 units, time
    embedding, z-scored theta and x) on a variance-exploding SDE, trained by denoising score
    matching for at most ``max_epochs`` epochs; samples integrate the reverse SDE
    (Euler-Maruyama, 500 steps) and draws outside the prior are rejected. Sampling dominates the
    cell's time: 500 network passes per draw, whatever the simulation budget."""
    from sbi.inference import NPSE

    with ctx.torch_seeded(NPSE_STREAM, threads=THREADS):
        with ctx.phase("train"):
            inference = new_inference(NPSE, ctx, data.problem.torch_prior(ctx.device), vf_estimator="mlp",
                                      sde_type=SDE_TYPE)
            inference.append_simulations(tensor(data.theta), tensor(data.x))
            posterior = inference.build_posterior(train(inference, max_epochs), sample_with="sde")
        with ctx.phase("sample"):
            samples = sample_each(posterior, data, ctx, "NPSE", steps=SDE_STEPS)
    return {"samples": samples, "epochs": (epochs_trained(inference) or [-1])[-1]}
