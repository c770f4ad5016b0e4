"""Comparing two results folders: per (task, size, method) the change of every metric.

A change is flagged when it is larger than the spread over seeds, taken as the two standard
deviations combined (sqrt(sd_a² + sd_b²); a side run with one seed borrows the other side's
deviation). With a single seed on both sides the spread is unknown and the change is reported
without a verdict. Where both folders hold items of a method on the same data (same size, seed,
options and data hash), B is also tested against A item by item (:mod:`benchmarks.results.pairs`): that
test sees a change that one seed's means cannot.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.results.leaderboard import Row, Table
from benchmarks.results.pairs import paired_test


@dataclass(frozen=True)
class Change:
    """How one metric of one method changed from folder A to folder B."""
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
    paired: str = ""  # B tested against A on the same items (primary metric's line only)
    dataset: str = ""  # the data set both ran on: runs on different data are never compared

    @property
    def delta(self) -> float:
        """B − A."""
        return self.b - self.a


def compare(a: Sequence[Table], b: Sequence[Table], records_a: Iterable[dict[str, Any]] = (),
            records_b: Iterable[dict[str, Any]] = ()) -> list[Change]:
    """Per (task, size, method, options) and metric: A, B, the spread and a verdict; with records, a paired test."""
    rows_a, rows_b = _index(a), _index(b)
    by_method_a, by_method_b = _by_method(records_a), _by_method(records_b)
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
            paired = ""
            if metric is table.metrics[0]:
                test = paired_test(key[2], key[2], by_method_b.get(key[:3], []), by_method_a.get(key[:3], []))
                paired = "" if test is None else test.text().replace(f"vs {key[2]}", "B vs A", 1)
            changes.append(Change(*key[:4], metric.name, metric.direction, mean_a, mean_b, spread,
                                  _verdict(row_a, row_b, mean_a, mean_b, spread, metric.direction), paired, key[4]))
    return changes


def _by_method(records: Iterable[dict[str, Any]]) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for record in records:
        grouped.setdefault((record["task"], record["size"], record["method"]), []).append(record)
    return grouped


def combined_spread(sd_a: float, sd_b: float) -> float:
    """sqrt(sd_a² + sd_b²); a side with one seed borrows the other side's deviation."""
    if math.isnan(sd_a):
        sd_a = sd_b
    if math.isnan(sd_b):
        sd_b = sd_a
    return math.sqrt(sd_a**2 + sd_b**2)


def _index(tables: Sequence[Table]) -> dict[tuple[str, str, str, str, str], tuple[Table, Row]]:
    return {
        (table.task, table.size, row.method, row.options, table.dataset): (table, row)
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
    """The changes as one rich table; better rows green, worse ones red."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table as RichTable

    console = console or Console()
    table = RichTable(title="B compared with A (change = B − A)", title_justify="left", header_style="bold")
    headers = ["task", "size", "method", "metric", "A", "B", "change", "spread", "verdict"]
    if any(c.paired for c in changes):
        headers.append("paired test")
    for header in headers:
        table.add_column(header)
    styles = {"better": "green", "worse": "red bold"}
    for c in changes:
        label = c.method + (f" [{c.options}]" if c.options else "")
        cells = [escape(c.task), escape(f"{c.size} · {c.dataset}" if c.dataset else c.size), escape(label), escape(c.metric), _num(c.a), _num(c.b),
                 _num(c.delta, signed=True), _num(c.spread), c.verdict, escape(c.paired)]
        table.add_row(*cells[:len(headers)], style=styles.get(c.verdict))
    console.print(table)


def _num(value: float, signed: bool = False) -> str:
    if math.isnan(value):
        return "–"
    return f"{value:+.4g}" if signed else f"{value:.4g}"
