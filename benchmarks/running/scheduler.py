"""Running the cells of a plan: in this process, or in up to ``jobs`` worker processes.

With ``jobs == 1`` cells run here, and methods of the same (task, size, seed, options) share
one loaded dataset. With ``jobs > 1`` cells run in persistent workers (spawned, not forked: no
inherited threads or CUDA state), each a loop over cells that keeps the data of its last data set for
the next cell of that set; the longest cells start first, and a cell starts beside others only while the
free memory holds its expected peak. A crash — an exception, a segmentation fault, the out-of-memory
killer — takes down that cell alone: the parent writes a ``failed`` record for a worker that died without
writing one, and a fresh worker takes its place; workers die with their parent. A cell's threads are its
method's (``Method.threads``) whatever ``jobs`` is, so its numbers do not depend on the number of workers.

Every cell runs under a claim (:mod:`benchmarks.running.claims`), so any number of runs can share a
results folder: a cell claimed by a live run is skipped ("running elsewhere"), one whose
claim's owner died is taken over. A cell that was running inside a runner that died (a
segmentation fault with ``--jobs 1``) is recorded as failed instead of run again, so it cannot
take every rerun down with it; ``--retry-failed`` runs it again.
"""

from __future__ import annotations

import contextlib
import math
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
from benchmarks.running.progress import WARNING_MESSAGE, QueueReporter, Reporter

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
    estimates: Any = None,
) -> RunSummary:
    """Run every cell without an ``ok`` record (all of them with ``force``), each under a claim.

    ``progress``: the run's :class:`~benchmarks.running.progress.CellProgress`, which shows the loops
    inside cells (None: they go to :func:`~benchmarks.running.progress.default_reporter`). A record
    that cannot be written stops the run: ``summary.disk_error`` says which file and why. ``estimates``: the
    plan's :class:`~benchmarks.running.schedule.Estimate` of each cell by label, which orders the workers' cells
    (longest first) and gives their expected peak memory.
    """
    report = report or (lambda *_: None)
    summary = RunSummary()
    todo = cells_to_run(cells, registry, setup, force, summary, report, retry_failed=retry_failed)
    gate = Gate(registry, setup, summary, report, force=force, retry_failed=retry_failed)
    try:
        if force:
            gate.note(todo)
        # A cell whose method cannot reach a worker process (a lambda, a function defined in a notebook) runs here.
        here = todo if jobs <= 1 else [cell for cell in todo if not _picklable(cell)]
        if len(here) < len(todo):
            _run_in_workers([cell for cell in todo if cell not in here], registry, setup, jobs, summary, report,
                            progress, gate, estimates)
        if here:
            _run_here(here, registry, setup, summary, report, progress.reporter if progress else None, gate)
    except KeyboardInterrupt as interruption:
        summary.interrupted = True
        summary.terminated = isinstance(interruption, Terminated)
    except DiskError as error:
        summary.disk_error = str(error)
    finally:
        gate.book.release_all()
    return summary


class HeldData:
    """The data of the last data set a process loaded, which the next cell of that set reuses."""

    def __init__(self) -> None:
        self.key: tuple[Any, ...] | None = None
        self.loaded: LoadedData | StageError | None = None

    def run(self, task: Any, cell: Cell, setup: RunSetup, reporter: Reporter | None) -> dict[str, Any]:
        """Run ``cell`` on the data held when it is its data set's, else load that first; returns its record."""
        shared = self.key == cell.data_key() and self.loaded is not None
        if not shared:
            self.loaded = None  # free the previous data before loading the next
            self.key = cell.data_key()
            try:
                self.loaded = load_data(task, cell, setup, reporter)
            except StageError as failure:
                self.loaded = failure
        if isinstance(self.loaded, StageError):
            # A load that failed (or does not apply) ends every method of that data, each with its own record.
            return write_load_outcome(task, cell, setup, self.loaded)
        return run_cell(task, cell, setup, self.loaded, data_shared=shared, reporter=reporter)


def _picklable(cell: Cell) -> bool:
    import pickle

    try:
        pickle.dumps(cell)
    except Exception:  # noqa: BLE001 - pickle raises many kinds for what it cannot send
        return False
    return True


