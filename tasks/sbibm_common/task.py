"""``make_task(name, summary)``: the ``Task`` of one SBI reference task (light imports only)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from benchmarks.task import Direction, Method, MethodKind, Metric, Option, Task
from tasks.sbibm_common.datasets import CITATION, sbibm_dataset
from tasks.sbibm_common.sizes import size_descriptions

_M = "tasks.sbibm_common."


def _load(name: str, size: str, seed: int, options) -> object:
    from tasks.sbibm_common.data import load

    return load(name, size, seed, options)


def make_task(name: str, summary: str) -> Task:
    """The benchmark task ``name`` (a key of ``problems.PROBLEMS``) with the suite's methods."""
    return Task(
        name=name,
        summary=summary,
        citation=CITATION,
        version=1,
        metrics=(
            Metric("c2st", Direction.LOWER, "accuracy",
                   "classifier two-sample test vs reference posterior samples, mean over observations; 0.5 is perfect"),
            Metric("c2st_std", Direction.LOWER, "accuracy", "standard deviation of C2ST over the observations"),
            Metric("median_distance", Direction.LOWER, "x units",
                   "median distance of simulations from 1,000 posterior samples to x_o, mean over observations"),
        ),
        sizes=size_descriptions(),
        methods=(
            Method("prior", MethodKind.CONTROL, _M + "methods:prior", "prior draws as posterior samples"),
            Method("rejection_abc", MethodKind.BASELINE, _M + "methods:rejection_abc",
                   "the 100 closest simulations (z-scored Euclidean) smoothed by a Gaussian KDE"),
            Method("npe", MethodKind.MODEL, _M + "methods:npe",
                   "sbi NPE: neural spline flow, 5 transforms x 50 units, single round, amortised"),
        ),
        load=partial(_load, name),
        evaluate=_M + "metrics:evaluate",
        figure=_M + "figure:figure",
        options=(
            Option("observations", Path, None,
                   "CSV of your own observations (header row, one per row); C2ST is then NaN (no reference)"),
            Option("num_simulations", int, None, "simulation budget (default: the size's)"),
            Option("max_epochs", int, None, "NPE epoch cap (default: the size's; training stops early anyway)"),
        ),
        datasets=(sbibm_dataset(name),),
    )
