"""``load`` of the SBI reference tasks: the simulation budget, the observations and their references;
``method_input``, what a method sees of them, and ``test_targets``, what it must not see.

The training simulations are drawn here, from the seed, so that every method of a cell spends the
same budget on the same (theta, x) pairs; the methods only infer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from benchmarks.tasks._sbi.problems import PROBLEMS, Problem
from benchmarks.tasks._sbi.references import read_references, read_user_observations
from benchmarks.tasks._sbi.task import sbibm_dataset

if TYPE_CHECKING:
    from benchmarks.context import RunContext

#: The random stream of the simulations (the number version 1 of the tasks drew them with).
SIMULATIONS_STREAM = 0


@dataclass(frozen=True)
class SBIData:
    """One cell's data.

    theta (num_simulations, dim_theta), x (num_simulations, dim_x): prior draws and simulations;
    observations (k, dim_x); reference_samples (k, n_ref, dim_theta) or None for user
    observations; numbers (k,): benchmark observation numbers (0 for user observations).

    ``c2st_samples`` and ``c2st_max_iter`` are the metric's settings at this size, not a budget of
    the methods: C2ST compares this many samples per side with a classifier of at most this many
    epochs. They travel with the data because ``evaluate`` sees only data and output, and every
    method evaluated on the data must be scored by the same C2ST.
    """

    task: str
    size: str
    theta: np.ndarray
    x: np.ndarray
    observations: np.ndarray
    numbers: tuple[int, ...]
    reference_samples: np.ndarray | None
    true_parameters: np.ndarray | None
    c2st_samples: int
    c2st_max_iter: int

    @property
    def problem(self) -> Problem:
        return PROBLEMS[self.task]


@dataclass(frozen=True)
class SBIInput:
    """What a method receives: the problem (prior and simulator, ``problem``), the cell's simulations
    theta (num_simulations, dim_theta) and x (num_simulations, dim_x), and the observations (k, dim_x);
    the arrays are the loaded data's own. The reference posterior samples and true parameters, which
    ``evaluate`` scores against, are not in it."""

    task: str
    theta: np.ndarray
    x: np.ndarray
    observations: np.ndarray

    @property
    def problem(self) -> Problem:
        return PROBLEMS[self.task]


def method_input(data: SBIData) -> SBIInput:
    """The data a method infers from (:class:`SBIInput`), sharing the loaded arrays."""
    return SBIInput(data.task, data.theta, data.x, data.observations)


def test_targets(data: SBIData) -> dict[str, np.ndarray]:
    """The reference posterior samples and true parameters of the benchmark observations (none for user
    observations, which have neither)."""
    targets = {"reference_samples": data.reference_samples, "true_parameters": data.true_parameters}
    return {name: target for name, target in targets.items() if target is not None}


def load(size: str, seed: int, ctx: RunContext) -> SBIData:
    """Simulate ``ctx.budget.num_simulations`` prior draws from ``seed`` and read the observations.

    The problem is the task's (``ctx.task``). Options: ``observations`` (a CSV of the user's
    observations, one a row, header row; no reference posterior then, so C2ST is NaN);
    ``num_simulations`` overrides the budget (through ``ctx.budget``).
    """
    from benchmarks.data import fetch

    budget = ctx.budget
    problem = PROBLEMS[ctx.task]
    rng = ctx.rng(SIMULATIONS_STREAM)
    theta = problem.sample_prior(budget.num_simulations, rng)
    x = problem.simulate(theta, rng)
    metric = {"c2st_samples": budget.c2st_samples, "c2st_max_iter": budget.c2st_max_iter}

    user_file = ctx.options["observations"]
    if user_file is not None:
        observations = read_user_observations(user_file, problem.dim_x)
        return SBIData(ctx.task, size, theta, x, observations, (0,) * len(observations), None, None, **metric)
    numbers = tuple(range(1, budget.num_observations + 1))
    references = read_references(fetch(sbibm_dataset(ctx.task)), numbers, problem.dim_theta, problem.dim_x)
    return SBIData(ctx.task, size, theta, x, references.observations, numbers, references.samples,
                   references.true_parameters, **metric)
