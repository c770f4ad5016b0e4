"""Cells as cluster jobs through submitit: on SLURM (``--executor slurm``) or on this machine
through submitit's local executor (``--executor local``, the same code path, used by the tests).

Every cell is one task of a job array. The job writes the cell's record itself, into the
results folder that the cluster shares, so records appear as jobs finish. A job that dies
without writing one (killed for memory or time, cancelled, a node failure) gets a ``failed``
record naming its job id, final state and log files: by the waiting ``run``, or, after
``--no-wait``, by the next ``run`` or ``leaderboard`` on that folder, which read the job list
the submission left in ``<results>/.jobs/``. A preempted job is requeued and runs its cell again.
"""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.contract.registry import Registry
from benchmarks.records.store import ResultStore
from benchmarks.running.cells import Cell
from benchmarks.running.claims import Busy, ClaimBook
from benchmarks.running.execution import RunSetup, run_cell, write_failed_record
from benchmarks.running.scheduler import Report, RunSummary, cells_to_run

EXECUTORS = ("process", "local", "slurm")
ELSEWHERE = "running elsewhere"  # what a job returns that found its cell claimed by another run
JOBS_FOLDER = ".jobs"
#: Final SLURM states, with what to tell the user.
FINAL_STATES = {
    "OUT_OF_MEMORY": "the job needed more memory than it asked for: raise --mem-gb",
    "TIMEOUT": "the job reached its time limit: raise --time-min",
    "CANCELLED": "the job was cancelled",
    "FAILED": "the job failed: see its log",
    "NODE_FAIL": "its node failed: run again to resume",
    "PREEMPTED": "the job was preempted and not requeued: run again to resume",
    "BOOT_FAIL": "its node failed to boot: run again to resume",
    "DEADLINE": "the job reached its deadline",
    "COMPLETED": "the job ended without writing a record: see its log",
    "FINISHED": "the job ended without writing a record: see its log",
}


class ClusterUnavailable(RuntimeError):
    """submitit or SLURM is missing, or the request does not fit the cluster."""


@dataclass(frozen=True)
class ClusterSettings:
    """What each job asks the cluster for (``run``'s cluster flags)."""
    partition: str | None = None
    time_min: int = 60
    cpus: int = 2
    mem_gb: float | None = None
    gpus: int = 0
    array_parallelism: int = 64
    sbatch: tuple[str, ...] = ()  # extra "key=value" flags, e.g. "qos=short", "account=lab"

    def sbatch_parameters(self) -> dict[str, str]:
        """The ``--sbatch KEY=VALUE`` flags as submitit's additional SLURM parameters."""
        parameters = {}
        for flag in self.sbatch:
            key, sep, value = flag.lstrip("-").partition("=")
            if not sep or not key:
                raise ClusterUnavailable(f"--sbatch expects KEY=VALUE (e.g. qos=short), got {flag!r}")
            parameters[key.replace("-", "_")] = value
        return parameters


