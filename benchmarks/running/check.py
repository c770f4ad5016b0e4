"""The conformance check every task passes, like scikit-learn's ``check_estimator``.

``check_task(TASK)`` runs every method at smoke size through the runner's own code path and
checks what the contract promises:

- the declaration: a question, a citation, the cooperation's checklist, described sizes, a budget per size, a control, a
  baseline and a model, option defaults that parse, functions in the task folder's rooms;
- ``load``: deterministic in the seed (same data hash twice);
- each method: runs; every declared metric comes back (NaN only with a note); the same seed gives
  the same metrics and items; the data are the same after the method as before it; the figure is
  written when the task declares one; the cell (load + method + evaluate) is timed on the threads a run
  gives it (its method's ``threads``, at most 2: a 2-core laptop), and judged against ``max_seconds`` when
  one is given.

Ordinary tests run the check without a time limit (the seconds are in the report): a shared
machine's load must not fail them. ``tests/perf/test_smoke_cells.py`` holds every task's smoke
cells to ``SMOKE_LIMIT_S`` under ``make bench``.

Every problem is collected; :class:`TaskCheckError` lists them all.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.contract.task import REQUIRED_SIZES, Direction, Task, contract_problems, resolve
from benchmarks.contract.variants import default_variants
from benchmarks.data.fingerprint import fingerprint
from benchmarks.records.store import ResultStore
from benchmarks.running.cells import Cell
from benchmarks.running.context import held_threads
from benchmarks.running.execution import LoadedData, RunSetup, StageError, load_data, method_view, run_cell
from benchmarks.running.withheld import leaks

#: A smoke cell's limit, in seconds of wall time on a 2-core laptop.
SMOKE_LIMIT_S = 60.0
#: The cores of that laptop: a cell runs on min(its method's ``threads``, this), as ``run`` gives it there.
CHECK_THREADS = 2
KINDS = ("control", "baseline", "model")
#: Where each function of ``TASK`` lives in a task folder (the last parts of its module's name).
ROOMS = {"load": "data", "method_input": "data", "test_targets": "data", "evaluate": "metrics", "output": "metrics",
         "figure": "figure", "budgets": "sizes", "methods": "methods"}
_PROVENANCE = {"packages": {}, "git": {}, "python": "", "cpu": "", "cpu_cores": 0, "gpu": None, "check": True}


class TaskCheckError(AssertionError):
    """A task that breaks the contract; the message lists every problem found."""


@dataclass
class MethodCheck:
    """How one method fared: its cell's seconds, its metrics, and what is wrong (empty when nothing)."""

    method: str
    seconds: float = math.nan
    metrics: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass
class CheckReport:
    """The outcome of :func:`check_task`: problems of the declaration and load, and each method's check."""

    task: str
    problems: list[str] = field(default_factory=list)
    methods: list[MethodCheck] = field(default_factory=list)

    @property
    def all_problems(self) -> list[str]:
        """Every problem, each prefixed with the method it concerns."""
        return self.problems + [f"{m.method}: {p}" for m in self.methods for p in m.problems]

    @property
    def ok(self) -> bool:
        """True when the task keeps the contract."""
        return not self.all_problems

    def summary(self) -> str:
        """One line per method with its time, then the problems."""
        lines = [f"task {self.task!r}: " + ("keeps the contract" if self.ok else f"{len(self.all_problems)} problems")]
        lines += [f"  {m.method}: {m.seconds:.1f} s" + (" (failed)" if m.problems else "") for m in self.methods]
        lines += [f"  - {problem}" for problem in self.all_problems]
        return "\n".join(lines)


def check_task(task: Task, *, size: str = "smoke", seed: int = 0, methods: Sequence[str] | None = None,
               max_seconds: float | None = None, raise_on_failure: bool = True) -> CheckReport:
    """Check ``task`` against the contract at ``size``; raises :class:`TaskCheckError` listing every problem
    (or, with ``raise_on_failure=False``, returns the report)."""
    report = CheckReport(task.name, declaration_problems(task))
    loaded, problems = check_load(task, size, seed)
    report.problems += problems
    if loaded is not None:
        for name in methods or [variant.name for variant in default_variants(task, None)]:
            report.methods.append(check_method(task, name, loaded, size=size, seed=seed, max_seconds=max_seconds))
        if size == "smoke" and seed == 0:
            report.problems += shows_problems(task, {m.method: m.metrics for m in report.methods if not m.problems})
    if raise_on_failure and not report.ok:
        raise TaskCheckError(report.summary())
    return report


