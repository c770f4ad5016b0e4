"""Priors and simulators written from the paper's definitions, checked against the benchmark's files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sbibm_env import use_mirror

from benchmarks.data import fetch
from benchmarks.tasks._sbi.problems import PROBLEMS, gaussian_linear_posterior
from benchmarks.tasks._sbi.references import read_references
from benchmarks.tasks._sbi.task import sbibm_dataset


def _references(task: str, monkeypatch, tmp_path: Path, numbers=(1, 2, 3)):
    use_mirror(monkeypatch, tmp_path)
    problem = PROBLEMS[task]
    return read_references(fetch(sbibm_dataset(task)), numbers, problem.dim_theta, problem.dim_x)


@pytest.mark.parametrize("task", sorted(PROBLEMS))
def test_simulators_are_seeded_and_shaped(task: str) -> None:
    problem = PROBLEMS[task]
    theta = problem.sample_prior(50, np.random.default_rng(0))
    assert theta.shape == (50, problem.dim_theta) and problem.in_support(theta).all()
    x1 = problem.simulate(theta, np.random.default_rng(1))
    x2 = problem.simulate(theta, np.random.default_rng(1))
    assert x1.shape == (50, problem.dim_x)
    np.testing.assert_array_equal(x1, x2)
    with pytest.raises(ValueError, match=task):
        problem.simulate(np.zeros((3, problem.dim_theta + 1)), np.random.default_rng(0))


def test_gaussian_linear_analytic_posterior_matches_reference_samples(monkeypatch, tmp_path) -> None:
    refs = _references("gaussian_linear", monkeypatch, tmp_path, numbers=tuple(range(1, 11)))
    for x_o, samples in zip(refs.observations, refs.samples):
        mean, cov = gaussian_linear_posterior(x_o)
        np.testing.assert_allclose(mean, x_o / 2)
        np.testing.assert_allclose(np.diag(cov), 0.05)
        # 10,000 samples: the standard error of a mean is sqrt(0.05 / 1e4) = 0.0022
        np.testing.assert_allclose(samples.mean(axis=0), mean, atol=0.01)
        np.testing.assert_allclose(np.cov(samples.T), cov, atol=0.005)


def test_two_moons_simulator_crescent() -> None:
    # x = (r cos a + 0.25, r sin a) + (-|t1 + t2| / sqrt 2, (t2 - t1) / sqrt 2) with r ~ 0.1
    problem = PROBLEMS["two_moons"]
    x = problem.simulate(np.zeros((2000, 2)), np.random.default_rng(0))
    radius = np.hypot(x[:, 0] - 0.25, x[:, 1])
    assert radius.mean() == pytest.approx(0.1, abs=0.002) and (x[:, 0] >= 0.25 - 1e-9).all()


@pytest.mark.parametrize("task", ["two_moons", "gaussian_linear"])
def test_reference_posterior_explains_the_observation(task: str, monkeypatch, tmp_path) -> None:
    """Simulations from the reference posterior land much closer to x_o than those from the prior:
    the simulator written here is the one that produced the benchmark's references."""
    refs = _references(task, monkeypatch, tmp_path)
    problem = PROBLEMS[task]
    rng = np.random.default_rng(0)
    for x_o, samples in zip(refs.observations, refs.samples):
        posterior = np.median(np.linalg.norm(problem.simulate(samples[:2000], rng) - x_o, axis=1))
        prior = np.median(np.linalg.norm(problem.simulate(problem.sample_prior(2000, rng), rng) - x_o, axis=1))
        assert posterior < 0.8 * prior, (task, posterior, prior)


def _slcp_log_likelihood(theta: np.ndarray, x: np.ndarray) -> float:
    """log p(x | theta) of SLCP written independently of the simulator: 4 points (x1, y1, x2, y2, ...)."""
    from scipy.stats import multivariate_normal

    s1, s2, rho = theta[2] ** 2, theta[3] ** 2, np.tanh(theta[4])
    cov = np.array([[s1**2, rho * s1 * s2], [rho * s1 * s2, s2**2]])
    return float(multivariate_normal(theta[:2], cov, allow_singular=True).logpdf(x.reshape(4, 2)).sum())


def test_slcp_simulator_matches_its_likelihood_and_the_references(monkeypatch, tmp_path) -> None:
    refs = _references("slcp", monkeypatch, tmp_path)
    problem = PROBLEMS["slcp"]
    theta = refs.true_parameters[2]  # observation 3: moderate correlation
    x = problem.simulate(np.repeat(theta[None], 20000, axis=0), np.random.default_rng(0)).reshape(-1, 2)
    s1, s2, rho = theta[2] ** 2, theta[3] ** 2, np.tanh(theta[4])
    np.testing.assert_allclose(x.mean(axis=0), theta[:2], atol=0.05 * max(s1, s2))
    np.testing.assert_allclose(np.cov(x.T), [[s1**2, rho * s1 * s2], [rho * s1 * s2, s2**2]], rtol=0.05, atol=0.01)
    rng = np.random.default_rng(1)
    for x_o, samples in zip(refs.observations, refs.samples):
        posterior = np.mean([_slcp_log_likelihood(t, x_o) for t in samples[:300]])
        prior = np.median([_slcp_log_likelihood(t, x_o) for t in problem.sample_prior(300, rng)])
        assert posterior > prior + 10, (posterior, prior)