def _run_here(cells: Sequence[Cell], registry: Registry, setup: RunSetup, summary: RunSummary, report: Report,
              reporter: Reporter | None, gate: Gate) -> None:
    held = HeldData()
    for cell in cells:
        stop_if_terminated()
        task = registry.get(cell.task)
        if not gate.open(cell, in_process=True):
            continue
        try:
            record = held.run(task, cell, setup, reporter)
        finally:
            gate.close(cell)
        summary.ran.append(record)
        report(cell, record)
    stop_if_terminated()


#: A cell starts beside others only while the free memory exceeds its expected peak this many times over.
MEMORY_MARGIN = 1.2
#: The expected peak of a cell without a recorded one, in MiB.
DEFAULT_PEAK_MB = 1024.0


def memory_allows(peak_mb: float, margin: float = MEMORY_MARGIN) -> bool:
    """Whether the memory free now holds a cell of expected peak ``peak_mb`` (NaN: unknown, 1 GiB) with the margin."""
    import psutil

    need = (DEFAULT_PEAK_MB if peak_mb != peak_mb else peak_mb) * margin * 2**20
    return psutil.virtual_memory().available > need


@dataclass
class _Worker:
    """A worker process, the parent's end of its pipe, the data set it holds and the cell it runs (None: idle)."""

    process: Any
    conn: Any
    key: tuple[Any, ...] | None = None
    cell: Cell | None = None


