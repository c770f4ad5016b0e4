"""Flow-matching posterior estimation (FMPE; Dax et al. 2023), single round, amortised over the observations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchmarks.tasks._sbi.data import SBIInput
from benchmarks.tasks._sbi.methods.common import THREADS, epochs_trained, new_inference, sample_each, tensor, train

if TYPE_CHECKING:
    from benchmarks.context import RunContext

FMPE_STREAM = "fmpe"


def fmpe(data: SBIInput, ctx: RunContext, *, max_epochs: int) -> dict:
    """Model: sbi ``FMPE`` with its default vector field (MLP of 5 layers x 100 units, time embedding,
    z-scored theta and x), trained by flow matching on the cell's simulations for at most
    ``max_epochs`` epochs; samples solve the probability-flow ODE (zuko's adaptive
    solver, sbi's tolerances) and draws outside the prior are rejected."""
    from sbi.inference import FMPE

    with ctx.torch_seeded(FMPE_STREAM, threads=THREADS):
        with ctx.phase("train"):
            inference = new_inference(FMPE, ctx, data.problem.torch_prior(ctx.device), vf_estimator="mlp")
            inference.append_simulations(tensor(data.theta), tensor(data.x))
            posterior = inference.build_posterior(train(inference, max_epochs), sample_with="ode")
        with ctx.phase("sample"):
            samples = sample_each(posterior, data, ctx, "FMPE")
    return {"samples": samples, "epochs": (epochs_trained(inference) or [-1])[-1]}
