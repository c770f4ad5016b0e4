"""Progress bars: one over the cells of a run, and :func:`track` for a task's long loops.

Bars are drawn only on an interactive terminal and never in worker processes (their output
would interleave with the parent's bar), so logs and CI output stay readable.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

T = TypeVar("T")


def bars_enabled() -> bool:
    return sys.stderr.isatty() and not os.environ.get("BENCHMARKS_WORKER")


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Iterate with a progress bar (for training epochs, simulation chunks, ...)."""
    if not bars_enabled():
        yield from items
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield from progress.track(items, total=total, description=description)


class CellProgress:
    """The bar over a run's cells; prints one line per finished cell (always, also without a terminal)."""

    def __init__(self, total: int, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("cells"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.description}"),
            console=console, disable=not console.is_terminal,
        )
        self.bar = self.progress.add_task("", total=total)

    def __enter__(self) -> "CellProgress":
        self.progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.stop()

    def report(self, cell: Any, record: dict[str, Any] | None) -> None:
        if record is None:
            line = f"[dim]skip[/dim] {cell.label()} (ok record exists)"
        elif record.get("status") == "ok":
            primary = next(iter(record.get("metrics", {}).items()), ("", None))
            seconds = (record.get("timings", {}).get("method") or {}).get("wall_s", 0.0)
            value = "–" if primary[1] is None else f"{primary[1]:.4g}"
            line = f"[green]ok[/green]   {cell.label()}: {primary[0]} = {value} ({seconds:.1f} s)"
        else:
            line = f"[red]fail[/red] {cell.label()}: {record.get('error')}"
        self.progress.console.print(line, highlight=False)
        self.progress.update(self.bar, advance=1, description=cell.label())
