"""What each command of the command line does (parsing stays in :mod:`benchmarks.cli`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from benchmarks import baselines, cluster, leaderboard, render
from benchmarks.errors import EXIT_FAILED, EXIT_INTERRUPTED, UsageError
from benchmarks.execution import RunSetup
from benchmarks.lifeline import EXIT_TERMINATED
from benchmarks.registry import Registry, discover
from benchmarks.scheduler import RunSummary
from benchmarks.store import DiskError, ResultStore, read_records

if TYPE_CHECKING:
    from benchmarks.data import Dataset


def _registry(console: Console) -> Registry:
    registry = discover()
    for origin, error in registry.broken.items():
        console.print(f"[red]warning:[/red] task {origin} could not be loaded: {error.strip().splitlines()[-1]}")
    return registry


def list_tasks(args: argparse.Namespace) -> int:
    """``list``: each task's question, methods, sizes, metrics, options and datasets."""
    from rich.table import Table

    console = Console()
    registry = _registry(console)
    for name in registry.names():
        task = registry.tasks[name]
        console.rule(f"[bold]{task.name}[/bold] (version {task.version})")
        console.print(task.summary)
        console.print(f"[dim]{task.citation}[/dim]")
        table = Table(show_header=True, header_style="bold", box=None)
        table.add_column("")
        table.add_column("")
        table.add_row("methods", ", ".join(
            f"{m.name} ({m.kind.value}" + (f"; only at {', '.join(m.sizes)} unless named" if m.sizes is not None else "")
            + ")" for m in task.methods))
        table.add_row("sizes", "\n".join(f"{size}: {text}" for size, text in task.sizes.items()))
        table.add_row("metrics", "\n".join(
            f"{m.name}{' (primary)' if i == 0 else ''}: {m.direction.value} is better"
            + (f", {m.unit}" if m.unit else "") for i, m in enumerate(task.metrics)))
        if task.options:
            table.add_row("options", "\n".join(
                f"{o.name} = {o.default!r} ({o.allowed()}{'; overrides the budget' if o.budget else ''})  {o.help}"
                for o in task.options))
        if task.datasets:
            table.add_row("datasets", "\n".join(
                f"{d.name}: {len(d.files)} files, {d.size / 1e6:.1f} MB, {d.licence}" for d in task.datasets))
        console.print(table)
    if not registry.tasks:
        console.print("No tasks found.")
    return 0


