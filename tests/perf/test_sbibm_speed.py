"""Hot paths of the SBI reference tasks and the pyloric task's method side, at smoke size:
the benchmark's C2ST (the evaluation's cost), rejection ABC, and an NPE training epoch budget."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from benchmarks.tasks._sbi.c2st import c2st
from benchmarks.tasks._sbi.problems import PROBLEMS
from benchmarks.tasks.pyloric.metrics import coverage_error


@pytest.fixture(scope="module")
def moons():
    problem = PROBLEMS["two_moons"]
    rng = np.random.default_rng(0)
    theta = problem.sample_prior(1000, rng)
    return theta, problem.simulate(theta, rng)


def test_c2st_1000_samples(benchmark) -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(1000, 2)), rng.normal(size=(1000, 2)) + 0.3
    score = benchmark.pedantic(c2st, args=(x, y), kwargs={"max_iter": 100}, rounds=1, iterations=1)
    assert 0.5 < score < 0.7


def test_two_moons_simulator_10k(benchmark) -> None:
    problem = PROBLEMS["two_moons"]
    theta = problem.sample_prior(10_000, np.random.default_rng(0))
    x = benchmark(problem.simulate, theta, np.random.default_rng(1))
    assert x.shape == (10_000, 2)


def test_npe_training_step(benchmark, moons) -> None:
    from sbi.neural_nets import posterior_nn

    from benchmarks.context import make_context
    from benchmarks.tasks._sbi.methods import NPE_THREADS
    from benchmarks.tasks.two_moons import TASK

    theta, x = (torch.as_tensor(a, dtype=torch.float32) for a in moons)
    with make_context(TASK, "smoke", 0, method="npe").torch_seeded(threads=NPE_THREADS):
        net = posterior_nn("nsf", hidden_features=50, num_transforms=5)(theta, x)
        optimiser = torch.optim.Adam(net.parameters(), lr=5e-4)

        def step() -> float:
            optimiser.zero_grad()
            loss = net.loss(theta[:200], x[:200]).mean()
            loss.backward()
            optimiser.step()
            return float(loss)

        assert np.isfinite(benchmark(step))


def test_coverage_error(benchmark) -> None:
    rng = np.random.default_rng(0)
    samples, truths = rng.normal(size=(100, 500, 31)), rng.normal(size=(100, 31))
    error, _ = benchmark(coverage_error, samples, truths)
    assert error < 0.1
