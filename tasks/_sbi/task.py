"""``make_task(name, summary, data, toplines)``: the ``Task`` of one SBI reference task, and the dataset of its
reference files (light imports only: the registry imports this for every task listing)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from benchmarks.data import Dataset, read_registry
from benchmarks.task import (Checklist, Direction, Method, MethodKind, Metric, Option, Output, Param, Shows, Task,
                             Topline)
from benchmarks.tasks._sbi.sizes import BUDGETS, DESCRIPTIONS, Budget

#: sbi-benchmark/sbibm commit holding the reference files (same files as the 1.1.0 wheel).
SBIBM_COMMIT = "1a45fa72f7550e6948ba4e46fafd6d9bca085009"
CITATION = "Lueckmann, Boelts, Greenberg, Goncalves & Macke (2021). Benchmarking Simulation-Based Inference. AISTATS."

_M = "benchmarks.tasks._sbi."
#: Where the slow methods run unless named (``--method``): every size but the laptop's default.
NOT_DEFAULT = ("smoke", "1k", "10k", "100k", "full")


def _max_epochs(unit: str = "") -> tuple[Param]:
    """The epoch cap, the one parameter of each neural method (``--method 'npe[max_epochs=50]'``)."""
    return (Param("max_epochs", int, None, f"training epochs at most{unit} (default: the size's; sbi stops earlier "
                                           "once the validation loss has not improved for 20 epochs)",
                  minimum=1, budget=True),)


#: What every method returns (``Task.output``, checked by each task folder's ``metrics.check_output``).
OUTPUT_DESCRIPTION = ("dict whose 'samples' are posterior draws, a real array (n_observations, n_samples, dim_theta): "
                      "ctx.budget.num_samples finite draws for each row of data.observations, in their order; other keys "
                      "(epochs trained, sampler settings) are the method's own and not scored")


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


def make_task(name: str, summary: str, data: str, toplines: tuple[Topline, ...], budgets: Mapping[str, Budget] = BUDGETS,
              descriptions: Mapping[str, str] = DESCRIPTIONS, smoke_shows: tuple[Shows, ...] = ()) -> Task:
    """The benchmark task ``name`` (a key of ``problems.PROBLEMS``) with the suite's methods.

    ``data`` (what the task's parameters and simulations are) and ``toplines`` (the best published
    C2ST on sbibm's observations) are what its :class:`Checklist` says beyond what every SBI task shares;
    ``budgets`` and ``descriptions``: its sizes (the task folder's ``sizes``; the family's by default).

    ``load`` finds the problem by the task's name (``ctx.task``). ``pairs`` is the default: each
    model (npe, fmpe, nle, nre, npse, snpe) against the best baseline (rejection ABC), tested on the
    C2ST of each observation. nle, nre, npse and snpe run only at the sizes in ``NOT_DEFAULT``
    unless named: their cells take 5 to 45 minutes each on 2 cores (MCMC, or training per
    observation), npse's a minute at default for no gain over npe.

    The options change the data (``num_simulations``, ``observations``); each neural method's epoch cap is
    its own ``max_epochs`` parameter. Methods get ``data.method_input`` (simulations and observations),
    never the reference posterior samples or the true parameters that ``evaluate`` scores against.
    """
    return Task(
        name=name,
        summary=summary,
        citation=CITATION,
        version=2,
        metrics=(
            Metric("c2st", Direction.LOWER, "accuracy",
                   "classifier two-sample test vs reference posterior samples, mean over observations; 0.5 is perfect",
                   ideal=0.5),
            Metric("c2st_std", Direction.LOWER, "accuracy", "standard deviation of C2ST over the observations"),
            Metric("median_distance", Direction.LOWER, "x units",
                   "median distance of simulations from 1,000 posterior samples to x_o, mean over observations"),
        ),
        sizes=descriptions,
        budgets=budgets,
        methods=(
            Method("prior", MethodKind.CONTROL, _M + "methods.prior:prior", "prior draws as posterior samples"),
            Method("rejection_abc", MethodKind.BASELINE, _M + "methods.rejection_abc:rejection_abc",
                   "sbibm's REJ-ABC: the 100 closest simulations (z-scored Euclidean), "
                   "a Gaussian KDE of cross-validated width"),
            Method("npe", MethodKind.MODEL, _M + "methods.npe:npe",
                   "sbi NPE: neural spline flow, 5 transforms x 50 units, single round, amortised", params=_max_epochs()),
            Method("fmpe", MethodKind.MODEL, _M + "methods.fmpe:fmpe",
                   "sbi FMPE: flow matching, MLP 5 x 100 vector field, ODE sampling, single round, amortised",
                   params=_max_epochs()),
            Method("nle", MethodKind.MODEL, _M + "methods.nle:nle",
                   "sbi NLE: MAF likelihood, 5 transforms x 50 units, single round; slice sampling, "
                   "100 chains per observation (MCMC per observation: not in the default run)", sizes=NOT_DEFAULT,
                   params=_max_epochs()),
            Method("nre", MethodKind.MODEL, _M + "methods.nre:nre",
                   "sbi NRE-B: residual classifier of 50 units, 10 atoms, single round; slice sampling, "
                   "100 chains per observation (MCMC per observation: not in the default run)", sizes=NOT_DEFAULT,
                   params=_max_epochs()),
            Method("npse", MethodKind.MODEL, _M + "methods.npse:npse",
                   "sbi NPSE: score network MLP 5 x 100, VE SDE, 500 sampling steps, single round, amortised "
                   "(a score-based diffusion alternative to NPE's flow: not in the default run)", sizes=NOT_DEFAULT,
                   params=_max_epochs()),
            Method("snpe", MethodKind.MODEL, _M + "methods.npe:snpe",
                   "sbi SNPE-C (APT): NSF, 10 rounds per observation, atomic loss with 10 atoms; not amortised "
                   "(training per observation: not in the default run)", sizes=NOT_DEFAULT,
                   params=_max_epochs(" per round")),
        ),
        # each task folder's data and metrics rooms (the family's unless the folder says otherwise)
        load=f"benchmarks.tasks.{name}.data:load",
        method_input=f"benchmarks.tasks.{name}.data:method_input",
        test_targets=f"benchmarks.tasks.{name}.data:test_targets",
        output=Output(OUTPUT_DESCRIPTION, f"benchmarks.tasks.{name}.metrics:check_output"),
        smoke_shows=smoke_shows,
        headline=("median_distance",),
        evaluate=f"benchmarks.tasks.{name}.metrics:evaluate",
        figure=_M + "figure:figure",
        options=(
            Option("observations", Path, None,
                   "CSV of your own observations (header row, one per row); C2ST is then NaN (no reference)"),
            Option("num_simulations", int, None, "simulation budget (default: the size's)", minimum=10, budget=True),
        ),
        datasets=(sbibm_dataset(name),),
        dataset_id=f"sbibm/{name}",  # sbibm's 10 observations and reference posteriors
        checklist=Checklist(
            question=summary,
            data=data + " The benchmark's 10 observations come with 10,000 reference posterior samples each "
                        "(sbibm). Default: 1,000 simulations and all 10 observations; 1k, 10k and 100k: the "
                        "paper's budgets.",
            success="C2ST (lower is better): the accuracy of a classifier trained to tell the method's posterior "
                    "samples from the reference posterior's, averaged over the observations; 0.5 means "
                    "indistinguishable, 1.0 entirely wrong. The default compares 1,000 samples per side (sbibm's "
                    "C2ST_1K); the sizes 1k, 10k and 100k compare 10,000, as the paper does.",
            baselines="Rejection ABC as sbibm runs it (the 100 simulations closest to x_o, smoothed by a Gaussian "
                      "KDE) is what simulation-based inference used before neural estimators, and prior draws are "
                      "the control; the neural methods are those Lueckmann et al. (2021) and the sbi package compare.",
            toplines=toplines,
        ),
    )