def _run_in_workers(
    cells: Sequence[Cell], registry: Registry, setup: RunSetup, jobs: int, summary: RunSummary, report: Report,
    progress: Any, gate: Gate, estimates: Any = None,
) -> None:
    """Up to ``jobs`` persistent workers: each runs one cell at a time and keeps the data of its last data set
    for the next cell of that set. An idle worker gets a pending cell of the data set it holds where there is
    one, else the longest pending cell; a cell starts beside others only while free memory allows it."""
    from benchmarks.running.context import available_cores, method_threads
    from benchmarks.running.schedule import Estimate, longest_first, pick

    spawn = multiprocessing.get_context("spawn")
    known = dict(estimates or {})
    unknown = Estimate("", math.nan, "no estimate")
    pending = [cells[k] for k in longest_first([known.get(cell.label(), unknown) for cell in cells])]
    workers: list[_Worker] = []
    queue = spawn.Queue() if progress is not None else None
    if queue is not None:
        progress.drain(queue)

    def start_worker() -> _Worker:
        ours, theirs = spawn.Pipe()
        process = spawn.Process(target=_worker_main, args=(setup, queue, os.getpid(), theirs, available_cores()),
                                name=f"worker {len(workers) + 1}", daemon=False)
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def dispatch() -> None:
        while pending:
            idle = [w for w in workers if w.cell is None]
            worker, index = None, 0
            for candidate in idle:  # a worker that holds the data of a pending cell runs that cell
                at = pick(pending, candidate.key, Cell.data_key)
                if candidate.key is not None and pending[at].data_key() == candidate.key:
                    worker, index = candidate, at
                    break
            else:
                if idle:
                    worker = idle[0]
                elif len(workers) >= jobs:
                    return
            cell = pending[index]
            if any(w.cell is not None for w in workers) and not memory_allows(
                    known.get(cell.label(), unknown).peak_mb):
                return  # at least one cell always runs; this one waits for memory to come free
            del pending[index]
            if not gate.open(cell, in_process=False):  # the worker's death is not this process's
                continue
            if worker is None:
                worker = start_worker()
                workers.append(worker)
            task = registry.get(cell.task)
            threads = method_threads(cell.resolved(task).method.threads)
            try:
                worker.conn.send((cell, threads))
            except (BrokenPipeError, OSError):  # it died while idle: the cell waits for another worker
                gate.close(cell)
                pending.insert(index, cell)
                _retire(worker, workers)
                continue
            worker.cell, worker.key = cell, cell.data_key()

    def finish(worker: _Worker, exitcode: int | None) -> None:
        cell, worker.cell = worker.cell, None
        assert cell is not None
        if progress is not None:
            progress.end_cell(cell.label())
        try:
            record = _worker_outcome(registry, cell, setup, exitcode)
        finally:
            gate.close(cell)
        summary.ran.append(record)
        report(cell, record)

    try:
        while True:
            stop_if_terminated()
            dispatch()
            busy = [w for w in workers if w.cell is not None]
            if not busy:
                if not pending:
                    break
                continue  # every cell tried was claimed elsewhere or done meanwhile
            ready = set(multiprocessing.connection.wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for worker in busy:
                if worker.conn not in ready and worker.process.sentinel not in ready:
                    continue
                done = False
                try:
                    done = worker.conn.poll() and worker.conn.recv() == "done"
                except (EOFError, OSError):
                    pass
                if done:
                    finish(worker, 0)
                elif not worker.process.is_alive() or worker.process.sentinel in ready:
                    worker.process.join()
                    finish(worker, worker.process.exitcode)  # a segfault, the OOM killer, os._exit
                    _retire(worker, workers)  # replaced by a fresh worker while cells remain
    except BaseException:  # Ctrl-C, SIGTERM, a disk that fails: no worker may outlive the run
        for worker in workers:
            stop_group(worker.process)  # the worker turns SIGTERM into KeyboardInterrupt: no partial record
        for worker in workers:
            worker.process.join(timeout=30)
        raise
    else:
        for worker in workers:  # idle now: each ends its loop
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in workers:
            worker.process.join(timeout=30)
            if worker.process.is_alive():
                stop_group(worker.process)
                worker.process.join(timeout=30)
    finally:
        if queue is not None:
            queue.put(None)  # ends the thread that shows the workers' progress


def _retire(worker: _Worker, workers: list[_Worker]) -> None:
    workers.remove(worker)
    worker.process.join(timeout=30)
    worker.conn.close()


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


def _worker_main(setup: RunSetup, queue: Any, parent_pid: int, conn: Any, cores: int) -> None:
    """Entry point of a worker process: a loop that receives ``(cell, threads)``, runs the cell (one record),
    and answers ``"done"``, until it receives None. It keeps the data of its last data set and reuses it for
    the next cell of that set; its loops' progress and its warnings go to ``queue``.

    The worker dies with ``parent_pid`` (the runner), and leads a process group of its own, which a guard
    kills once the worker has ended.
    """
    lead_own_group()
    guard_group()  # what the cell starts dies with it, also when the runner's death SIGKILLs this worker
    die_with_parent(parent_pid)
    os.environ[WORKER_ENV] = "1"
    _size_pools(cores)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    if queue is not None:
        forward_warnings(queue)
    from dataclasses import replace

    from benchmarks.contract.registry import discover

    held = HeldData()  # the data of its last data set, for the next cell of that set
    try:
        registry = discover()
        while True:
            try:
                message = conn.recv()
            except EOFError:  # the runner is gone
                break
            if message is None:
                break
            cell, threads = message
            _hold_threads(threads)
            cell_setup = replace(setup, threads=threads)
            reporter = QueueReporter(queue) if queue is not None else None
            held.run(registry.get(cell.task), cell, cell_setup, reporter)
            conn.send("done")
    except KeyboardInterrupt:
        os._exit(130)
    except DiskError:
        os._exit(EXIT_DISK)  # the runner writes the failure, or meets the same disk error and says so


def _size_pools(cores: int) -> None:
    """Thread pools sized, when a library starts them, for the most threads a cell of this run may use (OpenBLAS and
    numba cannot grow theirs later); :func:`~benchmarks.running.execution.run_cell` holds them to each cell's."""
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(variable, str(cores))


def _hold_threads(threads: int) -> None:
    """The cell's threads in the worker's environment: code without a context (a task's evaluate) learns them here."""
    from benchmarks.running.context import THREADS_ENV

    os.environ[THREADS_ENV] = str(threads)


def forward_warnings(queue: Any) -> None:
    """Send this process's warnings to the runner, which shows each once per run (as in one process)."""
    import warnings

    def show(message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
        with contextlib.suppress(Exception):
            queue.put((WARNING_MESSAGE, warnings.formatwarning(message, category, filename, lineno, line)))

    warnings.showwarning = show


def _raise_keyboard_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
