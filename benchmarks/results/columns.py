"""A leaderboard table's columns as text, shared by every rendering (terminal, Markdown, HTML): headers, the
cells of a row, ranks and the table's title."""

from __future__ import annotations

import math

from benchmarks.results.leaderboard import Row, Table
from benchmarks.results.pairs import format_p

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
    recorded = [f"recorded {table.ranking.name}"] if any(row.recorded is not None for row in table.rows) else []
    return ["#", "method", "kind", "source", *metrics, *recorded, "seeds", "time [s]", "peak mem [MiB]", "paired test",
            "notes"]


def recorded_text(row: Row) -> str:
    """The recorded reference run's value of a row, ``≠`` where the run differs from it."""
    return "" if row.recorded is None else format_stat(*row.recorded) + (" ≠" if row.recorded_differs else "")


def table_cells(table: Table, rank: int | None, row: Row) -> list[str]:
    """One row of ``table`` as text, in the order of ``table_headers`` (``rank`` None: unranked)."""
    notes = "; ".join(filter(None, [row.options, row.citation, row.note, "" if row.complete else "incomplete"]))
    return [
        "" if rank is None else str(rank), row.method, row.kind, row.source,
        *(format_stat(*row.stats.get(m.name, (math.nan, math.nan))) for m in table.metrics),
        *([recorded_text(row)] if any(r.recorded is not None for r in table.rows) else []),
        seeds_text(row, table),
        "" if math.isnan(row.time_s) else f"{row.time_s:.3g}",
        "" if math.isnan(row.peak_rss_mb) else f"{row.peak_rss_mb:.0f}",
        row.paired,
        notes,
    ]


#: The paired test's verdict as one mark (explained under each compact table).
MARKS = {"better": "▲", "worse": "▼", "no clear difference": "="}
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
#: Marks a recorded reference run of a method that was not run this time.
RECORDED_ONLY = "†"


def compact_headers(table: Table, headline: int | None = None) -> list[str]:
    """The compact table's columns: rank, method, kind, the ranking metric (mean ± std), the task's headline
    metrics (the first ``headline`` of them), the recorded value, the time and the paired test's mark."""
    metrics = [_short_header(table.metric(name)) for name in compact_metrics(table, headline)]
    extra = ["recorded"] if shows_recorded(table) else []
    extra += ["seeds"] if shows_seeds(table) else []
    return ["#", "method", "kind", *metrics, *extra, "time s", *(["paired test"] if table.tests else [])]


def compact_cells(table: Table, rank: int | None, row: Row, headline: int | None = None) -> list[str]:
    """One row of the compact table, in the order of :func:`compact_headers`."""
    names = compact_metrics(table, headline)
    method = row.method + (f" {str(row.footnote).translate(SUPERSCRIPTS)}" if row.footnote else "")
    method += f" {RECORDED_ONLY}" if row.source == "recorded" else ""
    stats = [format_stat(*row.stats.get(names[0], (math.nan, math.nan)))]
    stats += [format_value(row.stats.get(name, (math.nan, math.nan))[0]) for name in names[1:]]
    cells = ["" if rank is None else str(rank), method, "paper" if row.source == "published" else row.kind, *stats]
    if shows_recorded(table):
        cells.append("" if row.recorded is None else format_value(row.recorded[0]) + (" ≠" if row.recorded_differs else ""))
    if shows_seeds(table):
        cells.append(seeds_text(row, table))
    cells.append("" if math.isnan(row.time_s) else f"{row.time_s:.3g}")
    if table.tests:
        test = next((t for t in table.tests if t.method == row.method), None) if row.source != "published" else None
        p = format_p(test.p_value) if test is not None else ""
        cells.append("" if test is None else f"{MARKS[test.verdict]} p{p if p.startswith('<') else '=' + p} vs {test.other}")
    return cells


def shows_recorded(table: Table) -> bool:
    """Whether the recorded column says anything: some row has a recorded value other than its own."""
    return any(row.recorded is not None and row.recorded[0] != row.stats.get(table.ranking.name, (None,))[0]
               for row in table.rows)


def shows_seeds(table: Table) -> bool:
    """Whether the seeds column says anything: several seeds, or a row that misses some."""
    return len(table.seeds) > 1 or any(not row.complete or row.n_skipped for row in table.rows if row.source != "published")


def compact_metrics(table: Table, headline: int | None = None) -> list[str]:
    """The ranking metric (mean ± std), the primary where another metric ranked (it stays in sight), then the
    first ``headline`` of the task's headline metrics."""
    first = [table.ranking.name, table.primary.name]
    return list(dict.fromkeys([*first, *[name for name in table.headline if name not in first][:headline]]))


def compact_legend(table: Table) -> list[str]:
    """The lines under a compact table: the marks, once, then the numbered published notes."""
    lines = []
    if table.tests:
        kinds = sorted({f"{t.test} over {t.n_items:,} item{'' if t.n_items == 1 else 's'}" for t in table.tests})
        lines.append("paired test (" + "; ".join(kinds) + ", two-sided) against the method named: ▲ better, "
                     "▼ worse, = no clear difference (p ≥ 0.05)")
    if any(row.recorded_differs for row in table.rows):
        lines.append("≠ the run differs from its recorded reference run by more than max(2 std, 1 %)")
    if any(row.source == "recorded" for row in table.rows):
        lines.append(f"{RECORDED_ONLY} a recorded reference run (baselines/recorded), not run this time")
    common = shared_parts(table.footnotes)
    if common:
        lines.append("paper rows: " + "; ".join(common))
    lines += [f"{str(i).translate(SUPERSCRIPTS)} " + "; ".join(part for part in text.split("; ") if part not in common)
              for i, text in enumerate(table.footnotes, 1)]
    return lines


def shared_parts(notes: list[str]) -> list[str]:
    """The ``; ``-separated parts every one of several notes has (written once above their numbered rest)."""
    if len(notes) < 2:
        return []
    parts = [note.split("; ") for note in notes]
    return [part for part in parts[0] if all(part in other for other in parts[1:])]


def format_value(value: float) -> str:
    """``0.7421``, ``32.57``; ``–`` for no value (a mean without its spread)."""
    return "–" if math.isnan(value) else f"{value:.4g}"


def _short_header(metric) -> str:
    unit = f" {metric.unit}" if metric.unit and len(metric.unit) <= 3 and " " not in metric.unit else ""
    return f"{metric.name} {ARROWS.get(metric.direction, '')}{unit}"


def ranked(table: Table) -> list[tuple[int | None, Row]]:
    """Complete rows of this suite get a rank; published and incomplete rows are shown unranked."""
    ranked, rank = [], 0
    for row in table.rows:
        if row.source != "published" and row.complete and not math.isnan(row.stats[table.ranking.name][0]):
            rank += 1
            ranked.append((rank, row))
        else:
            ranked.append((None, row))
    return ranked


def title(table: Table) -> str:
    """The heading of a table: task, size, data set, version and primary metric."""
    data = f"data {table.dataset}; " if table.dataset else ""
    return f"{table.task} · {table.size} ({data}task version {table.version}; primary metric: {table.primary.name})"


def short_title(table: Table) -> str:
    """``pose · default · data dlc_openfield · v2``: the compact table's heading."""
    return " · ".join(filter(None, [table.task, table.size, f"data {table.dataset}" if table.dataset else "",
                                    f"v{table.version}"]))
