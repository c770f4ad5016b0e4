"""Running the cells of a plan: in this process, or each in its own worker process.

With ``jobs == 1`` cells run here, and methods of the same (task, size, seed, options) share
one loaded dataset. With ``jobs > 1`` every cell gets a fresh process (spawned, not forked: no
inherited threads or CUDA state), so its peak memory is its own and a crash — an exception, a
segmentation fault, the out-of-memory killer — takes down that cell alone. The parent writes a
``failed`` record for a worker that died without writing one; workers die with their parent.

Every cell runs under a claim (:mod:`benchmarks.running.claims`), so any number of runs can share a
results folder: a cell claimed by a live run is skipped ("running elsewhere"), one whose
claim's owner died is taken over. A cell that was running inside a runner that died (a
segmentation fault with ``--jobs 1``) is recorded as failed instead of run again, so it cannot
take every rerun down with it; ``--retry-failed`` runs it again.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.contract.registry import Registry
from benchmarks.records.schema import DONE
from benchmarks.records.store import DiskError
from benchmarks.running.cells import Cell
from benchmarks.running.claims import Busy, ClaimBook, Owner
from benchmarks.running.execution import (LoadedData, RunSetup, StageError, load_data, run_cell, write_failed_record,
                                          write_load_outcome)
from benchmarks.running.lifeline import (Terminated, die_with_parent, guard_group, lead_own_group, stop_group,
                                         stop_if_terminated)
from benchmarks.running.progress import QueueReporter, Reporter

WORKER_ENV = "BENCHMARKS_WORKER"
EXIT_DISK = 74  # EX_IOERR: a worker that could not write its record


@dataclass
class RunSummary:
    """What a run did: the records it wrote, the cells it skipped and why, how it ended."""

    ran: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Cell] = field(default_factory=list)  # an ok or skipped record exists
    elsewhere: list[tuple[Cell, Owner]] = field(default_factory=list)  # a live claim of another run
    held_back: list[Cell] = field(default_factory=list)  # crashed a runner before: --retry-failed
    recorded: list[dict[str, Any]] = field(default_factory=list)  # failed from a dead runner's claim
    interrupted: bool = False
    terminated: bool = False  # by SIGTERM (``interrupted`` too)
    disk_error: str | None = None  # the one line of a write that failed; the run stopped there
    unreadable_claims: list[Path] = field(default_factory=list)  # damaged claim files taken over as stale

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The records of cells that did not end ok (nor skipped as not applicable)."""
        return [record for record in [*self.ran, *self.recorded] if record.get("status") not in DONE]


#: Called once per cell: with its record, or with None and why it was skipped.
Report = Callable[..., None]
#: The stage of a failed record written from the claim of a runner that died inside the cell.
CRASH_STAGE = "crash"


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


def done_reason(record: dict[str, Any]) -> str:
    """Why a cell with this (done) record is not run again."""
    return "ok record exists" if record["status"] == "ok" else f"skipped: {record.get('reason')}"


def cells_to_run(cells: Sequence[Cell], registry: Registry, setup: RunSetup, force: bool,
                 summary: RunSummary, report: Report, *, retry_failed: bool = False) -> list[Cell]:
    """The cells to run: all with ``force``; else those without an ``ok`` or ``skipped`` record, and without a
    record of having crashed a runner unless ``retry_failed``. The others are skipped and reported."""
    todo = []
    for cell in cells:
        record = None if force else setup.store.read(cell.key(registry.get(cell.task)))
        if record is not None and record["status"] in DONE:
            summary.skipped.append(cell)
            report(cell, None, done_reason(record))
        elif record is not None and record.get("stage") == CRASH_STAGE and not retry_failed:
            summary.held_back.append(cell)
            report(cell, None, "crashed a runner before; --retry-failed runs it again")
        else:
            todo.append(cell)
    return todo


