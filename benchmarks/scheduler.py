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
from benchmarks.execution import LoadedData, RunSetup, StageError, load_data, run_cell, write_failed_record
from benchmarks.progress import QueueReporter, Reporter
from benchmarks.registry import Registry
from benchmarks.store import ResultStore

WORKER_ENV = "BENCHMARKS_WORKER"


@dataclass
class RunSummary:
    """What a run did: the records it wrote, the cells it skipped, whether it was interrupted."""

    ran: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Cell] = field(default_factory=list)
    interrupted: bool = False

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The records of cells that did not end ok."""
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
    """A short random id that marks the records this run wrote."""
    return uuid.uuid4().hex[:12]


def cells_to_run(cells: Sequence[Cell], registry: Registry, setup: RunSetup, force: bool,
                 summary: RunSummary, report: Report) -> list[Cell]:
    """The cells without an ``ok`` record (all with ``force``); the others are skipped and reported."""
    todo = []
    for cell in cells:
        if not force and setup.store.is_done(cell.key(registry.get(cell.task))):
            summary.skipped.append(cell)
            report(cell, None)
        else:
            todo.append(cell)
    return todo


def run_plan(
    cells: Sequence[Cell],
    registry: Registry,
    setup: RunSetup,
    *,
    jobs: int = 1,
    force: bool = False,
    report: Report | None = None,
    progress: Any = None,
) -> RunSummary:
    """Run every cell without an ``ok`` record (all of them with ``force``).

    ``progress``: the run's :class:`~benchmarks.progress.CellProgress`, which shows the loops
    inside cells (None: they go to :func:`~benchmarks.progress.default_reporter`).
    """
    report = report or (lambda cell, record: None)
    summary = RunSummary()
    todo = cells_to_run(cells, registry, setup, force, summary, report)
    try:
        if jobs <= 1:
            _run_here(todo, registry, setup, summary, report, progress.reporter if progress else None)
        else:
            _run_in_workers(todo, registry, setup, jobs, summary, report, progress)
    except KeyboardInterrupt:
        summary.interrupted = True
    return summary


def _run_here(cells: Sequence[Cell], registry: Registry, setup: RunSetup, summary: RunSummary, report: Report,
              reporter: Reporter | None) -> None:
    data_key: tuple[Any, ...] | None = None
    loaded: LoadedData | StageError | None = None
    for cell in cells:
        task = registry.get(cell.task)
        shared = data_key == cell.data_key()
        if not shared:
            loaded = None  # free the previous data before loading the next
            data_key = cell.data_key()
            try:
                loaded = load_data(task, cell, setup, reporter)
            except StageError as failure:
                loaded = failure
        if isinstance(loaded, StageError):
            # A load that failed fails every method of that data, each with its own record.
            record = write_failed_record(
                task, cell, setup, stage="load", traceback_text=loaded.traceback,
                error=f"{type(loaded.error).__name__}: {loaded.error}",
            )
        else:
            record = run_cell(task, cell, setup, loaded, data_shared=shared, reporter=reporter)
        summary.ran.append(record)
        report(cell, record)


def _run_in_workers(
    cells: Sequence[Cell], registry: Registry, setup: RunSetup, jobs: int, summary: RunSummary, report: Report,
    progress: Any,
) -> None:
    from dataclasses import replace

    from benchmarks.context import available_cores

    spawn = multiprocessing.get_context("spawn")
    pending = list(reversed(cells))
    running: dict[int, tuple[Any, Cell]] = {}
    worker_setup = replace(setup, threads=max(1, available_cores() // jobs))
    queue = spawn.Queue() if progress is not None else None
    if queue is not None:
        progress.drain(queue)
    try:
        while pending or running:
            while pending and len(running) < jobs:
                cell = pending.pop()
                process = spawn.Process(
                    target=_worker_main, args=(cell, worker_setup, queue), name=f"cell {cell.label()}", daemon=False
                )
                process.start()
                running[process.sentinel] = (process, cell)
            for sentinel in multiprocessing.connection.wait(list(running)):
                process, cell = running.pop(sentinel)
                process.join()
                if progress is not None:
                    progress.end_cell(cell.label())
                record = _worker_outcome(registry, cell, setup, process.exitcode)
                summary.ran.append(record)
                report(cell, record)
    except KeyboardInterrupt:
        for process, _ in running.values():
            process.terminate()  # the worker turns SIGTERM into KeyboardInterrupt: no partial record
        for process, _ in running.values():
            process.join(timeout=30)
        raise
    finally:
        if queue is not None:
            queue.put(None)  # ends the thread that shows the workers' progress


def _worker_outcome(registry: Registry, cell: Cell, setup: RunSetup, exitcode: int | None) -> dict[str, Any]:
    task = registry.get(cell.task)
    record = setup.store.read(cell.key(task))
    if record is not None and record.get("run_id") == setup.run_id:
        return record
    return write_failed_record(task, cell, setup, stage="worker", error=describe_exit(exitcode), traceback_text=None)


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


def _worker_main(cell: Cell, setup: RunSetup, queue: Any) -> None:
    """Entry point of a worker process: one cell, one record; its loops' progress goes to ``queue``."""
    os.environ[WORKER_ENV] = "1"
    from benchmarks.context import THREADS_ENV

    # Code without a context (a task's evaluate) learns the worker's share of the cores from here too.
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS", THREADS_ENV):
        os.environ.setdefault(variable, str(setup.threads))
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    from benchmarks.registry import discover

    try:
        registry = discover()
        task = registry.get(cell.task)
        _limit_torch_threads(setup.threads)
        run_cell(task, cell, setup, reporter=QueueReporter(queue) if queue is not None else None)
    except KeyboardInterrupt:
        os._exit(130)


def _limit_torch_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)  # the worker's own process: no caller's setting to restore


def _raise_keyboard_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
