"""Methods of the pyloric task: prior (control), rejection ABC (baseline), NPE (model); the
restricted-prior rounds of Deistler et al. (2022) are in ``methods.restricted``.

Each is ``fn(data, ctx, **params)``, ``data`` the ``data.PyloricInput`` view, and returns
``{"samples": (n, 31) posterior samples given x_o, "heldout_samples": (k, m, 31) samples given
each held-out simulated observation, ...}``;
n and m are the size's budget (``ctx.budget.n_posterior_samples``, ``n_heldout_samples``). Phases are
timed with ``ctx.phase`` (``train``, ``sample``; the restricted rounds also ``classifier``, ``simulate``).

Invalid simulations are dropped before training (as Goncalves et al. 2020 and Deistler et al.
2022 did for their first round). For single-round NPE from the prior this is exact: validity is
a function of x, and x_o is valid, so p(theta | x_o) = p(theta | x_o, valid) is what a density
estimator trained on valid pairs learns. Deistler's restriction classifier only makes later
rounds cheaper (fewer invalid simulations); with one round from the prior it changes nothing.
Every output carries ``rounds``: per round of simulations, its proposal, size and valid share.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from benchmarks.context import RunContext
from benchmarks.tasks.pyloric.data import PyloricInput
from benchmarks.tasks.pyloric.prior import LOWER, UPPER, sample_prior

ABC_FRACTION = 0.1  # keep the closest 10 % of the valid simulations
_EPS = 1e-6  # keeps logit finite for draws at a bound of the box


def prior(data: PyloricInput, ctx: RunContext) -> dict:
    """Control: prior draws, for x_o and for every held-out observation."""
    rng = ctx.rng(11)  # stream 11: the same draws as runs recorded before contract v2
    samples = sample_prior(ctx.budget.n_posterior_samples, rng)
    heldout = np.stack([sample_prior(ctx.budget.n_heldout_samples, rng) for _ in data.x_heldout])
    # its proposal is the prior itself, whose valid share the bank measures
    return {"samples": samples, "heldout_samples": heldout, "rounds": [bank_round(data)]}


def rejection_abc(data: PyloricInput, ctx: RunContext) -> dict:
    """Baseline: the closest 10 % of the valid training simulations (Euclidean distance of
    statistics z-scored by their mean and standard deviation), resampled with replacement."""
    rng = ctx.rng(12)  # stream 12: the same draws as runs recorded before contract v2
    mean, std = data.x_train.mean(axis=0), data.x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    z = (data.x_train - mean) / std
    keep = max(2, int(round(ABC_FRACTION * len(z))))

    def accept(x: np.ndarray, n: int) -> np.ndarray:
        distance = np.linalg.norm(z - (x - mean) / std, axis=1)
        closest = np.argsort(distance, kind="stable")[:keep]
        return data.theta_train[rng.choice(closest, size=n)]

    samples = accept(data.x_o, ctx.budget.n_posterior_samples)
    heldout = np.stack([accept(x, ctx.budget.n_heldout_samples) for x in data.x_heldout])
    return {"samples": samples, "heldout_samples": heldout, "accepted": keep, "rounds": [bank_round(data)]}


def to_unbounded(theta: np.ndarray) -> np.ndarray:
    """Map the prior box to R^31 (logit of the position in the box), so the flow needs no
    rejection of samples outside the prior (31 bounded dimensions leak badly)."""
    u = np.clip((theta - LOWER) / (UPPER - LOWER), _EPS, 1 - _EPS)
    return np.log(u) - np.log1p(-u)


def from_unbounded(z: np.ndarray) -> np.ndarray:
    return LOWER + (UPPER - LOWER) / (1.0 + np.exp(-z))


def fit_npe(theta: np.ndarray, x: np.ndarray, ctx: RunContext, *, hidden_features: int,
            max_epochs: int) -> tuple[Callable[[np.ndarray, int], np.ndarray], int]:
    """Train sbi's ``NPE`` (neural spline flow of ``hidden_features`` units, statistics z-scored,
    parameters in logit space of the prior box) on valid pairs theta (n, 31), x (n, 18), at most
    ``max_epochs`` epochs, inside the caller's ``ctx.torch_seeded``. Returns (draw(x, n) -> (n, 31)
    parameters, epochs trained).

    Trained with the first-round (maximum-likelihood) loss: right for prior draws, and for draws
    of a prior truncated to a region that holds the posterior's mass (see ``restricted``)."""
    import torch
    from sbi.inference import NPE
    from sbi.neural_nets import posterior_nn

    from benchmarks.tasks._sbi.tracker import NullTracker

    device = ctx.device
    builder = posterior_nn("nsf", hidden_features=hidden_features, num_transforms=5,
                           z_score_theta="independent", z_score_x="independent")
    # prior=None: an improper prior on R^31, so sampling never rejects; u is unbounded.
    inference = NPE(prior=None, density_estimator=builder, device=str(device), show_progress_bars=False,
                    tracker=NullTracker())
    u = torch.as_tensor(to_unbounded(theta), dtype=torch.float32)
    estimator = inference.append_simulations(u, torch.as_tensor(x, dtype=torch.float32)).train(
        max_num_epochs=max_epochs, show_train_summary=False, validation_fraction=0.15)
    posterior = inference.build_posterior(estimator)

    def draw(x_o: np.ndarray, n: int) -> np.ndarray:
        z = posterior.sample((n,), x=torch.as_tensor(x_o, dtype=torch.float32, device=device),
                             show_progress_bars=False)
        return from_unbounded(z.detach().cpu().numpy().astype(np.float64))

    return draw, int(inference.summary["epochs_trained"][-1])


def npe(data: PyloricInput, ctx: RunContext, *, hidden_features: int, max_epochs: int) -> dict:
    """Model: single-round NPE (``fit_npe``) on the valid training simulations of the bank.
    Single-round NPE learns p(u | x) from joint draws (u = logit(theta)), so mapping its samples
    back gives draws of p(theta | x) with no prior or Jacobian correction. Parameters: at most
    ``max_epochs`` epochs (the size's budget), ``hidden_features`` units (50; Deistler et al. used
    200 units and 10 transforms on 438,608 valid simulations, too large for a few hundred)."""
    # sbi draws from torch's global generator, hence torch_seeded. One intra-op thread: flows of
    # 50-200 units gain nothing from more, and on a shared CPU two threads made one NSF training
    # step 13x slower (0.37 s instead of 0.028 s, measured on this project's 2-core machine).
    with ctx.torch_seeded(threads=1):
        with ctx.phase("train"):
            draw, epochs = fit_npe(data.theta_train, data.x_train, ctx, hidden_features=hidden_features,
                                   max_epochs=max_epochs)
        with ctx.phase("sample"):
            samples = draw(data.x_o, ctx.budget.n_posterior_samples)
            heldout = np.stack([draw(x, ctx.budget.n_heldout_samples) for x in data.x_heldout])
    return {"samples": samples, "heldout_samples": heldout, "epochs": epochs, "rounds": [bank_round(data)]}


def bank_round(data: PyloricInput) -> dict:
    """Round 1 of every method: the prior bank, its size and how many of it are valid."""
    n_valid = len(data.theta_train) + len(data.x_heldout)
    return {"proposal": "prior", "n_simulations": int(data.n_simulations), "n_valid": int(n_valid),
            "valid_fraction": n_valid / data.n_simulations}