class Gate:
    """Lets a cell run only under this run's claim, and only when no other run has done it meanwhile."""

    def __init__(self, registry: Registry, setup: RunSetup, summary: RunSummary, report: Report, *,
                 force: bool, retry_failed: bool) -> None:
        self.registry, self.setup, self.summary, self.report = registry, setup, summary, report
        self.force, self.retry = force, retry_failed or force
        self.book = ClaimBook(setup.run_id, setup.claim_timeout_s)
        # With --force, the ok records that were there before this run: another run's newer one is kept.
        self.before: dict[Path, str | None] = {}

    def note(self, cells: Sequence[Cell]) -> None:
        """Remember which run wrote each ok record now, before any cell runs."""
        for cell in cells:
            record = self.setup.store.read(self._key(cell))
            self.before[self._path(cell)] = record.get("run_id") if record else None

    def open(self, cell: Cell, *, in_process: bool) -> bool:
        """Claim ``cell``; False (and reported) when it runs elsewhere, was done meanwhile, or crashed a runner."""
        claim = self.setup.store.claim_path(self._key(cell))
        try:
            outcome = self.book.acquire(claim, in_process)
        except OSError as error:
            raise DiskError(claim, error) from None
        if isinstance(outcome, Busy):
            self.summary.elsewhere.append((cell, outcome.owner))
            self.report(cell, None, f"running elsewhere: {outcome.owner.describe()}")
            return False
        record = self.setup.store.read(self._key(cell))
        if record is not None and record["status"] in DONE and (
                not self.force or record.get("run_id") != self.before.get(self._path(cell))):
            self.close(cell)
            self.summary.skipped.append(cell)
            self.report(cell, None, done_reason(record))
            return False
        if outcome.unreadable:
            self.summary.unreadable_claims.append(claim)
        dead = outcome.dead
        if dead is not None and dead.in_process and not self.retry and (record or {}).get("run_id") != dead.run_id:
            self.summary.recorded.append(self._crashed(cell, dead))
            self.close(cell)
            self.report(cell, self.summary.recorded[-1])
            return False
        return True

    def close(self, cell: Cell) -> None:
        """Give the claim of ``cell`` back."""
        self.book.release(self.setup.store.claim_path(self._key(cell)))

    def _crashed(self, cell: Cell, dead: Owner) -> dict[str, Any]:
        error = (f"{dead.describe()} died while running this cell in its own process: the cell most likely "
                 f"crashed it (a segmentation fault, the out-of-memory killer), or it was killed; "
                 f"--retry-failed runs it again")
        return write_failed_record(self.registry.get(cell.task), cell, self.setup, stage=CRASH_STAGE, error=error,
                                   traceback_text=None, extra={"claim": asdict(dead)})

    def _key(self, cell: Cell) -> Any:
        return cell.key(self.registry.get(cell.task))

    def _path(self, cell: Cell) -> Path:
        return self.setup.store.path_for(self._key(cell))


def run_plan(
    cells: Sequence[Cell],
    registry: Registry,
    setup: RunSetup,
    *,
    jobs: int = 1,
    force: bool = False,
    retry_failed: bool = False,
    report: Report | None = None,
    progress: Any = None,
) -> RunSummary:
    """Run every cell without an ``ok`` record (all of them with ``force``), each under a claim.

    ``progress``: the run's :class:`~benchmarks.running.progress.CellProgress`, which shows the loops
    inside cells (None: they go to :func:`~benchmarks.running.progress.default_reporter`). A record
    that cannot be written stops the run: ``summary.disk_error`` says which file and why.
    """
    report = report or (lambda *_: None)
    summary = RunSummary()
    todo = cells_to_run(cells, registry, setup, force, summary, report, retry_failed=retry_failed)
    gate = Gate(registry, setup, summary, report, force=force, retry_failed=retry_failed)
    try:
        if force:
            gate.note(todo)
        if jobs <= 1:
            _run_here(todo, registry, setup, summary, report, progress.reporter if progress else None, gate)
        else:
            _run_in_workers(todo, registry, setup, jobs, summary, report, progress, gate)
    except KeyboardInterrupt as interruption:
        summary.interrupted = True
        summary.terminated = isinstance(interruption, Terminated)
    except DiskError as error:
        summary.disk_error = str(error)
    finally:
        gate.book.release_all()
    return summary


