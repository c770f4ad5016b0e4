"""The pyloric task's methods at smoke size: shapes, support, budget, and NPE against rejection ABC."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from benchmarks.context import make_context
from benchmarks.tasks.pyloric import TASK
from benchmarks.tasks.pyloric.data import load, method_input
from benchmarks.tasks.pyloric.methods import npe, prior, rejection_abc
from benchmarks.tasks.pyloric.metrics import check_output, coverage_error
from benchmarks.tasks.pyloric.prior import LOWER, UPPER


def test_methods_at_smoke_size() -> None:
    data = load("smoke", 0, make_context(TASK, "smoke", 0))
    view = method_input(data)
    before = data.theta_train.copy()
    budget = make_context(TASK, "smoke").budget
    torch_state = torch.random.get_rng_state()
    threads = torch.get_num_threads()
    contexts = {fn: make_context(TASK, "smoke", 0, method=fn.__name__) for fn in (prior, rejection_abc, npe)}
    outputs = {fn.__name__: fn(view, ctx, **ctx.params) for fn, ctx in contexts.items()}
    np.testing.assert_array_equal(data.theta_train, before)
    # NPE seeds and limits torch inside the cell only: the caller's generator and threads are untouched
    assert torch.equal(torch.random.get_rng_state(), torch_state) and torch.get_num_threads() == threads
    for name, out in outputs.items():
        check_output(view, out)  # finite, inside the prior box
        assert out["samples"].shape == (budget.n_posterior_samples, 31), name
        assert out["heldout_samples"].shape == (len(data.theta_heldout), budget.n_heldout_samples, 31), name
    # sbi counts epochs 0 ... max_num_epochs, so a capped run reports max_epochs + 1
    assert 1 <= outputs["npe"]["epochs"] <= budget.max_epochs + 1
    # rejection ABC only ever returns parameters of valid training simulations
    assert np.isin(outputs["rejection_abc"]["samples"][:, 0], data.theta_train[:, 0]).all()
    # with ~20 valid simulations, ABC's handful of accepted points is badly overconfident;
    # NPE spreads its mass and covers the held-out truths far better
    errors = {name: coverage_error(out["heldout_samples"], data.theta_heldout)[0] for name, out in outputs.items()}
    assert errors["npe"] < errors["rejection_abc"], errors
    # the same seed gives the same samples; the epoch cap is the budget parameter's
    again = npe(view, contexts[npe], **contexts[npe].params)
    np.testing.assert_array_equal(again["samples"], outputs["npe"]["samples"])
    capped_ctx = make_context(TASK, "smoke", 0, method="npe", params={"max_epochs": 2})
    capped = npe(view, capped_ctx, **capped_ctx.params)
    assert capped["epochs"] <= 2 + 1


def test_npe_predicts_valid_rhythms_more_often_than_the_prior() -> None:
    """The model against its control on what the paper is about: posterior-predictive simulations that are
    triphasic rhythms. Smoke's 26 valid simulations cannot show it; the first 30,000 rows of the shipped
    bank (~290 valid) can: NPE 9 valid of 100 against the prior's 1 (prior: ~1% of its simulations are valid,
    so 5 or more of 100 by chance has p < 0.01)."""
    from benchmarks.tasks.pyloric.metrics import evaluate

    def context(method=None):
        ctx = make_context(TASK, "smoke", 0, method=method)
        return dataclasses.replace(ctx, budget=dataclasses.replace(ctx.budget, n_simulations=30_000, n_predictive=100,
                                                                   max_epochs=200))

    data = load("smoke", 0, context())
    valid = {}
    for fn in (prior, npe):
        ctx = context(fn.__name__)
        valid[fn.__name__] = evaluate(data, fn(method_input(data), ctx, **ctx.params)).metrics["valid_fraction"]
    assert valid["npe"] >= 0.05 and valid["npe"] >= valid["prior"] + 0.04, valid


@pytest.mark.slow
def test_the_task_keeps_the_contract() -> None:
    """Every method through the runner at smoke size, twice, with its output checked (``check_task``)."""
    from benchmarks.check import check_task

    check_task(TASK)


def test_restricted_rounds_at_smoke_size() -> None:
    """npe_restricted spends its budget's rounds after the bank, records each round's valid
    share, and evaluate shows the last round's share beside the predictive metrics."""
    from benchmarks.tasks.pyloric.methods.restricted import npe_restricted
    from benchmarks.tasks.pyloric.metrics import evaluate

    ctx = make_context(TASK, "smoke", 0, method="npe_restricted")
    # two short rounds: every later round goes through the same code, and the contract test runs the smoke budget
    ctx = dataclasses.replace(ctx, budget=dataclasses.replace(ctx.budget, rounds=(20, 20)))
    data = load("smoke", 0, make_context(TASK, "smoke", 0))
    before = data.theta_invalid.copy()
    out = npe_restricted(method_input(data), ctx, **ctx.params)
    np.testing.assert_array_equal(data.theta_invalid, before)
    budget = ctx.budget
    assert out["samples"].shape == (budget.n_posterior_samples, 31)
    assert out["heldout_samples"].shape == (len(data.theta_heldout), budget.n_heldout_samples, 31)
    assert ((out["samples"] >= LOWER) & (out["samples"] <= UPPER)).all()
    first, *later = out["rounds"]
    assert first["n_simulations"] == 2000 and first["n_valid"] == len(data.theta_train) + len(data.theta_heldout)
    assert [r["n_simulations"] for r in later] == list(budget.rounds)
    for r in later:
        assert r["n_valid"] == round(r["valid_fraction"] * r["n_simulations"])
        assert 0 < r["prior_acceptance"] <= 1 and r["simulation_seconds"] >= 0
    # NPE learns from the valid simulations of every round except the held-out ones
    assert out["n_train_valid"] == len(data.theta_train) + sum(r["n_valid"] for r in later)
    evaluation = evaluate(data, out)
    assert evaluation.metrics["proposal_valid_fraction"] == later[-1]["valid_fraction"]
    assert evaluation.details["rounds"] == out["rounds"]
    n_valid = evaluation.details["n_valid_predictive"]
    low, high = evaluation.details["valid_fraction_ci95"]
    assert low <= n_valid / evaluation.details["n_predictive"] <= high