def run(args: argparse.Namespace) -> int:
    """``run``: plan the cells (options checked first), run them, print their leaderboard."""
    from benchmarks import provenance
    from benchmarks.cells import parse_assignments, plan
    from benchmarks.progress import CellProgress
    from benchmarks.inputs import with_input_hashes
    from benchmarks.scheduler import new_run_id, resolve_device, run_plan

    console = Console(stderr=True)
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    registry = _registry(console)
    seeds = [args.seed] if args.seed is not None else list(range(args.seeds if args.seeds is not None else 1))
    if not seeds:
        raise UsageError("--seeds must be at least 1")
    try:
        cells = plan(registry, tasks=args.task, methods=args.method, size=args.size, seeds=seeds,
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
    _reconcile_jobs(store, registry, setup, console)
    console.print(f"{len(cells)} cells on {device} ({args.executor}), results in {store.root}")
    from benchmarks.plan import show as show_plan

    estimates = show_plan(cells, registry, store, jobs=args.jobs, force=args.force, console=console)
    with CellProgress(len(cells), console, {e.label: e.seconds for e in estimates}) as progress:
        if args.executor == "process":
            summary = run_plan(cells, registry, setup, jobs=args.jobs, force=args.force,
                               retry_failed=args.retry_failed, report=progress.report, progress=progress)
        else:
            summary = cluster.submit(cells, registry, setup, kind=args.executor, settings=_cluster_settings(args),
                                     force=args.force, retry_failed=args.retry_failed, wait=not args.no_wait,
                                     report=progress.report)
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
    keys = {str(store.path_for(cell.key(registry.get(cell.task)))) for cell in cells}
    records, _ = read_records(store.root)
    ours = [record for record in records if record["_path"] in keys]
    published, _ = baselines.read_published(baselines.default_folder())
    recorded, _ = baselines.read_recorded(baselines.default_folder())
    render.to_terminal(leaderboard.build(ours, published, recorded))
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


def _reconcile_jobs(store: ResultStore, registry: Registry, setup: RunSetup, console: Console) -> None:
    """Failed records for jobs of earlier --no-wait runs that died without writing one."""
    from dataclasses import replace

    for record in cluster.reconcile(store, registry, lambda run_id: replace(setup, run_id=run_id)):
        console.print(f"[red]job failed[/red] {record['task']}/{record['size']}/{record['method']} "
                      f"seed {record['seed']}: {record['error']}", highlight=False)


def leaderboard_command(args: argparse.Namespace) -> int:
    """``leaderboard``: tables of every record in a results folder, in the format asked for."""
    console = Console(stderr=True)
    store = ResultStore(args.results)
    if (store.root / cluster.JOBS_FOLDER).is_dir():
        from benchmarks import provenance

        setup = RunSetup(store=store, device="cpu", provenance=provenance.collect("cpu"), run_id="")
        _reconcile_jobs(store, _registry(console), setup, console)
    records, warnings = store.records()
    folder = Path(args.baselines) if args.baselines else baselines.default_folder()
    published, published_warnings = baselines.read_published(folder)
    recorded, recorded_warnings = baselines.read_recorded(folder)
    for warning in [*warnings, *published_warnings, *recorded_warnings]:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    tables = leaderboard.build(records, published, recorded)
    if args.format == "terminal" and not args.out:
        render.to_terminal(tables)
        return 0
    if args.format == "parquet":
        return _write_parquet(tables, args.out, console)
    text = {
        "terminal": lambda: _terminal_text(tables),
        "markdown": lambda: render.to_markdown(tables),
        "csv": lambda: render.to_csv(tables),
        "html": lambda: _report(records, published, recorded, heading=f"Leaderboard of {store.root}"),
    }[args.format]()
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as error:
            raise DiskError(args.out, error) from None
        console.print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def _report(records: list, published: list, recorded: list, heading: str) -> str:
    """The HTML report: every table, also those of recorded runs that no run of this folder matches."""
    from benchmarks import report, results

    frame = results.concat([results.frame_of(records), results.frame_of(recorded, "recorded")])
    tables = leaderboard.tables_of(frame, published, records, recorded_alone=True)
    return report.page(tables, frame, heading)


def _write_parquet(tables: list[leaderboard.Table], out: str | None, console: Console) -> int:
    if not out:
        raise UsageError("--format parquet writes a binary file: name it with --out FILE.parquet")
    try:
        render.to_parquet(tables, out)
    except OSError as error:
        raise DiskError(out, error) from None
    console.print(f"wrote {out}")
    return 0


def _terminal_text(tables: list[leaderboard.Table]) -> str:
    console = Console(record=True, width=200, file=open("/dev/null", "w"))  # noqa: SIM115
    render.to_terminal(tables, console)
    return console.export_text()


def compare(args: argparse.Namespace) -> int:
    """``compare A B``: per method and metric, the change from folder A to folder B."""
    from benchmarks import compare as comparison

    console = Console(stderr=True)
    from benchmarks import results

    tables, folders = [], []
    for folder in (args.a, args.b):
        ResultStore(folder)  # a missing folder is a usage error
        frame, records, warnings = results.read(folder)
        for warning in warnings:
            console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
        tables.append(leaderboard.tables_of(frame, records=records))
        folders.append(records)
    comparison.to_terminal(comparison.compare(*tables, *folders), render.wide_console())
    return 0


def fetch(args: argparse.Namespace) -> int:
    """``fetch``: download (or copy from the mirror) the datasets of the tasks asked for."""
    from benchmarks.data import DataUnavailable
    from benchmarks.data import fetch as fetch_dataset

    console = Console(stderr=True)
    registry = _registry(console)
    tasks = [registry.get(name) for name in args.tasks] if args.tasks else [registry.tasks[n] for n in registry.names()]
    failures = 0
    for task in tasks:
        for dataset in task.datasets:
            try:
                folder = fetch_dataset(dataset, progress=True)
                console.print(f"[green]ok[/green] {task.name}: {dataset.name} ({len(dataset.files)} files) in {folder}")
            except DataUnavailable as error:
                failures += 1
                console.print(f"[red]failed[/red] {task.name}: {error}", highlight=False)
    if not any(task.datasets for task in tasks):
        console.print("Nothing to fetch: the selected tasks generate their data or take it from a dependency.")
    return EXIT_FAILED if failures else 0


def doctor(args: argparse.Namespace) -> int:
    """What a bug report needs: the software, the hardware, and where each task's data stands."""
    import platform

    from rich.table import Table

    from benchmarks import provenance
    from benchmarks.data import cache_root, mirror_root

    console = Console()
    facts = Table(show_header=False, box=None)
    facts.add_row("Python", f"{platform.python_version()} ({sys.executable})")
    facts.add_row("platform", platform.platform())
    facts.add_row("CPU", f"{provenance.cpu_model()}, {os.cpu_count()} cores")
    facts.add_row("packages", ", ".join(f"{name} {version or '—'}" for name, version in provenance.package_versions().items()))
    for name, value in _torch_facts().items():
        facts.add_row(name, value)
    facts.add_row("data cache", str(cache_root()))
    facts.add_row("data mirror", str(mirror_root() or "— (set BENCHMARKS_MIRROR to use one)"))
    console.print(facts)
    registry = _registry(console)
    data = Table("task", "dataset", "files", "size", "cached", header_style="bold")
    for name in registry.names():
        for dataset in registry.tasks[name].datasets:
            data.add_row(name, dataset.name, str(len(dataset.files)), f"{dataset.size / 1e6:.1f} MB",
                         _cache_state(dataset, quick=args.quick, task=name))
    console.print(data if data.row_count else "No task declares downloadable data.")
    return 0


def _cache_state(dataset: "Dataset", *, quick: bool, task: str) -> str:
    """``yes``, or what is wrong with the cached copy and the command that mends it."""
    from benchmarks.data import cache_problem

    problem = cache_problem(dataset, quick=quick)
    if problem is None:
        return "[green]yes[/green]" + (" (sizes only)" if quick else " (checksums verified)")
    return f"no: {problem} (python -m benchmarks fetch {task})"


def _torch_facts() -> dict[str, str]:
    try:
        import torch
    except ImportError as error:
        return {"torch": f"not importable: {error}"}
    facts = {"torch": f"{torch.__version__} (built for CUDA {torch.version.cuda or '—'})"}
    if torch.cuda.is_available():
        names = [f"{i}: {torch.cuda.get_device_name(i)}" for i in range(torch.cuda.device_count())]
        facts["GPU"] = "; ".join(names)
        facts["CUDA"] = f"available, driver sees {torch.cuda.device_count()} device(s), cuDNN {torch.backends.cudnn.version()}"
    else:
        facts["GPU"] = "none visible to torch: tasks run on the CPU (--device auto)"
    return facts


def new_task(args: argparse.Namespace) -> int:
    """``new-task NAME``: write a working task folder and its test."""
    from benchmarks.scaffold import write_task

    written = write_task(args.name, Path(args.root))
    console = Console()
    for path in written:
        console.print(f"wrote {path}")
    console.print(
        f"Next: python -m pytest tests/{args.name}  and  python -m benchmarks run --task {args.name} --size smoke\n"
        "Then replace the example with your data, methods and metrics (docs/adding-a-task.md)."
    )
    return 0
