"""Model ``npe_restricted``: NPE over rounds from a classifier-restricted prior (Deistler et al. 2022).

Round 1 is the prior bank. Before each later round, sbi's ``RestrictionEstimator`` (a residual
classifier of valid parameters; Deistler's architecture: 80 units, 5 blocks, dropout 0.44,
lr 7.6e-4) is trained on every simulation so far, and the round's parameters are prior draws the
classifier accepts (sbi's ``RestrictedPrior``, rejection sampling). NPE (``methods.fit_npe``) is
then trained once on the valid simulations of all rounds with the ordinary first-round loss.

Why no proposal correction: every proposal here is the prior, or the prior truncated to a region
R (1_R(theta) p(theta) / Z). If R holds the posterior's mass, the mixture of rounds is the prior
times a factor that is constant on R, so maximum likelihood on the pooled pairs still targets
p(theta | x) on R; this is TSNPE (Deistler, Goncalves & Macke, NeurIPS 2022), which sbi's
"API of implemented methods" tutorial runs with ``train(force_first_round_loss=True)`` on
``RestrictedPrior`` proposals (https://sbi-dev.github.io/sbi/latest/tutorials/16_implemented_methods/).
Appending the pairs without a ``proposal`` gives the same loss here. Since the estimate is only
right on R, posterior samples outside the last classifier's region are rejected, as sbi's
``DirectPosterior`` rejects samples outside its prior's support.
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable

import numpy as np

from benchmarks.context import RunContext
from benchmarks.tasks.pyloric import circuit as M
from benchmarks.tasks.pyloric.data import PyloricInput
from benchmarks.tasks.pyloric.methods import bank_round, fit_npe
from benchmarks.tasks.pyloric.prior import LOWER, UPPER, box_uniform

#: Deistler et al. (2022)'s classifier (STG_energy); batch 199 of 29,193 valid there, 100 here.
CLASSIFIER = dict(model="resnet", hidden_features=80, num_blocks=5, dropout_probability=0.44)
LEARNING_RATE = 7.6e-4
BATCH_SIZE = 100
# sbi tunes the acceptance threshold on the first round's validation split; at 1 % valid a
# larger split holds enough valid simulations to set it.
VALIDATION_FRACTION = 0.2
# Each epoch sees every valid simulation and a fresh tenth of the invalid ones (sbi's
# subsample_invalid_sims): 3.6x faster on 20,000 bank rows, and enriches as much or more
# (``python -m benchmarks.tasks.pyloric.enrichment``), since 99 % of the rows are invalid and alike.
INVALID_SHARE = 0.1
SIMULATION_CHUNK = 100  # simulations per progress step
MAX_DRAW_BATCHES = 50  # posterior draws tried per sample before giving up on the region


def train_classifier(estimator, max_epochs: int, batch_size: int = BATCH_SIZE,
                     invalid_share: float = INVALID_SHARE) -> None:
    """Train sbi's ``RestrictionEstimator`` on its simulations as this method does (also what
    ``enrichment`` measures)."""
    with contextlib.redirect_stdout(io.StringIO()):  # sbi prints every epoch
        estimator.train(training_batch_size=batch_size, learning_rate=LEARNING_RATE,
                        validation_fraction=VALIDATION_FRACTION, max_num_epochs=max_epochs,
                        loss_importance_weights=True,  # balance 1 % valid against 99 % invalid
                        subsample_invalid_sims=invalid_share)


def _classifier_region(estimator, ctx: RunContext, false_negatives: float):
    """Train the classifier on every round so far; its ``RestrictedPrior`` (sbi's
    ``allowed_false_negatives``), or None when the first round's validation split holds no valid
    simulation (sbi cannot set a threshold)."""
    train_classifier(estimator, ctx.budget.classifier_epochs)
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            return estimator.restrict_prior(allowed_false_negatives=false_negatives)
        except (RuntimeError, IndexError):  # torch.max of no valid validation outputs
            return None


def _append(estimator, theta: np.ndarray, x: np.ndarray, held: tuple | None) -> tuple | None:
    """Add a round's simulations to the classifier's data. sbi refuses a batch without one valid
    simulation, so such a round is held (returned) and goes in with the next round's batch."""
    import torch

    if held is not None:
        theta, x = np.concatenate([held[0], theta]), np.concatenate([held[1], x])
    if np.isnan(x).any(axis=1).all():
        return theta, x
    estimator.append_simulations(torch.as_tensor(theta, dtype=torch.float32), torch.as_tensor(x, dtype=torch.float32))
    return None


def _simulate_round(theta: np.ndarray, r: int, ctx: RunContext) -> np.ndarray:
    """Statistics (n, 18) of round r's parameters, noise seeds from the cell's stream (21, r)."""
    from benchmarks.tasks.pyloric.simulator import simulate

    seeds = ctx.rng(21, r).integers(0, 2**32, size=len(theta), dtype=np.int64)
    stats = np.empty((len(theta), M.N_STATS))
    starts = range(0, len(theta), SIMULATION_CHUNK)
    for start in ctx.track(starts, f"pyloric round {r} ({len(theta)} simulations)"):
        stop = start + SIMULATION_CHUNK
        stats[start:stop] = simulate(theta[start:stop], seeds[start:stop], n_threads=ctx.threads).stats
    return stats