def _run_here(cells: Sequence[Cell], registry: Registry, setup: RunSetup, summary: RunSummary, report: Report,
              reporter: Reporter | None, gate: Gate) -> None:
    data_key: tuple[Any, ...] | None = None
    loaded: LoadedData | StageError | None = None
    for cell in cells:
        stop_if_terminated()
        task = registry.get(cell.task)
        if not gate.open(cell, in_process=True):
            continue
        try:
            shared = data_key == cell.data_key()
            if not shared:
                loaded = None  # free the previous data before loading the next
                data_key = cell.data_key()
                try:
                    loaded = load_data(task, cell, setup, reporter)
                except StageError as failure:
                    loaded = failure
            if isinstance(loaded, StageError):
                # A load that failed (or does not apply) ends every method of that data, each with its own record.
                record = write_load_outcome(task, cell, setup, loaded)
            else:
                record = run_cell(task, cell, setup, loaded, data_shared=shared, reporter=reporter)
        finally:
            gate.close(cell)
        summary.ran.append(record)
        report(cell, record)
    stop_if_terminated()


def _run_in_workers(
    cells: Sequence[Cell], registry: Registry, setup: RunSetup, jobs: int, summary: RunSummary, report: Report,
    progress: Any, gate: Gate,
) -> None:
    from dataclasses import replace

    from benchmarks.running.context import available_cores

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
                if not gate.open(cell, in_process=False):  # the worker's death is not this process's
                    continue
                process = spawn.Process(
                    target=_worker_main, args=(cell, worker_setup, queue, os.getpid()), name=f"cell {cell.label()}",
                    daemon=False,
                )
                process.start()
                running[process.sentinel] = (process, cell)
            if not running:
                continue
            for sentinel in multiprocessing.connection.wait(list(running)):
                process, cell = running.pop(sentinel)
                process.join()
                if progress is not None:
                    progress.end_cell(cell.label())
                try:
                    record = _worker_outcome(registry, cell, setup, process.exitcode)
                finally:
                    gate.close(cell)
                summary.ran.append(record)
                report(cell, record)
    except BaseException:  # Ctrl-C, SIGTERM, a disk that fails: no worker may outlive the run
        for process, _ in running.values():
            stop_group(process)  # the worker turns SIGTERM into KeyboardInterrupt: no partial record
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
    # Written only where no ok record of another run is (the store keeps those).
    return write_failed_record(task, cell, setup, stage="worker", error=describe_exit(exitcode), traceback_text=None)


def describe_exit(exitcode: int | None) -> str:
    """Why a worker ended without a record, in words a user can act on."""
    if exitcode is None:
        return "worker process did not exit"
    if exitcode == EXIT_DISK:
        return "worker process could not write the cell's record (a disk error)"
    if exitcode < 0:
        number = -exitcode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        hint = " (often the out-of-memory killer: the cell needed more memory than was free)" if number == signal.SIGKILL else ""
        return f"worker process died from {name}{hint}"
    return f"worker process exited with status {exitcode} without writing a record"


def _worker_main(cell: Cell, setup: RunSetup, queue: Any, parent_pid: int) -> None:
    """Entry point of a worker process: one cell, one record; its loops' progress goes to ``queue``.

    The worker dies with ``parent_pid`` (the runner), and leads a process group of its own, which a guard
    kills once the worker has ended.
    """
    lead_own_group()
    guard_group()  # what the cell starts dies with it, also when the runner's death SIGKILLs this worker
    die_with_parent(parent_pid)
    os.environ[WORKER_ENV] = "1"
    from benchmarks.running.context import THREADS_ENV

    # Code without a context (a task's evaluate) learns the worker's share of the cores from here too.
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS", THREADS_ENV):
        os.environ.setdefault(variable, str(setup.threads))
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    from benchmarks.contract.registry import discover

    try:
        registry = discover()
        task = registry.get(cell.task)
        _limit_torch_threads(setup.threads)
        run_cell(task, cell, setup, reporter=QueueReporter(queue) if queue is not None else None)
    except KeyboardInterrupt:
        os._exit(130)
    except DiskError:
        os._exit(EXIT_DISK)  # the runner writes the failure, or meets the same disk error and says so


def _limit_torch_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)  # the worker's own process: no caller's setting to restore


def _raise_keyboard_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
