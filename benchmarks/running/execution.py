"""Running one cell: load, method, evaluate, figure; the outcome becomes a run record.

The method receives the task's ``method_input`` view of the data (no test targets) and its parameters as
keyword arguments; its output passes the task's ``output`` check (stage ``output``) before ``evaluate``
gets it with the whole data. Any exception of the task becomes a ``failed`` record with its stage and
traceback, except
:class:`~benchmarks.contract.evaluation.NotApplicable`, which becomes a ``skipped`` record with its reason;
``KeyboardInterrupt`` propagates and writes nothing, so Ctrl-C never leaves a partial result.
The task's ``load`` and method receive a :class:`~benchmarks.running.context.RunContext` built here.
"""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.contract.evaluation import NotApplicable, normalise_evaluation
from benchmarks.contract.task import Task, resolve
from benchmarks.contract.variants import bind
from benchmarks.data.dataset_id import dataset_of
from benchmarks.data.fingerprint import fingerprint
from benchmarks.records.items import encode_items
from benchmarks.records.store import SCHEMA, ResultStore, atomic_output
from benchmarks.running import measure
from benchmarks.running.cells import Cell
from benchmarks.running.claims import CLAIM_TIMEOUT_S
from benchmarks.running.context import RunContext, available_cores, held_threads, method_threads
from benchmarks.running.progress import Reporter


@dataclass
class LoadedData:
    """A task's data for one (size, seed, options), with what loading it cost."""

    data: Any
    timing: measure.Timing
    data_hash: str
    peak_rss_mb: float
    phases: dict[str, measure.Timing] = field(default_factory=dict)  # timed by the load's ``ctx.phase``


class StageError(Exception):
    """A task's exception in one stage of a cell (load, method, evaluate), with its traceback."""

    def __init__(self, stage: str, error: BaseException) -> None:
        super().__init__(f"{stage}: {type(error).__name__}: {error}")
        self.stage, self.error = stage, error
        self.traceback = "".join(traceback.format_exception(type(error), error, error.__traceback__))


@dataclass
class RunSetup:
    """What every cell of one ``run`` shares: where records go, the device, provenance, the run's id,
    and a cap on the CPU threads of a cell (0: none). A cell's threads are its method's
    (:func:`~benchmarks.running.context.method_threads`) whatever ``--jobs`` is; a load's every core."""

    store: ResultStore
    device: str  # "cpu" or "cuda[:k]"
    provenance: dict[str, Any]
    run_id: str
    threads: int = 0  # at most this many threads per cell (0: no cap beyond the rule)
    claim_timeout_s: float = CLAIM_TIMEOUT_S  # a claim from another host unrefreshed this long is dead

    def context(self, task: Task, cell: Cell, method: str | None, reporter: Reporter | None = None) -> RunContext:
        """The run context of ``cell`` for ``method`` (None: for its load); a method's budget parameters
        replace the budget's fields of the same name."""
        budget = task.budget(cell.size, cell.options)
        params: dict[str, Any] = {}
        threads = available_cores()  # a load: deterministic in the seed whatever its threads
        if method is not None:
            variant = cell.resolved(task)
            budget, params = bind(variant, budget)
            threads = method_threads(variant.method.threads)
        return RunContext(task=task.name, size=cell.size, seed=cell.seed, budget=budget, options=cell.options,
                          device_name=self.device, threads=min(threads, self.threads or threads), method=method,
                          reporter=reporter, params=params)


def load_data(task: Task, cell: Cell, setup: RunSetup, reporter: Reporter | None = None) -> LoadedData:
    """Call the task's ``load``; a failure raises :class:`StageError` for stage ``load``."""
    measure.reset_peak_rss()
    ctx = setup.context(task, cell, None, reporter)
    try:
        with measure.timed() as timing:
            data = resolve(task.load)(cell.size, cell.seed, ctx)
        data_hash = fingerprint(data)
    except Exception as error:
        raise StageError("load", error) from error
    return LoadedData(data, timing, data_hash, measure.peak_rss_mb(), dict(ctx.phases))


def run_cell(
    task: Task, cell: Cell, setup: RunSetup, loaded: LoadedData | None = None, *, data_shared: bool = False,
    reporter: Reporter | None = None,
) -> dict[str, Any]:
    """Run one cell (loading its data unless given), write its record, and return the record.

    ``data_shared`` marks a cell that reused data loaded for an earlier method: its load
    timing is that of the one load. ``reporter`` shows the progress of the task's loops.
    """
    record = record_head(task, cell, setup)
    timings: dict[str, Any] = {}
    record["timings"] = timings
    record["data_shared"] = data_shared
    try:
        if loaded is None:
            loaded = load_data(task, cell, setup, reporter)
        timings["load"] = vars(loaded.timing)
        timings.update(phase_timings("load", loaded.phases))
        record["provenance"]["data_hash"] = loaded.data_hash
        measure.reset_peak_rss()
        measure.reset_peak_gpu(setup.device)
        ctx = setup.context(task, cell, cell.method, reporter)
        view = method_view(task, loaded.data)
        try:
            # BLAS and OpenMP (and torch, where imported) on the cell's threads in every mode: same numbers at any --jobs
            with held_threads(ctx.threads, sys.modules.get("torch")):
                output = _stage("method", timings, lambda: resolve(cell.resolved(task).method.fn)(view, ctx, **ctx.params))
        finally:
            timings.update(phase_timings("method", ctx.phases))
        try:  # no timing of its own: a check of shapes and types
            check_output(task, view, output)
        except Exception as error:
            raise StageError("output", error) from error
        evaluation = _stage("evaluate", timings, lambda: normalise_evaluation(task, resolve(task.evaluate)(loaded.data, output)))
        record.update(
            status="ok",
            metrics=dict(evaluation.metrics),
            metric_notes=dict(evaluation.notes),
            details=dict(evaluation.details),
        )
        if evaluation.items is not None:
            record["items"] = encode_items(evaluation.items)
        record["peak_rss_mb"] = max(loaded.peak_rss_mb, measure.peak_rss_mb())
        record["peak_gpu_mb"] = measure.peak_gpu_mb(setup.device)
        if task.figure is not None:
            _make_figure(task, loaded.data, output, setup.store.path_for(cell.key(task)).with_suffix(".png"), record, timings)
    except StageError as failure:
        record.update(outcome_of(failure))
    record["finished_at"] = _now()
    setup.store.write(record)
    return record


