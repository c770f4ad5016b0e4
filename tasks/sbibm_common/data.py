"""``load`` of the SBI reference tasks: the simulation budget, the observations and their references.

The training simulations are drawn here, from the seed, so that every method of a cell spends the
same budget on the same (theta, x) pairs; the methods only infer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from tasks.sbibm_common.problems import PROBLEMS, Problem
from tasks.sbibm_common.datasets import sbibm_dataset
from tasks.sbibm_common.references import read_references, read_user_observations
from tasks.sbibm_common.sizes import SIZES


@dataclass(frozen=True)
class SBIData:
    """One cell's data.

    theta (num_simulations, dim_theta), x (num_simulations, dim_x): prior draws and simulations;
    observations (k, dim_x); reference_samples (k, n_ref, dim_theta) or None for user
    observations; numbers (k,): benchmark observation numbers (0 for user observations).
    """

    task: str
    size: str
    theta: np.ndarray
    x: np.ndarray
    observations: np.ndarray
    numbers: tuple[int, ...]
    reference_samples: np.ndarray | None
    true_parameters: np.ndarray | None
    num_samples: int
    max_epochs: int
    c2st_max_iter: int

    @property
    def problem(self) -> Problem:
        return PROBLEMS[self.task]


def load(task: str, size: str, seed: int, options: Mapping[str, Any]) -> SBIData:
    """Simulate the budget of ``size`` from the prior with ``seed`` and read the observations.

    options: ``observations`` (a CSV of the user's observations, one a row, header row; no
    reference posterior then, so C2ST is NaN), ``num_simulations`` (overrides the size's budget).
    """
    from benchmarks.data import fetch

    if size not in SIZES:
        raise ValueError(f"{task}: unknown size {size!r}; known: {sorted(SIZES)}")
    spec = SIZES[size]
    problem = PROBLEMS[task]
    num_simulations = int(options.get("num_simulations") or spec.num_simulations)
    if num_simulations < 10:
        raise ValueError(f"{task}: num_simulations must be >= 10, got {num_simulations}")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    theta = problem.sample_prior(num_simulations, rng)
    x = problem.simulate(theta, rng)

    user_file = options.get("observations")
    if user_file:
        observations = read_user_observations(user_file, problem.dim_x)
        return SBIData(task, size, theta, x, observations, tuple([0] * len(observations)), None, None,
                       spec.num_samples, spec.max_epochs, spec.c2st_max_iter)
    numbers = tuple(range(1, spec.num_observations + 1))
    references = read_references(fetch(sbibm_dataset(task)), numbers, problem.dim_theta, problem.dim_x)
    return SBIData(task, size, theta, x, references.observations, numbers, references.samples,
                   references.true_parameters, spec.num_samples, spec.max_epochs, spec.c2st_max_iter)
