"""Leaderboard tables as terminal text (rich), Markdown, CSV and a static HTML page."""

from __future__ import annotations

import base64
import csv
import html
import io
import math
from collections.abc import Sequence
from pathlib import Path

from benchmarks.leaderboard import Row, Table

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
    text = f"{row.n_ok}/{row.n_ok + row.n_failed + row.n_missing}"
    problems = [f"{n} {word}" for n, word in ((row.n_failed, "failed"), (row.n_missing, "missing")) if n]
    return text + (f" ({', '.join(problems)})" if problems else "")


def _headers(table: Table) -> list[str]:
    metrics = [f"{m.name} {ARROWS.get(m.direction, '')}" + (f" [{m.unit}]" if m.unit else "") for m in table.metrics]
    return ["#", "method", "kind", "source", *metrics, "seeds", "time [s]", "peak mem [MiB]", "paired test", "notes"]


def _cells(table: Table, rank: int | None, row: Row) -> list[str]:
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


def _ranked(table: Table) -> list[tuple[int | None, Row]]:
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
    """The heading of a table: task, size, version and primary metric."""
    return f"{table.task} · {table.size} (task version {table.version}; primary metric: {table.primary.name})"


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
        rows = [(row, _cells(table, rank, row)) for rank, row in _ranked(table)]
        headers = _headers(table)
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


def to_markdown(tables: Sequence[Table]) -> str:
    """One Markdown table per leaderboard table, each under a heading."""
    parts = []
    for table in tables:
        headers = _headers(table)
        lines = [f"### {title(table)}", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        for rank, row in _ranked(table):
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in _cells(table, rank, row)) + " |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def to_csv(tables: Sequence[Table]) -> str:
    """One flat table, numbers unformatted: for pandas, spreadsheets and plots."""
    metric_names = list(dict.fromkeys(m.name for t in tables for m in t.metrics))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["task", "size", "task_version", "rank", "method", "kind", "source", "n_ok", "n_failed",
                     "n_missing", *(f"{n}_{s}" for n in metric_names for s in ("mean", "std")),
                     "time_s", "peak_rss_mb", "options", "citation", "note", "paired_test"])
    for table in tables:
        for rank, row in _ranked(table):
            stats = [v for n in metric_names for v in row.stats.get(n, (math.nan, math.nan))]
            writer.writerow([table.task, table.size, table.version, rank or "", row.method, row.kind, row.source,
                             row.n_ok, row.n_failed, row.n_missing, *("" if math.isnan(v) else repr(v) for v in stats),
                             "" if math.isnan(row.time_s) else repr(row.time_s),
                             "" if math.isnan(row.peak_rss_mb) else repr(row.peak_rss_mb),
                             row.options, row.citation, row.note, row.paired])
    return out.getvalue()


_STYLE = """body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{background:#f3f3f3}tr.published{color:#666;font-style:italic}tr.incomplete{background:#fff6d6}
figure{display:inline-block;margin:0 1em 1em 0;vertical-align:top}figure img{max-width:480px}"""


def to_html(tables: Sequence[Table], heading: str = "Leaderboard") -> str:
    """A self-contained page: tables, then each method's figure embedded as PNG."""
    body = [f"<h1>{html.escape(heading)}</h1>"]
    if not tables:
        body.append("<p>No results.</p>")
    for table in tables:
        body.append(f"<h2>{html.escape(title(table))}</h2><table><tr>")
        body.append("".join(f"<th>{html.escape(h)}</th>" for h in _headers(table)) + "</tr>")
        for rank, row in _ranked(table):
            css = "published" if row.source == "published" else ("" if row.complete else "incomplete")
            cells = "".join(f"<td>{html.escape(c)}</td>" for c in _cells(table, rank, row))
            body.append(f'<tr class="{css}">{cells}</tr>')
        body.append("</table>")
        for row in table.rows:
            if row.figure and Path(row.figure).is_file():
                data = base64.b64encode(Path(row.figure).read_bytes()).decode()
                body.append(f'<figure><img alt="{html.escape(row.method)}" src="data:image/png;base64,{data}">'
                            f"<figcaption>{html.escape(row.method)}</figcaption></figure>")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(heading)}</title>"
            f"<style>{_STYLE}</style></head><body>{''.join(body)}</body></html>\n")