def method_view(task: Task, data: Any) -> Any:
    """What a method receives: the task's ``method_input`` view of ``data`` (no test targets)."""
    return data if task.method_input is None else resolve(task.method_input)(data)


def check_output(task: Task, view: Any, output: Any) -> None:
    """The task's check of a method's output; raises ``ValueError`` naming what is wrong."""
    if task.output is not None:
        resolve(task.output.check)(view, output)


def phase_timings(stage: str, phases: dict[str, measure.Timing]) -> dict[str, dict[str, float]]:
    """The record's timings of the phases a stage timed with ``ctx.phase``: ``{"method/train": {wall_s, cpu_s}}``."""
    return {f"{stage}/{name}": vars(timing) for name, timing in phases.items()}


def outcome_of(failure: StageError) -> dict[str, Any]:
    """The record fields of a cell that ended in ``failure``: ``skipped`` with its reason for
    :class:`~benchmarks.contract.evaluation.NotApplicable`, else ``failed`` with the error and its traceback."""
    if isinstance(failure.error, NotApplicable):
        return {"status": "skipped", "stage": failure.stage, "reason": str(failure.error)}
    return {"status": "failed", "stage": failure.stage, "error": f"{type(failure.error).__name__}: {failure.error}",
            "traceback": failure.traceback}


def write_load_outcome(task: Task, cell: Cell, setup: RunSetup, failure: StageError) -> dict[str, Any]:
    """The record of a method whose shared load ended in ``failure`` (see :func:`outcome_of`)."""
    record = record_head(task, cell, setup)
    record.update(outcome_of(failure), finished_at=_now(), timings={})
    setup.store.write(record)
    return record


def write_failed_record(
    task: Task, cell: Cell, setup: RunSetup, *, stage: str, error: str, traceback_text: str | None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The record of a cell that failed outside :func:`run_cell` (a shared load, a dead worker or job)."""
    record = record_head(task, cell, setup)
    record.update(status="failed", stage=stage, error=error, traceback=traceback_text, finished_at=_now(), timings={},
                  **(extra or {}))
    setup.store.write(record)
    return record


def record_head(task: Task, cell: Cell, setup: RunSetup) -> dict[str, Any]:
    """The fields every record of ``cell`` starts with, whatever its outcome."""
    key = cell.key(task)
    variant = cell.resolved(task)
    return {
        "schema": SCHEMA,
        "key": key.digest,
        "run_id": setup.run_id,
        "task": task.name,
        "task_version": task.version,
        "method": cell.method,
        "method_kind": variant.method.kind.value,
        "method_version": variant.method.version,
        "method_params": {name: _plain(value) for name, value in variant.params.items()},
        # where its code comes from: "suite", or the file, module or entry point of a method from outside it
        "method_origin": variant.method.origin,
        **({"method_source": variant.method.source_hash} if variant.method.source_hash else {}),
        # The leaderboard reads records alone: it needs each metric's direction and unit.
        "metric_info": [{"name": m.name, "direction": m.direction.value, "unit": m.unit} for m in task.metrics],
        "size": cell.size,
        "seed": cell.seed,
        "options": dict(cell.options),
        # Which data it ran on: published numbers are shown only beside runs on theirs.
        "dataset": dataset_of(task, cell.size, cell.options, cell.inputs),
        **({"inputs": dict(cell.inputs)} if cell.inputs else {}),  # content hashes of the user files read
        # The pairs whose items the leaderboard tests (None: every model against the best baseline).
        "pairs": None if task.pairs is None else [list(pair) for pair in task.pairs],
        "status": "running",
        "device": setup.device,
        "started_at": _now(),
        "provenance": {**setup.provenance, "task_version": task.version, "data_hash": None},
    }


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


def _stage(name: str, timings: dict[str, Any], action: Any) -> Any:
    try:
        with measure.timed() as timing:
            result = action()
    except Exception as error:
        timings[name] = vars(timing)
        raise StageError(name, error) from error
    timings[name] = vars(timing)
    return result


class NoFigure(Exception):
    """A task's figure() that returned without writing its file."""


def _make_figure(task: Task, data: Any, output: Any, path: Path, record: dict[str, Any], timings: dict[str, Any]) -> None:
    """A failed figure is noted in the record; it does not throw away the metrics."""
    import matplotlib

    matplotlib.use("Agg")  # the runner's one choice of backend: files, never windows
    import matplotlib.pyplot as plt

    try:
        with measure.timed() as timing, atomic_output(path) as temporary:  # a killed run leaves no cut-off PNG
            resolve(task.figure)(data, output, temporary)
            if not temporary.is_file() or temporary.stat().st_size == 0:
                raise NoFigure(f"figure() wrote no file at {path}")
        timings["figure"] = vars(timing)
        record["figure"] = path.name
    except NoFigure as error:
        record["figure_error"] = str(error)
    except Exception as error:
        record["figure_error"] = f"{type(error).__name__}: {error}"
    finally:
        plt.close("all")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