def test_a_round_without_a_valid_simulation_joins_the_next_rounds_batch() -> None:
    """sbi's classifier refuses a batch without one valid simulation (a restricted round of a few
    hundred can have none): the round waits and is added with the next, nothing is lost."""
    from benchmarks.tasks.pyloric.methods.restricted import _append

    batches = []

    class Recorder:
        def append_simulations(self, theta, x):
            batches.append((len(theta), int((~torch.isnan(x).any(dim=1)).sum())))

    invalid = np.full((3, 18), np.nan)
    held = _append(Recorder(), np.zeros((3, 31)), invalid, None)
    assert held is not None and batches == []
    one_valid = np.concatenate([invalid[:1], np.zeros((1, 18))])
    assert _append(Recorder(), np.ones((2, 31)), one_valid, held) is None
    assert batches == [(5, 1)]


def test_enrichment_of_a_learnable_valid_region() -> None:
    """Valid iff the first parameter lies in the lower quarter of its range: a classifier that
    learns it keeps most valid parameters and enriches towards 4x (the inverse of the share)."""
    from benchmarks.tasks.pyloric.enrichment import enrichment
    from benchmarks.tasks.pyloric.prior import sample_prior

    theta = sample_prior(4000, np.random.default_rng(0))
    valid = theta[:, 0] < LOWER[0] + 0.25 * (UPPER[0] - LOWER[0])
    row = enrichment(theta[:3000], valid[:3000], theta[3000:], valid[3000:], false_negatives=(0.0, 0.1),
                     max_epochs=30)
    assert row["n_train"] == 3000 and row["n_valid"] == int(valid[:3000].sum())
    loose, tight = row["false_negatives=0"], row["false_negatives=0.1"]
    assert loose["valid_kept"] >= tight["valid_kept"] >= 0.8
    assert 2.0 < tight["enrichment"] <= 1 / valid[3000:].mean() + 1e-9
