"""Neural posterior estimation: single round amortised over the observations (NPE), and sequential
per observation (SNPE-C / APT, as sbibm's SNPE)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from benchmarks.tasks._sbi.data import SBIInput
from benchmarks.tasks._sbi.methods.common import (THREADS, epochs_trained, new_inference, quiet_nflows,
                                                  sample_each, tensor, to_numpy, train)

if TYPE_CHECKING:
    from benchmarks.context import RunContext

SNPE_STREAM = "snpe"
SNPE_ATOMS = 10  # sbibm's atomic (APT) loss: 10 atoms per sample
MIN_SIMULATIONS_PER_ROUND = 10


def _nsf() -> object:
    """The benchmark's posterior flow: neural spline flow, 5 transforms of 50 hidden units, z-scored theta and x."""
    from sbi.neural_nets import posterior_nn

    return posterior_nn("nsf", hidden_features=50, num_transforms=5)


def npe(data: SBIInput, ctx: RunContext, *, max_epochs: int) -> dict:
    """Model: single-round NPE (sbi ``NPE``, neural spline flow: 5 transforms, 50 hidden units,
    z-scored theta and x, as the benchmark's NPE), amortised over the observations; at most
    ``max_epochs`` epochs."""
    from sbi.inference import NPE

    with ctx.torch_seeded(threads=THREADS):
        with ctx.phase("train"):
            inference = new_inference(NPE, ctx, data.problem.torch_prior(ctx.device), density_estimator=_nsf())
            inference.append_simulations(tensor(data.theta), tensor(data.x))
            posterior = inference.build_posterior(train(inference, max_epochs))
        with ctx.phase("sample"):
            samples = sample_each(posterior, data, ctx, "NPE")
    epochs = epochs_trained(inference)
    return {"samples": samples, "epochs": epochs[-1] if epochs else -1}


def snpe(data: SBIInput, ctx: RunContext, *, max_epochs: int) -> dict:
    """Model: sequential NPE (SNPE-C / APT, sbi ``NPE_C``) run for each observation on its own, as sbibm's SNPE.

    The budget's simulations (``len(data.theta)``, per observation) are split over
    ``ctx.budget.snpe_rounds`` rounds: round 1 takes the first share of the cell's prior simulations,
    each later round draws its parameters from the current posterior given the observation and
    simulates them. Neural spline flow (5 transforms, 50 hidden units), atomic loss with 10 atoms,
    training continued across rounds on all simulations so far, at most ``max_epochs``
    epochs per round. Not amortised: k observations cost k runs.
    """
    rounds = ctx.budget.snpe_rounds
    per_round = len(data.theta) // rounds
    if per_round < MIN_SIMULATIONS_PER_ROUND:
        raise ValueError(f"snpe: {len(data.theta)} simulations over {rounds} rounds leave {per_round} a round; "
                         f"it needs at least {MIN_SIMULATIONS_PER_ROUND} (raise num_simulations)")
    samples, epochs = [], []
    for k, x_o in enumerate(ctx.track(data.observations, f"SNPE: {rounds} rounds per observation")):
        with ctx.torch_seeded(SNPE_STREAM, k, threads=THREADS), quiet_nflows():
            posterior, inference = _snpe_rounds(data, ctx, x_o, per_round, max_epochs, ctx.rng(SNPE_STREAM, k))
            with ctx.phase("sample"):
                samples.append(to_numpy(posterior.sample((ctx.budget.num_samples,), show_progress_bars=False)))
        epochs.append(epochs_trained(inference))
    return {"samples": np.stack(samples), "epochs_per_round": epochs,
            "simulations_per_observation": per_round * rounds}


def _snpe_rounds(data: SBIInput, ctx: RunContext, x_o: np.ndarray, per_round: int, max_epochs: int,
                 rng: np.random.Generator) -> tuple:
    """The rounds of one observation; returns the last posterior (default x set to x_o) and the trainer."""
    from sbi.inference import NPE_C

    prior = data.problem.torch_prior(ctx.device)
    inference = new_inference(NPE_C, ctx, prior, density_estimator=_nsf())
    proposal = prior
    for round_ in range(ctx.budget.snpe_rounds):
        with ctx.phase("simulate"):
            if round_ == 0:  # from the prior: the cell's own prior simulations
                theta, x = data.theta[:per_round], data.x[:per_round]
            else:
                theta = to_numpy(proposal.sample((per_round,), show_progress_bars=False))
                x = data.problem.simulate(theta, rng)
        with ctx.phase("train"):
            inference.append_simulations(tensor(theta), tensor(x), proposal=proposal)
            estimator = train(inference, max_epochs, num_atoms=SNPE_ATOMS, retrain_from_scratch=False,
                              discard_prior_samples=False, use_combined_loss=False)
            proposal = inference.build_posterior(estimator).set_default_x(tensor(x_o, ctx.device))
    return proposal, inference
