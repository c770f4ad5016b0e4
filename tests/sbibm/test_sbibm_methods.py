"""The sbi methods users compare (FMPE, NPSE, SNPE, NLE, NRE) on tiny budgets: shape, support,
determinism in the seed, global state left alone, and better than the prior."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from sbibm_env import use_mirror

from benchmarks.context import make_context
from benchmarks.task import resolve
from benchmarks.tasks._sbi.data import load, method_input
from benchmarks.tasks._sbi.methods.prior import prior
from benchmarks.tasks._sbi.metrics import evaluate
from benchmarks.tasks.gaussian_linear import TASK as GAUSSIAN_LINEAR
from benchmarks.tasks.slcp import TASK as SLCP
from benchmarks.tasks.two_moons import TASK as TWO_MOONS

NEW_METHODS = ("fmpe", "npse", "snpe", "nle", "nre")
# A pipeline's worth of budget: a few epochs, 100 draws, 2 rounds, 10 short chains.
TINY = {"num_samples": 100, "snpe_rounds": 2, "mcmc_chains": 10, "mcmc_warmup": 5}


def _data(task, options):
    return load("smoke", 0, make_context(task, "smoke", 0, options))


def _run(task, method, data, options, seed=0, max_epochs=3, **budget):
    return _run_timed(task, method, data, options, seed, max_epochs, **budget)[0]


def _run_timed(task, method, data, options, seed=0, max_epochs=3, **budget):
    """The method's output on what the runner hands it (``method_input``), and the phases it timed with ``ctx.phase``."""
    ctx = make_context(task, "smoke", seed, options, method=method, threads=2)
    ctx = dataclasses.replace(ctx, budget=dataclasses.replace(ctx.budget, **budget))
    return resolve(task.method(method).fn)(method_input(data), ctx, max_epochs=max_epochs), ctx.phases


def test_the_task_lists_the_families_and_keeps_the_slow_ones_out_of_default() -> None:
    methods = {m.name: m for m in TWO_MOONS.methods}
    assert set(NEW_METHODS) <= set(methods) and all(methods[m].kind.value == "model" for m in NEW_METHODS)
    slow = ("snpe", "nle", "nre", "npse")
    assert not any(methods[m].runs_at("default") for m in slow)
    assert all(methods[m].runs_at(size) for m in slow for size in ("smoke", "1k", "10k", "100k", "full"))
    assert all(methods[m].runs_at("default") for m in ("prior", "rejection_abc", "npe", "fmpe"))
    # the epoch cap is each neural method's own parameter (the size's by default), no task option
    assert all([(p.name, p.budget) for p in methods[m].params] == [("max_epochs", True)] for m in NEW_METHODS + ("npe",))
    assert "max_epochs" not in {option.name for option in TWO_MOONS.options}


@pytest.mark.parametrize("method", NEW_METHODS)
def test_tiny_run_is_shaped_in_support_seeded_and_leaves_global_state(method, monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    options = {"num_simulations": 200}
    data = _data(TWO_MOONS, options)
    threads, torch_state, numpy_state = torch.get_num_threads(), torch.get_rng_state(), np.random.get_state()
    first, phases = _run_timed(TWO_MOONS, method, data, options, **TINY)
    assert torch.get_num_threads() == threads and torch.equal(torch.get_rng_state(), torch_state)
    assert all(np.array_equal(a, b) for a, b in zip(np.random.get_state(), numpy_state))  # MCMC draws from np.random
    samples = first["samples"]
    assert samples.shape == (1, 100, 2) and samples.dtype == np.float64 and np.isfinite(samples).all()
    assert data.problem.in_support(samples[0]).all()  # two_moons' prior is the box [-1, 1]^2
    assert set(phases) >= {"train", "sample"} and all(phases[p].wall_s > 0 for p in ("train", "sample"))
    again = _run(TWO_MOONS, method, data, options, **TINY)
    np.testing.assert_array_equal(first["samples"], again["samples"])
    other = _run(TWO_MOONS, method, data, options, seed=1, **TINY)
    assert not np.array_equal(first["samples"], other["samples"])


def test_snpe_simulates_its_rounds_and_refuses_too_few_simulations(monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    options = {"num_simulations": 200}
    data = _data(TWO_MOONS, options)
    output = _run(TWO_MOONS, "snpe", data, options, max_epochs=2, **TINY)
    assert output["simulations_per_observation"] == 200 and len(output["epochs_per_round"][0]) == 2
    with pytest.raises(ValueError, match="num_simulations"):
        _run(TWO_MOONS, "snpe", data, options, max_epochs=2, **{**TINY, "snpe_rounds": 50})


# Each method on the task where a few seconds of training already separate it from the prior:
# the vector-field methods on gaussian_linear (prior C2ST 0.93), the others on two_moons (0.89).
# SNPE's atomic loss costs most per epoch: fewer simulations and epochs, over 2 rounds.
# slcp's smoke (500 simulations) separates nothing; on 3,000 and 100 epochs (20 s) NPE reaches
# 0.875-0.896 against the prior's 0.957-0.964 (seeds 0-2).
BEATS_PRIOR = [("fmpe", GAUSSIAN_LINEAR, {}, {}), ("npse", GAUSSIAN_LINEAR, {}, {}), ("nre", TWO_MOONS, {}, {}),
               ("nle", TWO_MOONS, {}, {}),
               ("snpe", TWO_MOONS, {"num_simulations": 500}, {"max_epochs": 20, "snpe_rounds": 2}),
               ("npe", SLCP, {"num_simulations": 3000}, {"max_epochs": 100})]


@pytest.mark.parametrize("method, task, smaller, budget", BEATS_PRIOR,
                         ids=[f"{case[0]}-{case[1].name}" for case in BEATS_PRIOR])
def test_beats_the_prior_on_a_small_budget(method, task, smaller, budget, monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    options = {"num_simulations": 1000, **smaller}
    data = _data(task, options)
    ctx = make_context(task, "smoke", 0, options, method="prior")
    control = evaluate(data, prior(method_input(data), ctx)).metrics["c2st"]
    score = evaluate(data, _run(task, method, data, options, **{"max_epochs": 50, **budget})).metrics["c2st"]
    print(f"{method}: C2ST {score:.3f}, prior {control:.3f}")  # shown with -s or on failure
    assert score < control - 0.05, (method, score, control)
