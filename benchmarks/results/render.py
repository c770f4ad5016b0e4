"""Leaderboard tables as terminal text (rich), Markdown, CSV and parquet (the HTML page is :mod:`benchmarks.results.report`)."""

from __future__ import annotations

import html
import os

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.results.columns import (compact_cells, compact_headers, compact_legend, ranked, short_title, table_cells,
                                        table_headers, title)
from benchmarks.results.leaderboard import Table

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console


def wide_console() -> "Console":
    """The terminal's width, or 160 columns where output goes to a file or a CI log."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=160)


def to_terminal(tables: Sequence[Table], console: "Console | None" = None, *, wide: bool = False) -> None:
    """Print each table's answer, then its compact table (fitted to the console's width: the last headline
    metrics give way first), the marks and numbered notes under it. ``wide``: every metric and note, as
    before (:func:`to_terminal_wide`)."""
    if wide:
        to_terminal_wide(tables, console)
        return
    from rich import box
    from rich.markup import escape
    from rich.table import Table as RichTable

    console = console or wide_console()
    if not tables:
        console.print("No results.")
    for table in tables:
        console.print()
        console.rule(f"[bold]{escape(short_title(table))}[/bold]", align="left")
        if table.answer:
            console.print(escape(table.answer), highlight=False)
        fitted = None
        for headline in range(len(table.headline), -1, -1):
            fitted = RichTable(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, show_edge=False)
            for header in compact_headers(table, headline):
                fitted.add_column(escape(header), no_wrap=True)
            for rank, row in ranked(table):
                style = "dim" if row.source in ("published", "recorded") else ("yellow" if not row.complete else None)
                fitted.add_row(*(escape(c) for c in compact_cells(table, rank, row, headline)), style=style)
            if rendered_width(fitted) <= console.width:
                break
        console.print(fitted)
        # the answer says where the published numbers are; the notes repeat it (shown with --wide)
        for line in [*compact_legend(table), *([] if table.answer else table.notes)]:
            console.print(f"[dim]{escape(line)}[/dim]", highlight=False)


def rendered_width(renderable: object) -> int:
    """The columns ``renderable`` takes when nothing forces it narrower (its widest rendered line)."""
    from rich.console import Console

    with open(os.devnull, "w") as sink:
        console = Console(width=10_000, file=sink, record=True)
        console.print(renderable)
    return max((len(line.rstrip()) for line in console.export_text().splitlines()), default=0)


def to_terminal_wide(tables: Sequence[Table], console: object | None = None) -> None:
    """Print the tables with every metric and note (rich; to the terminal's width, or 160 columns off-terminal)."""
    from rich.markup import escape
    from rich.table import Table as RichTable

    console = console or wide_console()
    if not tables:
        console.print("No results.")
    for table in tables:
        rows = [(row, table_cells(table, rank, row)) for rank, row in ranked(table)]
        headers = table_headers(table)
        # Columns that say nothing in this table (all rows from this run, no notes) are left out.
        shown = [i for i, header in enumerate(headers)
                 if header not in ("source", "notes", "paired test") or any(cells[i] not in ("", "run") for _, cells in rows)]
        rich_table = RichTable(title=escape(title(table)), title_justify="left", header_style="bold")
        for i in shown:
            rich_table.add_column(escape(headers[i]), overflow="fold")
        for row, cells in rows:
            style = "dim" if row.source == "published" else ("yellow" if not row.complete else None)
            rich_table.add_row(*(escape(cells[i]) for i in shown), style=style)
        console.print(rich_table)
        for note in table.notes:
            console.print(f"[dim]{escape(note)}[/dim]")


def markdown_text(text: str) -> str:
    """Text safe in a Markdown table: HTML escaped (a renderer would run a record's ``<script>``), pipes too."""
    return html.escape(text, quote=False).replace("|", "\\|")


def to_markdown(tables: Sequence[Table]) -> str:
    """One Markdown table per leaderboard table, each under a heading; every text from a record escaped."""
    parts = []
    for table in tables:
        headers = [markdown_text(header) for header in table_headers(table)]
        lines = [f"### {markdown_text(title(table))}", "", "| " + " | ".join(headers) + " |",
                 "|" + "---|" * len(headers)]
        for rank, row in ranked(table):
            lines.append("| " + " | ".join(markdown_text(c) for c in table_cells(table, rank, row)) + " |")
        lines += ["", *map(markdown_text, table.notes)] if table.notes else []
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def to_frame(tables: Sequence[Table]) -> "pd.DataFrame":
    """One flat table, a row per leaderboard row, numbers unformatted: for pandas, parquet and spreadsheets."""
    import pandas as pd

    metric_names = list(dict.fromkeys(m.name for t in tables for m in t.metrics))
    rows = []
    for table in tables:
        for rank, row in ranked(table):
            stats = {f"{n}_{s}": v for n in metric_names
                     for s, v in zip(("mean", "std"), row.stats.get(n, (math.nan, math.nan)))}
            rows.append({"task": table.task, "size": table.size, "dataset": table.dataset,
                         "task_version": table.version, "rank": rank, "method": row.method, "kind": row.kind,
                         "source": row.source, "n_ok": row.n_ok, "n_failed": row.n_failed, "n_missing": row.n_missing,
                         **stats, "ranked_by": table.ranking.name,
                         "recorded_mean": row.recorded[0] if row.recorded else math.nan,
                         "recorded_std": row.recorded[1] if row.recorded else math.nan,
                         "recorded_differs": row.recorded_differs,
                         "time_s": row.time_s, "peak_rss_mb": row.peak_rss_mb, "options": row.options,
                         "citation": row.citation, "note": row.note, "paired_test": row.paired})
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else ["task", "size", "dataset", "rank", "method"])
    frame["rank"] = frame["rank"].astype("Int64")
    return frame


#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'``; numbers stay as they are."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def to_csv(tables: Sequence[Table]) -> str:
    """:func:`to_frame` as CSV (empty cells for no value; text cells made safe for spreadsheets)."""
    frame = to_frame(tables)
    for column in frame.columns[frame.dtypes == object]:
        frame[column] = frame[column].map(spreadsheet_safe)
    return frame.to_csv(index=False, na_rep="")


def to_parquet(tables: Sequence[Table], path: Path | str) -> None:
    """:func:`to_frame` as a parquet file (pyarrow)."""
    to_frame(tables).to_parquet(path, index=False)
