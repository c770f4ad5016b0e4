"""What each command of the command line does (parsing stays in :mod:`benchmarks.cli`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from benchmarks import baselines, leaderboard, render
from benchmarks.cli import EXIT_FAILED, EXIT_INTERRUPTED, UsageError
from benchmarks.registry import Registry, discover
from benchmarks.store import ResultStore, StoreError, read_records


def _registry(console: Console) -> Registry:
    registry = discover()
    for origin, error in registry.broken.items():
        console.print(f"[red]warning:[/red] task {origin} could not be loaded: {error.strip().splitlines()[-1]}")
    return registry


def list_tasks(args: argparse.Namespace) -> int:
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
        table.add_row("methods", ", ".join(f"{m.name} ({m.kind.value})" for m in task.methods))
        table.add_row("sizes", "\n".join(f"{size}: {text}" for size, text in task.sizes.items()))
        table.add_row("metrics", "\n".join(
            f"{m.name}{' (primary)' if i == 0 else ''}: {m.direction.value} is better"
            + (f", {m.unit}" if m.unit else "") for i, m in enumerate(task.metrics)))
        if task.options:
            table.add_row("options", "\n".join(
                f"{o.name}: {o.type.__name__} = {o.default!r}  {o.help}" for o in task.options))
        if task.datasets:
            table.add_row("datasets", "\n".join(
                f"{d.name}: {len(d.files)} files, {d.size / 1e6:.1f} MB, {d.licence}" for d in task.datasets))
        console.print(table)
    if not registry.tasks:
        console.print("No tasks found.")
    return 0


def run(args: argparse.Namespace) -> int:
    from benchmarks import provenance
    from benchmarks.cells import parse_assignments, plan
    from benchmarks.execution import CellContext
    from benchmarks.progress import CellProgress
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
    context = CellContext(store=store, device=device, provenance=provenance.collect(device), run_id=new_run_id())
    console.print(f"{len(cells)} cells on {device}, results in {store.root}")
    with CellProgress(len(cells), console) as progress:
        summary = run_plan(cells, registry, context, jobs=args.jobs, force=args.force, report=progress.report)
    keys = {str(store.path_for(cell.key(registry.get(cell.task)))) for cell in cells}
    records, _ = read_records(store.root)
    ours = [record for record in records if record["_path"] in keys]
    published, _ = baselines.read_published(baselines.default_folder())
    render.to_terminal(leaderboard.build(ours, published))
    console.print(f"ran {len(summary.ran)} cells, skipped {len(summary.skipped)} with ok records (--force reruns them)")
    if summary.interrupted:
        console.print("[yellow]interrupted[/yellow]: finished cells are kept; run again to resume")
        return EXIT_INTERRUPTED
    if summary.failed:
        console.print(f"[red]{len(summary.failed)} cells failed:[/red]")
        for record in summary.failed:
            console.print(f"  {record['task']}/{record['size']}/{record['method']} seed {record['seed']} "
                          f"({record.get('stage')}): {record.get('error')}")
        return EXIT_FAILED
    return 0


def leaderboard_command(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    store = ResultStore(args.results)
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
    text = {
        "terminal": lambda: _terminal_text(tables),
        "markdown": lambda: render.to_markdown(tables),
        "csv": lambda: render.to_csv(tables),
        "html": lambda: render.to_html(tables, heading=f"Leaderboard of {store.root}"),
    }[args.format]()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        console.print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def _terminal_text(tables: list[leaderboard.Table]) -> str:
    console = Console(record=True, width=200, file=open("/dev/null", "w"))  # noqa: SIM115
    render.to_terminal(tables, console)
    return console.export_text()


def compare(args: argparse.Namespace) -> int:
    from benchmarks import compare as comparison

    console = Console(stderr=True)
    tables = []
    for folder in (args.a, args.b):
        records, warnings = ResultStore(folder).records()
        for warning in warnings:
            console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
        tables.append(leaderboard.build(records))
    comparison.to_terminal(comparison.compare(*tables), render.wide_console())
    return 0


def fetch(args: argparse.Namespace) -> int:
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


__all__ = ["list_tasks", "run", "leaderboard_command", "compare", "fetch", "StoreError", "EXIT_INTERRUPTED"]