def _restricted_draw(draw: Callable[[np.ndarray, int], np.ndarray], region) -> Callable:
    """draw(x, n) limited to the support of ``region`` (a ``RestrictedPrior``); returns (samples, the
    share of posterior draws inside the region). Falls back to unrestricted draws for the rest
    when fewer than n fall inside after ``MAX_DRAW_BATCHES`` batches (the share says so)."""
    import torch

    def restricted(x: np.ndarray, n: int) -> tuple[np.ndarray, float]:
        kept, tried, inside = [], 0, 0
        while inside < n and tried < MAX_DRAW_BATCHES * n:
            theta = draw(x, 2 * n)
            tried += len(theta)
            log_prob = region.log_prob(torch.as_tensor(theta, dtype=torch.float32), norm_restricted_prior=False)
            ok = torch.isfinite(log_prob).cpu().numpy()
            kept.append(theta[ok])
            inside += int(ok.sum())
        samples = np.concatenate(kept)[:n]
        if len(samples) < n:
            samples = np.concatenate([samples, draw(x, n - len(samples))])
        return samples, inside / tried

    return restricted


def npe_restricted(data: PyloricInput, ctx: RunContext, *, hidden_features: int, max_epochs: int,
                   false_negatives: float) -> dict:
    """Model: rounds from a classifier-restricted prior, then NPE on every valid simulation.

    Spends ``ctx.budget.rounds`` simulations in the rounds after the bank; the classifier trains
    at most ``ctx.budget.classifier_epochs`` epochs per round; parameter ``false_negatives`` sets
    how tight the region is (sbi's ``allowed_false_negatives``); ``hidden_features`` and
    ``max_epochs`` are NPE's (``methods.npe``). Output as ``methods.npe``, with
    ``rounds`` (per round: proposal, simulations, valid count and share, acceptance of the
    restricted prior, wall seconds simulating) and ``region_acceptance`` (share of posterior draws
    given x_o in the region).
    """
    from sbi.utils import RestrictionEstimator

    budget = ctx.budget
    rounds = [bank_round(data)]
    with ctx.torch_seeded(threads=1):
        estimator = RestrictionEstimator(box_uniform(), **CLASSIFIER)
        # The held-out valid simulations stay out of training, the classifier's included.
        theta_r = np.concatenate([data.theta_train, data.theta_invalid])
        x_r = np.concatenate([data.x_train, data.x_invalid])
        theta_valid, x_valid = [data.theta_train], [data.x_train]
        region, held = None, None
        for r, n in enumerate(budget.rounds, start=2):
            with ctx.phase("classifier"):
                held = _append(estimator, theta_r, x_r, held)
                if held is None:  # else nothing new to learn from: the region stays
                    region = _classifier_region(estimator, ctx, false_negatives)
                if region is None:
                    theta_r = np.random.default_rng(ctx.seed_for(22, r)).uniform(LOWER, UPPER, (n, M.N_PARAMETERS))
                    acceptance = 1.0
                else:
                    theta_r = region.sample((n,), save_acceptance_rate=True, print_rejected_frac=False).numpy()
                    acceptance = float(region.acceptance_rate)
                theta_r = np.clip(theta_r.astype(np.float64), LOWER, UPPER)  # float32 rounding at the box
            started = time.perf_counter()
            with ctx.phase("simulate"):
                x_r = _simulate_round(theta_r, r, ctx)
            seconds = time.perf_counter() - started
            valid = ~np.isnan(x_r).any(axis=1)
            theta_valid.append(theta_r[valid])
            x_valid.append(x_r[valid])
            rounds.append({"proposal": "prior" if region is None else "restricted prior", "n_simulations": n,
                           "n_valid": int(valid.sum()), "valid_fraction": float(valid.mean()) if n else float("nan"),
                           "prior_acceptance": acceptance, "simulation_seconds": round(seconds, 1)})
        if budget.rounds:  # the region that bounds the posterior learns from the last round too
            with ctx.phase("classifier"):
                if _append(estimator, theta_r, x_r, held) is None:
                    region = _classifier_region(estimator, ctx, false_negatives)
        with ctx.phase("train"):
            draw, epochs = fit_npe(np.concatenate(theta_valid), np.concatenate(x_valid), ctx,
                                   hidden_features=hidden_features, max_epochs=max_epochs)
        if region is not None:
            restricted = _restricted_draw(draw, region)
        else:
            restricted = lambda x, n: (draw(x, n), 1.0)  # noqa: E731
        with ctx.phase("sample"):
            samples, inside = restricted(data.x_o, budget.n_posterior_samples)
            heldout = np.stack([restricted(x, budget.n_heldout_samples)[0] for x in data.x_heldout])
    return {"samples": samples, "heldout_samples": heldout, "epochs": epochs, "rounds": rounds,
            "n_train_valid": int(sum(len(t) for t in theta_valid)), "region_acceptance": inside}
