"""Leaderboard tables as terminal text (rich), Markdown, CSV, parquet and a static HTML page."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.leaderboard import Row, Table

if TYPE_CHECKING:
    import pandas as pd

ARROWS = {"higher": "↑", "lower": "↓"}


def format_stat(mean: float, std: float) -> str:
    """``0.742 ± 0.045``; ``–`` for no value."""
    if math.isnan(mean):
        return "–"
    text = f"{mean:.4g}"
    return text if math.isnan(std) else f"{text} ± {std:.2g}"


def seeds_text(row: Row, table: Table) -> str:
    """``3/3``, or ``2/3 (1 failed)``; published rows give their own n."""
    if row.source == "published":
        return str(row.n_ok) if row.n_ok else ""
    text = f"{row.n_ok}/{row.n_ok + row.n_failed + row.n_missing + row.n_skipped}"
    problems = [f"{n} {word}" for n, word in ((row.n_failed, "failed"), (row.n_missing, "missing"),
                                              (row.n_skipped, "skipped")) if n]
    return text + (f" ({', '.join(problems)})" if problems else "")


def table_headers(table: Table) -> list[str]:
    """The column titles of ``table``: rank, method, kind, source, each metric with its direction and unit, ..."""
    metrics = [f"{m.name} {ARROWS.get(m.direction, '')}" + (f" [{m.unit}]" if m.unit else "") for m in table.metrics]
    return ["#", "method", "kind", "source", *metrics, "seeds", "time [s]", "peak mem [MiB]", "paired test", "notes"]


def table_cells(table: Table, rank: int | None, row: Row) -> list[str]:
    """One row of ``table`` as text, in the order of ``table_headers`` (``rank`` None: unranked)."""
    notes = "; ".join(filter(None, [row.options, row.citation, row.note, "" if row.complete else "incomplete"]))
    return [
        "" if rank is None else str(rank), row.method, row.kind, row.source,
        *(format_stat(*row.stats.get(m.name, (math.nan, math.nan))) for m in table.metrics),
        seeds_text(row, table),
        "" if math.isnan(row.time_s) else f"{row.time_s:.3g}",
        "" if math.isnan(row.peak_rss_mb) else f"{row.peak_rss_mb:.0f}",
        row.paired,
        notes,
    ]


def ranked(table: Table) -> list[tuple[int | None, Row]]:
    """Complete rows of this suite get a rank; published and incomplete rows are shown unranked."""
    ranked, rank = [], 0
    for row in table.rows:
        if row.source != "published" and row.complete and not math.isnan(row.stats[table.primary.name][0]):
            rank += 1
            ranked.append((rank, row))
        else:
            ranked.append((None, row))
    return ranked


def title(table: Table) -> str:
    """The heading of a table: task, size, data set, version and primary metric."""
    data = f"data {table.dataset}; " if table.dataset else ""
    return f"{table.task} · {table.size} ({data}task version {table.version}; primary metric: {table.primary.name})"


def wide_console() -> "Console":
    """The terminal's width, or 160 columns where output goes to a file or a CI log."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=160)


def to_terminal(tables: Sequence[Table], console: object | None = None) -> None:
    """Print the tables with rich (to the terminal's width, or 160 columns off-terminal)."""
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


def to_markdown(tables: Sequence[Table]) -> str:
    """One Markdown table per leaderboard table, each under a heading."""
    parts = []
    for table in tables:
        headers = table_headers(table)
        lines = [f"### {title(table)}", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        for rank, row in ranked(table):
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in table_cells(table, rank, row)) + " |")
        lines += ["", *table.notes] if table.notes else []
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
                         **stats, "time_s": row.time_s, "peak_rss_mb": row.peak_rss_mb, "options": row.options,
                         "citation": row.citation, "note": row.note, "paired_test": row.paired})
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else ["task", "size", "dataset", "rank", "method"])
    frame["rank"] = frame["rank"].astype("Int64")
    return frame


def to_csv(tables: Sequence[Table]) -> str:
    """:func:`to_frame` as CSV (empty cells for no value)."""
    return to_frame(tables).to_csv(index=False, na_rep="")


def to_parquet(tables: Sequence[Table], path: Path | str) -> None:
    """:func:`to_frame` as a parquet file (pyarrow)."""
    to_frame(tables).to_parquet(path, index=False)


def to_html(tables: Sequence[Table], heading: str = "Leaderboard") -> str:
    """A self-contained page of the tables with each method's figure (:mod:`benchmarks.report`, without charts)."""
    from benchmarks import report

    return report.page(tables, None, heading)
