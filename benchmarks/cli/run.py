"""``run``: plan the cells, run them here, in workers or as cluster jobs, and print their leaderboard."""

from __future__ import annotations

import argparse

from rich.console import Console

from benchmarks.cli.errors import EXIT_FAILED, EXIT_INTERRUPTED, UsageError
from benchmarks.cli.shared import reconcile_jobs, registry_of
from benchmarks.contract.registry import Registry
from benchmarks.records.store import ResultStore, read_records
from benchmarks.results import baselines, leaderboard, render
from benchmarks.running import cluster
from benchmarks.running.execution import RunSetup
from benchmarks.running.lifeline import EXIT_TERMINATED
from benchmarks.running.scheduler import RunSummary


def run(args: argparse.Namespace) -> int:
    """``run``: plan the cells (options checked first), run them, print their leaderboard."""
    from benchmarks.running import provenance
    from benchmarks.running.cells import parse_assignments, plan
    from benchmarks.running.context import available_cores
    from benchmarks.running.inputs import with_input_hashes
    from benchmarks.running.progress import CellProgress
    from benchmarks.running.scheduler import new_run_id, resolve_device, run_plan

    console = Console(stderr=True)
    jobs = available_cores() if args.jobs in (None, "auto") else int(args.jobs)
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    registry = registry_of(console)
    seeds = [args.seed] if args.seed is not None else list(range(args.seeds if args.seeds is not None else 1))
    if not seeds:
        raise UsageError("--seeds must be at least 1")
    try:
        cells = plan(registry, tasks=list(dict.fromkeys(args.task)), methods=list(dict.fromkeys(args.method)),
                     size=args.size, seeds=seeds,
                     settings=parse_assignments(args.settings))
        device = resolve_device(args.device)
    except ValueError as error:
        raise UsageError(str(error)) from None
    store = ResultStore(args.results, create=True)
    store.check_writable()
    if args.executor != "process":
        cluster.check_available(args.executor, _cluster_settings(args))
    cells = with_input_hashes(cells, registry, store.root)
    setup = RunSetup(store=store, device=device, provenance=provenance.collect(device), run_id=new_run_id(),
                     claim_timeout_s=args.claim_timeout * 60)
    reconcile_jobs(store, registry, setup, console)
    console.print(f"{len(cells)} cells on {device} ({args.executor}), results in {store.root}")
    from benchmarks.running.plan import show as show_plan

    estimates = show_plan(cells, registry, store, jobs=jobs, force=args.force, console=console)
    with CellProgress(len(cells), console, {e.label: e for e in estimates}, jobs=jobs) as progress:
        if args.executor == "process":
            summary = run_plan(cells, registry, setup, jobs=jobs, force=args.force,
                               retry_failed=args.retry_failed, report=progress.report, progress=progress,
                               estimates={e.label: e for e in estimates})
        else:
            summary = cluster.submit(cells, registry, setup, kind=args.executor, settings=_cluster_settings(args),
                                     force=args.force, retry_failed=args.retry_failed, wait=not args.no_wait,
                                     report=progress.report)
    for claim in summary.unreadable_claims:
        console.print(f"[yellow]warning:[/yellow] {claim} was no readable claim (damaged or hand-written): taken "
                      "over as stale", highlight=False)
    for warning in store.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning} (set aside: the cell runs again)", highlight=False)
    return _conclude(args, cells, registry, store, setup, summary, console)


def _conclude(args: argparse.Namespace, cells: list, registry: Registry, store: ResultStore, setup: RunSetup,
              summary: RunSummary, console: Console) -> int:
    """The run's last lines and exit status: what was kept, what failed, what runs elsewhere."""
    kept = sum(record.get("status") == "ok" for record in summary.ran)
    if summary.disk_error:
        console.print(f"[red]error:[/red] {summary.disk_error}; kept {kept} ok records written before it "
                      f"and {len(summary.skipped)} from earlier runs; {len(cells) - len(summary.ran) - len(summary.skipped)}"
                      " cells not run (free space or fix the folder, then run again to resume)", highlight=False)
        return EXIT_FAILED
    if summary.interrupted:
        how = "terminated (SIGTERM)" if summary.terminated else "interrupted"
        console.print(f"[yellow]{how}[/yellow]: {kept} finished cells kept; run again to resume", highlight=False)
        return EXIT_TERMINATED if summary.terminated else EXIT_INTERRUPTED
    if args.executor != "process" and args.no_wait:
        submitted = len(cells) - len(summary.skipped)
        console.print(f"submitted {submitted} jobs; their records land in {store.root} as they finish "
                      f"(logs in {store.root / cluster.JOBS_FOLDER / setup.run_id})")
        return 0
    # Every record of the tasks and sizes run, so that a method of the user's stands beside the suite's
    # rows run earlier into the same folder (and the recorded reference runs).
    shown = {(cell.task, cell.size) for cell in cells}
    records, _ = read_records(store.root)
    ours = [record for record in records if (record["task"], record["size"]) in shown]
    published, _ = baselines.read_published(baselines.default_folder())
    recorded, _ = baselines.read_recorded(baselines.default_folder())
    render.to_terminal(leaderboard.build(ours, published, recorded, tasks=registry.tasks))
    console.print(f"ran {len(summary.ran)} cells, skipped {len(summary.skipped)} with ok records (--force reruns them)"
                  + (f", {len(summary.elsewhere)} running elsewhere" if summary.elsewhere else "")
                  + (f", {len(summary.held_back)} that crashed a runner (--retry-failed reruns them)"
                     if summary.held_back else ""))
    if summary.failed:
        console.print(f"[red]{len(summary.failed)} cells failed:[/red]")
        for record in summary.failed:
            console.print(f"  {record['task']}/{record['size']}/{record['method']} seed {record['seed']} "
                          f"({record.get('stage')}): {record.get('error')}", highlight=False)
        return EXIT_FAILED
    return 0


def _cluster_settings(args: argparse.Namespace) -> "cluster.ClusterSettings":
    return cluster.ClusterSettings(
        partition=args.partition, time_min=args.time_min, cpus=args.cpus, mem_gb=args.mem_gb, gpus=args.gpus,
        array_parallelism=args.array_parallelism, sbatch=tuple(args.sbatch),
    )
