"""A leaderboard table's columns as text, shared by every rendering (terminal, Markdown, HTML): headers, the
cells of a row, ranks and the table's title."""

from __future__ import annotations

import math

from benchmarks.results.leaderboard import Row, Table

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
