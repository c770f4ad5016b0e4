"""Running the cells of a plan: in this process, or each in its own worker process.

With ``jobs == 1`` cells run here, and methods of the same (task, size, seed, options) share
one loaded dataset. With ``jobs > 1`` every cell gets a fresh process (spawned, not forked: no
inherited threads or CUDA state), so its peak memory is its own and a crash — an exception, a
segmentation fault, the out-of-memory killer — takes down that cell alone. The parent writes a
``failed`` record for a worker that died without writing one.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.cells import Cell
from benchmarks.execution import CellContext, LoadedData, StageError, load_data, run_cell, write_failed_record
from benchmarks.registry import Registry
from benchmarks.store import ResultStore

WORKER_ENV = "BENCHMARKS_WORKER"


@dataclass
class RunSummary:
    ran: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Cell] = field(default_factory=list)
    interrupted: bool = False

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [record for record in self.ran if record.get("status") != "ok"]


Report = Callable[[Cell, "dict[str, Any] | None"], None]  # called once per cell, None when skipped


def resolve_device(name: str) -> str:
    """``auto`` becomes ``cuda`` when torch sees a GPU, else ``cpu``; ``cuda`` without one is an error."""
    if name not in ("auto", "cpu") and not name.startswith("cuda"):
        raise ValueError(f"--device must be auto, cpu or cuda[:index], got {name!r}")
    if name == "cpu":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda" if name == "auto" else name
    if name == "auto":
        return "cpu"
    raise ValueError(f"--device {name} was asked for, but torch sees no CUDA device (torch {torch.__version__})")


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


def cells_to_run(cells: Sequence[Cell], registry: Registry, context: CellContext, force: bool,
                 summary: RunSummary, report: Report) -> list[Cell]:
    """The cells without an ``ok`` record (all with ``force``); the others are skipped and reported."""
    todo = []
    for cell in cells:
        if not force and context.store.is_done(cell.key(registry.get(cell.task))):
            summary.skipped.append(cell)
            report(cell, None)
        else:
            todo.append(cell)
    return todo


def run_plan(
    cells: Sequence[Cell],
    registry: Registry,
    context: CellContext,
    *,
    jobs: int = 1,
    force: bool = False,
    report: Report | None = None,
) -> RunSummary:
    """Run every cell without an ``ok`` record (all of them with ``force``)."""
    report = report or (lambda cell, record: None)
    summary = RunSummary()
    todo = cells_to_run(cells, registry, context, force, summary, report)
    try:
        if jobs <= 1:
            _run_here(todo, registry, context, summary, report)
        else:
            _run_in_workers(todo, registry, context, jobs, summary, report)
    except KeyboardInterrupt:
        summary.interrupted = True
    return summary


def _run_here(cells: Sequence[Cell], registry: Registry, context: CellContext, summary: RunSummary, report: Report) -> None:
    data_key: tuple[Any, ...] | None = None
    loaded: LoadedData | StageError | None = None
    for cell in cells:
        task = registry.get(cell.task)
        shared = data_key == cell.data_key()
        if not shared:
            loaded = None  # free the previous data before loading the next
            data_key = cell.data_key()
            try:
                loaded = load_data(task, cell)
            except StageError as failure:
                loaded = failure
        if isinstance(loaded, StageError):
            # A load that failed fails every method of that data, each with its own record.
            record = write_failed_record(
                task, cell, context, stage="load", traceback_text=loaded.traceback,
                error=f"{type(loaded.error).__name__}: {loaded.error}",
            )
        else:
            record = run_cell(task, cell, context, loaded, data_shared=shared)
        summary.ran.append(record)
        report(cell, record)


def _run_in_workers(
    cells: Sequence[Cell], registry: Registry, context: CellContext, jobs: int, summary: RunSummary, report: Report
) -> None:
    spawn = multiprocessing.get_context("spawn")
    pending = list(reversed(cells))
    running: dict[int, tuple[Any, Cell]] = {}
    threads = max(1, (os.cpu_count() or 1) // jobs)
    try:
        while pending or running:
            while pending and len(running) < jobs:
                cell = pending.pop()
                process = spawn.Process(
                    target=_worker_main, args=(cell, context, threads), name=f"cell {cell.label()}", daemon=False
                )
                process.start()
                running[process.sentinel] = (process, cell)
            for sentinel in multiprocessing.connection.wait(list(running)):
                process, cell = running.pop(sentinel)
                process.join()
                record = _worker_outcome(registry, cell, context, process.exitcode)
                summary.ran.append(record)
                report(cell, record)
    except KeyboardInterrupt:
        for process, _ in running.values():
            process.terminate()  # the worker turns SIGTERM into KeyboardInterrupt: no partial record
        for process, _ in running.values():
            process.join(timeout=30)
        raise


def _worker_outcome(registry: Registry, cell: Cell, context: CellContext, exitcode: int | None) -> dict[str, Any]:
    task = registry.get(cell.task)
    record = context.store.read(cell.key(task))
    if record is not None and record.get("run_id") == context.run_id:
        return record
    return write_failed_record(task, cell, context, stage="worker", error=describe_exit(exitcode), traceback_text=None)


def describe_exit(exitcode: int | None) -> str:
    """Why a worker ended without a record, in words a user can act on."""
    if exitcode is None:
        return "worker process did not exit"
    if exitcode < 0:
        number = -exitcode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        hint = " (often the out-of-memory killer: the cell needed more memory than was free)" if number == signal.SIGKILL else ""
        return f"worker process died from {name}{hint}"
    return f"worker process exited with status {exitcode} without writing a record"


def _worker_main(cell: Cell, context: CellContext, threads: int) -> None:
    """Entry point of a worker process: one cell, one record."""
    os.environ[WORKER_ENV] = "1"
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(variable, str(threads))
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    from benchmarks.registry import discover

    try:
        registry = discover()
        task = registry.get(cell.task)
        _limit_torch_threads(threads)
        run_cell(task, cell, context)
    except KeyboardInterrupt:
        os._exit(130)


def _limit_torch_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def _raise_keyboard_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
