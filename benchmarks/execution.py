"""Running one cell: load, method, evaluate, figure; the outcome becomes a run record.

Any exception of the task becomes a ``failed`` record with its stage and traceback;
``KeyboardInterrupt`` propagates and writes nothing, so Ctrl-C never leaves a partial result.
"""

from __future__ import annotations

import datetime as dt
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from benchmarks import measure
from benchmarks.cells import Cell
from benchmarks.fingerprint import fingerprint
from benchmarks.store import SCHEMA, ResultStore
from benchmarks.task import Task, normalise_evaluation, resolve


@dataclass
class LoadedData:
    """A task's data for one (size, seed, options), with what loading it cost."""

    data: Any
    timing: measure.Timing
    data_hash: str
    peak_rss_mb: float


class StageError(Exception):
    def __init__(self, stage: str, error: BaseException) -> None:
        super().__init__(f"{stage}: {type(error).__name__}: {error}")
        self.stage, self.error = stage, error
        self.traceback = "".join(traceback.format_exception(type(error), error, error.__traceback__))


@dataclass
class CellContext:
    """What every cell of one ``run`` shares."""

    store: ResultStore
    device: str  # "cpu" or "cuda[:k]"
    provenance: dict[str, Any]
    run_id: str


def load_data(task: Task, cell: Cell) -> LoadedData:
    """Call the task's ``load``; a failure raises :class:`StageError` for stage ``load``."""
    measure.reset_peak_rss()
    try:
        with measure.timed() as timing:
            data = resolve(task.load)(cell.size, cell.seed, MappingProxyType(dict(cell.options)))
        data_hash = fingerprint(data)
    except Exception as error:
        raise StageError("load", error) from error
    return LoadedData(data, timing, data_hash, measure.peak_rss_mb())


def run_cell(
    task: Task, cell: Cell, context: CellContext, loaded: LoadedData | None = None, *, data_shared: bool = False
) -> dict[str, Any]:
    """Run one cell (loading its data unless given), write its record, and return the record.

    ``data_shared`` marks a cell that reused data loaded for an earlier method: its load
    timing is that of the one load.
    """
    record = record_head(task, cell, context)
    timings: dict[str, Any] = {}
    record["timings"] = timings
    record["data_shared"] = data_shared
    try:
        if loaded is None:
            loaded = load_data(task, cell)
        timings["load"] = vars(loaded.timing)
        record["provenance"]["data_hash"] = loaded.data_hash
        measure.reset_peak_rss()
        measure.reset_peak_gpu(context.device)
        output = _stage("method", timings, lambda: _call_method(task, cell, loaded.data, context.device))
        evaluation = _stage("evaluate", timings, lambda: normalise_evaluation(task, resolve(task.evaluate)(loaded.data, output)))
        record.update(
            status="ok",
            metrics=dict(evaluation.metrics),
            metric_notes=dict(evaluation.notes),
            details=dict(evaluation.details),
        )
        record["peak_rss_mb"] = max(loaded.peak_rss_mb, measure.peak_rss_mb())
        record["peak_gpu_mb"] = measure.peak_gpu_mb(context.device)
        if task.figure is not None:
            _make_figure(task, loaded.data, output, context.store.path_for(cell.key(task)).with_suffix(".png"), record, timings)
    except StageError as failure:
        record.update(status="failed", stage=failure.stage, error=f"{type(failure.error).__name__}: {failure.error}",
                      traceback=failure.traceback)
    record["finished_at"] = _now()
    context.store.write(record)
    return record


def write_failed_record(
    task: Task, cell: Cell, context: CellContext, *, stage: str, error: str, traceback_text: str | None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The record of a cell that failed outside :func:`run_cell` (a shared load, a dead worker or job)."""
    record = record_head(task, cell, context)
    record.update(status="failed", stage=stage, error=error, traceback=traceback_text, finished_at=_now(), timings={},
                  **(extra or {}))
    context.store.write(record)
    return record


def record_head(task: Task, cell: Cell, context: CellContext) -> dict[str, Any]:
    key = cell.key(task)
    return {
        "schema": SCHEMA,
        "key": key.digest,
        "run_id": context.run_id,
        "task": task.name,
        "task_version": task.version,
        "method": cell.method,
        "method_kind": task.method(cell.method).kind.value,
        # The leaderboard reads records alone: it needs each metric's direction and unit.
        "metric_info": [{"name": m.name, "direction": m.direction.value, "unit": m.unit} for m in task.metrics],
        "size": cell.size,
        "seed": cell.seed,
        "options": dict(cell.options),
        "status": "running",
        "device": context.device,
        "started_at": _now(),
        "provenance": {**context.provenance, "task_version": task.version, "data_hash": None},
    }


def _call_method(task: Task, cell: Cell, data: Any, device: str) -> Any:
    import torch

    method = resolve(task.method(cell.method).fn)
    return method(data, device=torch.device(device), seed=cell.seed, options=MappingProxyType(dict(cell.options)))


def _stage(name: str, timings: dict[str, Any], action: Any) -> Any:
    try:
        with measure.timed() as timing:
            result = action()
    except Exception as error:
        timings[name] = vars(timing)
        raise StageError(name, error) from error
    timings[name] = vars(timing)
    return result


def _make_figure(task: Task, data: Any, output: Any, path: Path, record: dict[str, Any], timings: dict[str, Any]) -> None:
    """A failed figure is noted in the record; it does not throw away the metrics."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with measure.timed() as timing:
            resolve(task.figure)(data, output, path)
        timings["figure"] = vars(timing)
        if path.is_file():
            record["figure"] = path.name
        else:
            record["figure_error"] = f"figure() wrote no file at {path}"
    except Exception as error:
        record["figure_error"] = f"{type(error).__name__}: {error}"
    finally:
        plt.close("all")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
