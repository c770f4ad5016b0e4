"""Comparing two results folders: per (task, size, method) the change of every metric.

A change is flagged when it is larger than the spread over seeds, taken as the two standard
deviations combined (sqrt(sd_a² + sd_b²); a side run with one seed borrows the other side's
deviation). With a single seed on both sides the spread is unknown and the change is reported
without a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.leaderboard import Row, Table


@dataclass(frozen=True)
class Change:
    task: str
    size: str
    method: str
    options: str
    metric: str
    direction: str
    a: float
    b: float
    spread: float
    verdict: str  # "better", "worse", "within spread", "no spread (1 seed)", "only in A", "only in B"

    @property
    def delta(self) -> float:
        return self.b - self.a


def compare(a: Sequence[Table], b: Sequence[Table]) -> list[Change]:
    rows_a, rows_b = _index(a), _index(b)
    changes = []
    for key in sorted(set(rows_a) | set(rows_b)):
        table_a, row_a = rows_a.get(key, (None, None))
        table_b, row_b = rows_b.get(key, (None, None))
        table = table_b or table_a
        assert table is not None
        for metric in table.metrics:
            mean_a, sd_a = row_a.stats.get(metric.name, (math.nan, math.nan)) if row_a else (math.nan, math.nan)
            mean_b, sd_b = row_b.stats.get(metric.name, (math.nan, math.nan)) if row_b else (math.nan, math.nan)
            spread = combined_spread(sd_a, sd_b)
            changes.append(Change(*key, metric.name, metric.direction, mean_a, mean_b, spread,
                                  _verdict(row_a, row_b, mean_a, mean_b, spread, metric.direction)))
    return changes


def combined_spread(sd_a: float, sd_b: float) -> float:
    """sqrt(sd_a² + sd_b²); a side with one seed borrows the other side's deviation."""
    if math.isnan(sd_a):
        sd_a = sd_b
    if math.isnan(sd_b):
        sd_b = sd_a
    return math.sqrt(sd_a**2 + sd_b**2)


def _index(tables: Sequence[Table]) -> dict[tuple[str, str, str, str], tuple[Table, Row]]:
    return {
        (table.task, table.size, row.method, row.options): (table, row)
        for table in tables for row in table.rows if row.source == "run"
    }


def _verdict(row_a: Row | None, row_b: Row | None, a: float, b: float, spread: float, direction: str) -> str:
    if row_a is None:
        return "only in B"
    if row_b is None:
        return "only in A"
    if math.isnan(a) or math.isnan(b):
        return "no value"
    if math.isnan(spread):
        return "no spread (1 seed)"
    if abs(b - a) <= spread:
        return "within spread"
    return "better" if (b > a) == (direction == "higher") else "worse"


def to_terminal(changes: Sequence[Change], console: object | None = None) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table as RichTable

    console = console or Console()
    table = RichTable(title="B compared with A (change = B − A)", title_justify="left", header_style="bold")
    for header in ("task", "size", "method", "metric", "A", "B", "change", "spread", "verdict"):
        table.add_column(header)
    styles = {"better": "green", "worse": "red bold"}
    for c in changes:
        label = c.method + (f" [{c.options}]" if c.options else "")
        table.add_row(escape(c.task), c.size, escape(label), escape(c.metric), _num(c.a), _num(c.b), _num(c.delta, signed=True),
                      _num(c.spread), c.verdict, style=styles.get(c.verdict))
    console.print(table)


def _num(value: float, signed: bool = False) -> str:
    if math.isnan(value):
        return "–"
    return f"{value:+.4g}" if signed else f"{value:.4g}"
