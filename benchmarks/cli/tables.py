"""``leaderboard`` and ``compare``: tables of the records in results folders, in the format asked for."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console

from benchmarks.cli.errors import UsageError
from benchmarks.cli.shared import reconcile_jobs, registry_of
from benchmarks.contract.registry import discover
from benchmarks.records.store import ResultStore, atomic_output, write_text_atomic
from benchmarks.results import baselines, leaderboard, render
from benchmarks.running import cluster
from benchmarks.running.execution import RunSetup


def leaderboard_command(args: argparse.Namespace) -> int:
    """``leaderboard``: tables of every record in a results folder, in the format asked for."""
    console = Console(stderr=True)
    store = ResultStore(args.results)
    if (store.root / cluster.JOBS_FOLDER).is_dir():
        from benchmarks.running import provenance

        setup = RunSetup(store=store, device="cpu", provenance=provenance.collect("cpu"), run_id="")
        reconcile_jobs(store, registry_of(console), setup, console)
    records, warnings = store.records()
    folder = Path(args.baselines) if args.baselines else baselines.default_folder()
    if args.baselines and not folder.is_dir():
        raise UsageError(f"--baselines {args.baselines}: no such folder (it holds published/ and recorded/)")
    published, published_warnings = baselines.read_published(folder)
    recorded, recorded_warnings = baselines.read_recorded(folder)
    for warning in [*warnings, *published_warnings, *recorded_warnings]:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    tasks = discover().tasks  # what each task declares about reading its tables (headline, fallback, note)
    tables = leaderboard.build(records, published, recorded, tasks=tasks)
    if args.format == "terminal" and not args.out:
        render.to_terminal(tables, wide=args.wide)
        return 0
    if args.format == "parquet":
        return _write_parquet(tables, args.out, console)
    text = {
        "terminal": lambda: _terminal_text(tables, args.wide),
        "markdown": lambda: render.to_markdown(tables),
        "csv": lambda: render.to_csv(tables),
        "html": lambda: _report(records, published, recorded, heading=f"Leaderboard of {store.root}"),
    }[args.format]()
    if args.out:
        write_text_atomic(args.out, text, make_folder=False)  # on a full disk the previous file stays whole
        console.print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def _report(records: list, published: list, recorded: list, heading: str) -> str:
    """The HTML report: every table, also those of recorded runs that no run of this folder matches."""
    from benchmarks.results import frame as results
    from benchmarks.results import report

    frame = results.concat([results.frame_of(records), results.frame_of(recorded, "recorded")])
    registry = discover()
    tables = leaderboard.tables_of(frame, published, records, recorded_alone=True, recorded=recorded,
                                   tasks=registry.tasks)  # the checklists of the tasks it knows; tables of other tasks go without
    return report.page(tables, frame, heading, {name: task.checklist for name, task in registry.tasks.items()},
                       tasks=registry.tasks, published=published)


def _write_parquet(tables: list[leaderboard.Table], out: str | None, console: Console) -> int:
    if not out:
        raise UsageError("--format parquet writes a binary file: name it with --out FILE.parquet")
    with atomic_output(out, make_folder=False) as temporary:
        render.to_parquet(tables, temporary)
    console.print(f"wrote {out}")
    return 0


def _terminal_text(tables: list[leaderboard.Table], wide: bool) -> str:
    """The terminal's text for a file: 100 columns, as a terminal shows it (``--wide``: 200)."""
    console = Console(record=True, width=200 if wide else 100, file=open(os.devnull, "w"))  # noqa: SIM115
    render.to_terminal(tables, console, wide=wide)
    return console.export_text()


def compare(args: argparse.Namespace) -> int:
    """``compare A B``: per method and metric, the change from folder A to folder B."""
    from benchmarks.results import compare as comparison

    console = Console(stderr=True)
    from benchmarks.results import frame as results

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
