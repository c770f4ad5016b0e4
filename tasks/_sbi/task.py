"""``make_task(name, summary)``: the ``Task`` of one SBI reference task, and the dataset of its
reference files (light imports only: the registry imports this for every task listing)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.data import Dataset, read_registry
from benchmarks.task import Direction, Method, MethodKind, Metric, Option, Task
from tasks._sbi.sizes import BUDGETS, DESCRIPTIONS

#: sbi-benchmark/sbibm commit holding the reference files (same files as the 1.1.0 wheel).
SBIBM_COMMIT = "1a45fa72f7550e6948ba4e46fafd6d9bca085009"
CITATION = "Lueckmann, Boelts, Greenberg, Goncalves & Macke (2021). Benchmarking Simulation-Based Inference. AISTATS."

_M = "tasks._sbi."


def sbibm_dataset(task: str) -> Dataset:
    """The reference files of one benchmark task (registry in ``tasks/<task>/files/registry.txt``)."""
    registry = Path(__file__).resolve().parents[1] / task / "files" / "registry.txt"
    return Dataset(
        name=f"sbibm_{task}",
        mirror=f"sbibm/{task}",
        base_url=f"https://raw.githubusercontent.com/sbi-benchmark/sbibm/{SBIBM_COMMIT}/sbibm/tasks/{task}/files/",
        files=read_registry(registry),
        licence="MIT (sbibm)",
        citation=CITATION,
        description=f"{task}: 10 observations, true parameters and 10,000 reference posterior samples each",
    )


def make_task(name: str, summary: str) -> Task:
    """The benchmark task ``name`` (a key of ``problems.PROBLEMS``) with the suite's methods.

    ``load`` finds the problem by the task's name (``ctx.task``). ``pairs`` is the default: the
    model (NPE) against the best baseline (rejection ABC), tested on the C2ST of each observation.
    """
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
        sizes=DESCRIPTIONS,
        budgets=BUDGETS,
        methods=(
            Method("prior", MethodKind.CONTROL, _M + "methods:prior", "prior draws as posterior samples"),
            Method("rejection_abc", MethodKind.BASELINE, _M + "methods:rejection_abc",
                   "the 100 closest simulations (z-scored Euclidean) smoothed by a Gaussian KDE"),
            Method("npe", MethodKind.MODEL, _M + "methods:npe",
                   "sbi NPE: neural spline flow, 5 transforms x 50 units, single round, amortised"),
        ),
        load=_M + "data:load",
        evaluate=_M + "metrics:evaluate",
        figure=_M + "figure:figure",
        options=(
            Option("observations", Path, None,
                   "CSV of your own observations (header row, one per row); C2ST is then NaN (no reference)"),
            Option("num_simulations", int, None, "simulation budget (default: the size's)", minimum=10, budget=True),
            Option("max_epochs", int, None, "NPE epoch cap (default: the size's; training stops early anyway)",
                   minimum=1, budget=True),
        ),
        datasets=(sbibm_dataset(name),),
    )