def shows_problems(task: Task, metrics: Mapping[str, Mapping[str, float | None]]) -> list[str]:
    """The task's ``smoke_shows`` that ``metrics`` (method -> its smoke metrics at seed 0) do not bear out; a
    comparison whose methods are not both in ``metrics`` is left for a check that runs them."""
    problems = []
    for shows in task.smoke_shows:
        if shows.better not in metrics or shows.worse not in metrics:
            continue
        metric = task.metric(shows.metric) if shows.metric else task.metrics[0]
        better, worse = metrics[shows.better].get(metric.name), metrics[shows.worse].get(metric.name)
        if _missing(better) or _missing(worse):
            problems.append(f"smoke shows {shows.better} better than {shows.worse} on {metric.name}, but a value "
                            f"is missing ({better} vs {worse})")
            continue
        gain = better - worse if metric.direction is Direction.HIGHER else worse - better
        if not gain >= shows.margin:
            problems.append(f"smoke shows {shows.better} better than {shows.worse} on {metric.name} by >= "
                            f"{shows.margin:g}, but it is {better:.4g} against {worse:.4g}")
    return problems


def declaration_problems(task: Task) -> list[str]:
    """What is wrong with the declaration alone (no data loaded, no method run)."""
    problems = list(contract_problems(task))
    if not task.summary.strip():
        problems.append("no summary (the scientific question in one line)")
    if not task.citation.strip():
        problems.append("no citation")
    problems += [f"size {size!r} is not described" for size in REQUIRED_SIZES if not str(task.sizes.get(size, "")).strip()]
    if task.checklist is None:
        problems.append("no checklist (benchmarks.task.Checklist: question, data, success, baselines, toplines)")
    else:
        problems += task.checklist.problems()
    for role, ref in (("method_input", task.method_input), ("test_targets", task.test_targets), ("output", task.output)):
        if ref is None:
            problems.append(f"no {role} (methods receive a view of the data without its test targets, and "
                            "each task declares and checks what they return)")
    kinds = {method.kind.value for method in task.methods}
    problems += [f"no method of kind {kind!r}" for kind in KINDS if kind not in kinds]
    from benchmarks.data.downloads import Dataset

    problems += [f"datasets: {d!r} is not a benchmarks.data.Dataset" for d in task.datasets if not isinstance(d, Dataset)]
    for option in task.options:
        try:
            if option.default is not None:
                option.parse(str(option.default) if option.type is not bool else option.default)
        except ValueError as error:
            problems.append(f"option {option.name!r}: its default does not parse back ({error})")
    return problems + dataset_problems(task) + room_problems(task) + signature_problems(task)


def signature_problems(task: Task) -> list[str]:
    """Methods whose function does not take each declared parameter as a keyword-only argument without a
    default (the declaration holds the default, once), or takes one that is not declared."""
    import inspect

    problems = []
    for method in task.methods:
        try:
            signature = inspect.signature(resolve(method.fn))
        except Exception as error:  # noqa: BLE001 - the task's import is a finding
            problems.append(f"method {method.name!r}: cannot import {method.fn!r}: {type(error).__name__}: {error}")
            continue
        keywords = {p.name: p for p in signature.parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY}
        declared = {param.name for param in method.params}
        for name in sorted(declared - set(keywords)):
            problems.append(f"method {method.name!r}: parameter {name!r} is no keyword-only argument of its function")
        for name in sorted(set(keywords) - declared):
            problems.append(f"method {method.name!r}: keyword argument {name!r} is no declared parameter")
        for name in sorted(declared & set(keywords)):
            if keywords[name].default is not inspect.Parameter.empty:
                problems.append(f"method {method.name!r}: argument {name!r} restates a default (the Param declares it)")
    return problems


def dataset_problems(task: Task) -> list[str]:
    """A ``dataset_id`` that cannot name the data of a size run with the default options.

    Published numbers are matched to runs by this id, so it must be a plain name (never a
    ``user:`` one, which marks a user's file) for every size.
    """
    from benchmarks.data.dataset_id import dataset_of, is_user

    problems = []
    options = task.resolve_options()
    for size in task.sizes:
        try:
            name = dataset_of(task, size, options, {})
        except Exception as error:  # noqa: BLE001 - any failure of the task's own function is a finding
            problems.append(f"dataset_id fails for size {size!r}: {type(error).__name__}: {error}")
            continue
        if not isinstance(name, str) or not name.strip() or is_user(name):
            problems.append(f"dataset_id names size {size!r}'s default data {name!r}: declare a plain, non-empty id")
    return problems


def room_problems(task: Task) -> list[str]:
    """Functions of ``TASK`` that live outside their room (``load`` in ``data``, ``evaluate`` in ``metrics``, ...)."""
    problems = []
    named = {"load": task.load, "evaluate": task.evaluate, "figure": task.figure, "method_input": task.method_input,
             "test_targets": task.test_targets, "output": None if task.output is None else task.output.check}
    for role, ref in named.items():
        if ref is not None and _module_of(ref) is not None and _module_of(ref).split(".")[-1] != ROOMS[role]:
            problems.append(f"{role} lives in {_module_of(ref)}; it belongs in the task's {ROOMS[role]}.py")
    for method in task.methods:
        module = _module_of(method.fn)
        if module is not None and ROOMS["methods"] not in module.split("."):
            problems.append(f"method {method.name!r} lives in {module}; it belongs in methods.py or methods/")
    for size, budget in task.budgets.items():
        module = type(budget).__module__
        if module.split(".")[-1] != ROOMS["budgets"]:
            problems.append(f"budget of size {size!r} is a {type(budget).__name__} of {module}; declare it in sizes.py")
            break
    return problems