def check_available(kind: str, settings: ClusterSettings) -> None:
    """Fail early, in words, when the executor cannot work here."""
    try:
        import submitit  # noqa: F401
    except ImportError:
        raise ClusterUnavailable(
            f"--executor {kind} needs submitit: pip install 'science-benchmarks[slurm]' (or pip install submitit)"
        ) from None
    if kind != "slurm":
        return
    if shutil.which("sbatch") is None:
        raise ClusterUnavailable("--executor slurm needs SLURM's sbatch on PATH; run on a cluster login node")
    if settings.partition:
        partitions = _partitions()
        if partitions and settings.partition not in partitions:
            close = difflib.get_close_matches(settings.partition, partitions, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ClusterUnavailable(
                f"unknown SLURM partition {settings.partition!r}.{hint} Known: {', '.join(sorted(partitions))}")


def _partitions() -> list[str]:
    try:
        out = subprocess.run(["sinfo", "-h", "-o", "%P"], capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return []  # sinfo missing or failing: sbatch will judge the partition
    return sorted({line.strip().rstrip("*") for line in out.splitlines() if line.strip()})


class CellJob:
    """What one job runs: one cell. Requeued with the same cell when preempted."""

    def __call__(self, cell: Cell, setup: RunSetup) -> str:
        from benchmarks.contract.registry import discover
        from benchmarks.running.progress import LineReporter

        task = discover().get(cell.task)
        book = ClaimBook(setup.run_id, setup.claim_timeout_s)
        if isinstance(book.acquire(setup.store.claim_path(cell.key(task)), in_process=True), Busy):
            return ELSEWHERE  # another run works on this cell: its record will land there
        try:
            # No terminal watches a job: its loops report as lines in the job's log.
            record = run_cell(task, cell, setup, reporter=LineReporter())
        finally:
            book.release_all()
        return str(record["status"])

    def checkpoint(self, cell: Cell, setup: RunSetup) -> Any:
        """submitit calls this on preemption: the job is requeued with the same cell."""
        import submitit

        return submitit.helpers.DelayedSubmission(self, cell, setup)


class PreparationJob:
    """What a preparation job runs: step ``index`` of ``task.prepare(size, options)``.

    The job asks the task for its steps again, so a step need not be picklable, only the
    list deterministic.
    """

    def __call__(self, task_name: str, size: str, options: dict[str, Any], index: int) -> None:
        from types import MappingProxyType

        from benchmarks.contract.registry import discover
        from benchmarks.contract.task import resolve

        task = discover().get(task_name)
        resolve(task.prepare)(size, MappingProxyType(options))[index]()


@dataclass
class SubmittedJob:
    """A submitted cell's job: id, where its record lands, its logs (kept in the job list)."""
    job_id: str
    record: str  # record path relative to the results folder
    stdout: str
    stderr: str
    cell: dict[str, Any] = field(default_factory=dict)


def submit(
    cells: Sequence[Cell],
    registry: Registry,
    setup: RunSetup,
    *,
    kind: str,
    settings: ClusterSettings,
    force: bool = False,
    retry_failed: bool = False,
    wait: bool = True,
    report: Report | None = None,
    poll_s: float | None = None,
) -> RunSummary:
    """Submit every cell without an ``ok`` record as one job of an array; wait unless told not to."""
    import submitit

    report = report or (lambda cell, record, reason=None: None)
    summary = RunSummary()
    todo = cells_to_run(cells, registry, setup, force, summary, report, retry_failed=retry_failed)
    if not todo:
        return summary
    folder = setup.store.root.resolve() / JOBS_FOLDER / setup.run_id
    executor = submitit.AutoExecutor(folder=folder / "%j", cluster="local" if kind == "local" else "slurm")
    executor.update_parameters(
        name="benchmarks", timeout_min=settings.time_min, cpus_per_task=settings.cpus, gpus_per_node=settings.gpus,
        **({"mem_gb": settings.mem_gb} if settings.mem_gb else {}),
        slurm_partition=settings.partition, slurm_array_parallelism=settings.array_parallelism,
        slurm_additional_parameters=settings.sbatch_parameters(),
    )
    preparation = _submit_preparation(executor, registry, todo, kind)
    if kind == "local":
        _no_result_grace(preparation)
    if preparation and kind == "slurm":
        # The cells start once every preparation step has ended well, also after --no-wait.
        arrays = sorted({str(job.job_id).split("_")[0] for job in preparation})
        executor.update_parameters(slurm_additional_parameters={
            **settings.sbatch_parameters(), "dependency": "afterok:" + ":".join(arrays)})
    elif preparation:
        _wait_for_preparation(preparation, poll_s or 0.5)
    with executor.batch():
        jobs = [executor.submit(CellJob(), cell, setup) for cell in todo]
    if kind == "local":
        _no_result_grace(jobs)
    submitted = [
        SubmittedJob(str(job.job_id), str(cell.key(registry.get(cell.task)).relative_path),
                     str(job.paths.stdout), str(job.paths.stderr), cell.to_json())
        for job, cell in zip(jobs, todo)
    ]
    _write_job_list(setup.store, setup.run_id, kind, submitted)
    if not wait:
        return summary
    poll_s = poll_s if poll_s is not None else (0.5 if kind == "local" else 15.0)  # sacct is shared: ask rarely
    pending = list(zip(jobs, todo, submitted))
    try:
        while pending:
            still = []
            for job, cell, entry in pending:
                if not job.done():
                    still.append((job, cell, entry))
                    continue
                error = _job_error(job)  # once: a job without a result makes submitit wait for one
                if not error and job.result() == ELSEWHERE:
                    report(cell, None, ELSEWHERE)
                else:
                    record = _outcome(registry, cell, setup, entry, job.state, error)
                    summary.ran.append(record)
                    report(cell, record)
            pending = still
            if pending:
                time.sleep(poll_s)
    except KeyboardInterrupt:
        summary.interrupted = True  # the jobs go on; their records land in the results folder
    return summary


def _submit_preparation(executor: Any, registry: Registry, cells: Sequence[Cell], kind: str) -> list[Any]:
    """One array of every preparation step that the cells' data need (see ``Task.prepare``)."""
    from types import MappingProxyType

    from benchmarks.contract.task import resolve

    steps = []
    for task_name, size, options in dict.fromkeys((c.task, c.size, tuple(sorted(c.options.items()))) for c in cells):
        task = registry.get(task_name)
        if task.prepare is not None:
            count = len(resolve(task.prepare)(size, MappingProxyType(dict(options))))
            steps.extend((task_name, size, dict(options), index) for index in range(count))
    if not steps:
        return []
    with executor.batch():
        return [executor.submit(PreparationJob(), *step) for step in steps]


def _no_result_grace(jobs: Sequence[Any]) -> None:
    """Local jobs write their result to this machine's disk before their process ends, so a finished job
    without one crashed: record it at once rather than after submitit's 15-s wait for a slow shared disk."""
    for job in jobs:
        job._results_timeout_s = 0


def _wait_for_preparation(jobs: Sequence[Any], poll_s: float) -> None:
    while not all(job.done() for job in jobs):
        time.sleep(poll_s)
    failed = [(job, _job_error(job)) for job in jobs]
    failed = [(job, error) for job, error in failed if error]
    if failed:
        job, error = failed[0]
        raise ClusterUnavailable(
            f"{len(failed)} of {len(jobs)} data preparation jobs failed, so no cell was submitted; "
            f"first: job {job.job_id}: {error} (log: {job.paths.stdout})")


def _job_error(job: Any) -> str:
    try:
        job.result()
    except Exception as error:  # submitit's FailedJobError / UncompletedJobError carry the log excerpt
        return " ".join(line.strip() for line in str(error).strip().splitlines()[:2])
    return ""


def _outcome(registry: Registry, cell: Cell, setup: RunSetup, entry: SubmittedJob, state: str,
             error: str) -> dict[str, Any]:
    task = registry.get(cell.task)
    record = setup.store.read(cell.key(task))
    if record is not None and record.get("run_id") == setup.run_id:
        return record
    state = (state or "UNKNOWN").split()[0].upper()
    hint = FINAL_STATES.get(state, "see its log")
    return write_failed_record(
        task, cell, setup, stage="job", traceback_text=None,
        error=f"job {entry.job_id} ended {state} ({hint}); log: {entry.stdout}" + (f"; {error}" if error else ""),
        extra={"job": {"id": entry.job_id, "state": state, "stdout": entry.stdout, "stderr": entry.stderr}},
    )


def _write_job_list(store: ResultStore, run_id: str, kind: str, submitted: list[SubmittedJob]) -> None:
    from benchmarks.records.store import write_json_atomic

    path = store.root / JOBS_FOLDER / f"{run_id}.json"
    write_json_atomic(path, {"run_id": run_id, "executor": kind, "jobs": [asdict(entry) for entry in submitted]})


def reconcile(store: ResultStore, registry: Registry, setup_for: Any) -> list[dict[str, Any]]:
    """Failed records for SLURM jobs of earlier ``--no-wait`` runs that ended without writing one.

    ``setup_for(run_id)`` gives the :class:`RunSetup` to write them with. Jobs still
    queued or running, and job lists that are fully accounted for, are left alone.
    """
    written = []
    for path in sorted((store.root / JOBS_FOLDER).glob("*.json")):
        try:
            listing = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if listing.get("executor") != "slurm" or shutil.which("sacct") is None:
            continue
        open_jobs = 0
        for entry in map(lambda item: SubmittedJob(**item), listing.get("jobs", [])):
            record = _read(store.root / entry.record)
            if record is not None and record.get("run_id") == listing["run_id"]:
                continue
            state = _slurm_state(entry.job_id, store.root / JOBS_FOLDER / listing["run_id"])
            if state not in FINAL_STATES:
                open_jobs += 1
                continue
            if entry.cell.get("task") in registry.tasks:
                cell = Cell.from_json(entry.cell, registry)
                written.append(_outcome(registry, cell, setup_for(listing["run_id"]), entry, state, ""))
        if not open_jobs:
            path.rename(path.with_suffix(".done"))
    return written


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _slurm_state(job_id: str, folder: Path) -> str:
    import submitit

    return str(submitit.SlurmJob(folder=folder / "%j", job_id=job_id).state).split()[0].upper()