def _module_of(ref: Any) -> str | None:
    if isinstance(ref, str):
        return ref.partition(":")[0]
    target = ref.func if hasattr(ref, "func") and hasattr(ref, "args") else ref  # functools.partial
    return getattr(target, "__module__", None)


def check_load(task: Task, size: str = "smoke", seed: int = 0) -> tuple[LoadedData | None, list[str]]:
    """Load twice; the data of the first load (None when it failed) and the problems found."""
    cell = Cell(task.name, "", size, seed, task.resolve_options())
    setup = _setup(Path(tempfile.gettempdir()))
    try:
        with _threads(CHECK_THREADS):
            first = load_data(task, cell, setup)
            second = load_data(task, cell, setup)
    except StageError as failure:
        return None, [f"load failed: {failure}\n{failure.traceback}"]
    if first.data_hash != second.data_hash:
        return first, ["load is not deterministic in the seed: two loads gave different data"]
    return first, withheld_problems(task, first.data)


def withheld_problems(task: Task, data: Any) -> list[str]:
    """Test targets that a method could reach through what it receives (:mod:`benchmarks.running.withheld`)."""
    if task.test_targets is None:
        return []
    try:
        targets = resolve(task.test_targets)(data)
        view = method_view(task, data)
    except Exception as error:  # noqa: BLE001 - the task's own functions failing is a finding
        return [f"method_input or test_targets failed: {type(error).__name__}: {error}"]
    if not isinstance(targets, dict) or not targets:
        return ["test_targets must return a non-empty dict of the test targets by name"]
    return leaks(view, targets)


def check_method(task: Task, method: str, loaded: LoadedData, *, size: str = "smoke", seed: int = 0,
                 max_seconds: float | None = None) -> MethodCheck:
    """Run ``method`` twice on ``loaded`` through the runner and check its records (see the module's docstring)."""
    check = MethodCheck(method)
    cell = Cell(task.name, method, size, seed, task.resolve_options())
    before = fingerprint(loaded.data)
    records = []
    with tempfile.TemporaryDirectory(prefix="check-") as folder:
        for run in ("first", "second"):
            setup = _setup(Path(folder) / run)
            with _threads(CHECK_THREADS):
                records.append(run_cell(task, cell, setup, loaded))
            if records[-1]["status"] != "ok":
                check.problems.append(f"{records[-1].get('stage')} failed: {records[-1].get('error')}\n"
                                      f"{records[-1].get('traceback') or ''}")
                return check
        figure_path = setup.store.path_for(cell.key(task)).with_suffix(".png")
        figure_written = figure_path.is_file() and figure_path.stat().st_size > 0
    first, second = records
    timings = first["timings"]
    check.seconds = sum((timings.get(stage) or {}).get("wall_s", 0.0) for stage in ("load", "method", "evaluate"))
    check.metrics = dict(first["metrics"])
    if fingerprint(loaded.data) != before:
        check.problems.append("the method changed the data it was given (methods share one loaded copy)")
    for metric in task.metrics:
        value, again = first["metrics"].get(metric.name), second["metrics"].get(metric.name)
        if _missing(value) and metric.name not in first.get("metric_notes", {}):
            check.problems.append(f"metric {metric.name!r} is NaN without a note")
        if not _same(value, again):
            check.problems.append(f"metric {metric.name!r} differs between two runs with seed {seed}: {value} vs {again}")
    if first.get("items") != second.get("items"):
        check.problems.append(f"per-item outcomes differ between two runs with seed {seed}")
    if task.figure is not None:
        if first.get("figure_error"):
            check.problems.append(f"figure failed: {first['figure_error']}")
        elif not figure_written:
            check.problems.append("figure declared but no PNG written")
    if max_seconds is not None and check.seconds > max_seconds:
        check.problems.append(f"the {size} cell took {check.seconds:.1f} s on {CHECK_THREADS} threads "
                              f"(load {timings['load']['wall_s']:.1f} s); the limit is {max_seconds:.0f} s")
    return check


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value)  # NaN in memory, null once written


def _same(a: float | None, b: float | None) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _setup(root: Path) -> RunSetup:
    root.mkdir(parents=True, exist_ok=True)
    return RunSetup(store=ResultStore(root), device="cpu", provenance=dict(_PROVENANCE), run_id="check",
                    threads=CHECK_THREADS)


@contextlib.contextmanager
def _threads(n: int) -> Iterator[None]:
    """BLAS, OpenMP and torch held to ``n`` threads, as on a 2-core laptop; restored after. torch is imported
    first (when installed), so that a task importing it later still meets the limit."""
    try:
        import torch
    except ImportError:  # a task without torch
        torch = None
    with held_threads(n, torch):
        yield


__all__ = ["check_task", "check_load", "check_method", "declaration_problems", "room_problems", "CheckReport",
           "MethodCheck", "TaskCheckError", "SMOKE_LIMIT_S"]
