"""The cross-task summary: per leaderboard table, each method's rank and a score from control (0) to best (1).

Rule: ``score = (value - control) / (best - control)`` on the table's primary metric, where
``control`` is the mean of the table's control method (this suite's run) and ``best`` is the best
value in the table, over runs, recorded runs and published rows alike. Whatever the metric's
direction, the control scores 0 and the best scores 1; a method worse than the control scores
below 0. A table without a control run, or whose best equals its control, gives no scores.
A method's mean score is taken only over tables where it has one in every table of the summary:
a method missing from a task is never averaged as if that task did not exist.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.results.leaderboard import Row, Table

RULE = ("score = (value − control) / (best − control) on each table's primary metric: the control method "
        "scores 0, the best run, recorded run or published row scores 1, below 0 is worse than the control. "
        "Mean score only for methods scored in every table; otherwise the tables they miss are named.")


@dataclass(frozen=True)
class Score:
    """One method of one table: its rank among this suite's complete rows (None: unranked) and its score."""
    table: str  # "task · size · dataset"
    method: str
    rank: int | None
    score: float  # NaN when the table has no control or no spread


def table_label(table: Table) -> str:
    """``task · size · dataset`` (the data set left out when records name none)."""
    return " · ".join(filter(None, [table.task, table.size, table.dataset]))


def scores(tables: Sequence[Table]) -> list[Score]:
    """The rank and score of every run row (not recorded or published rows) of every table."""
    out = []
    for table in tables:
        primary = table.primary
        runs = [row for row in table.rows if row.source == "run"]
        control = _control(runs, primary.name)
        values = [_mean(row, primary.name) for row in table.rows]
        values = [v for v in values if not math.isnan(v)]
        best = (max if primary.direction == "higher" else min)(values) if values else math.nan
        spread = best - control
        rank = 0
        for row in runs:
            value = _mean(row, primary.name)
            ranked = row.complete and not math.isnan(value)
            rank += ranked
            score = (value - control) / spread if spread and not math.isnan(spread) else math.nan
            out.append(Score(table_label(table), row.method, rank if ranked else None, score))
    return out


def mean_scores(all_scores: Sequence[Score]) -> dict[str, tuple[float, list[str]]]:
    """Per method: its mean score when it is scored in every table, else NaN and the tables it misses."""
    tables = list(dict.fromkeys(s.table for s in all_scores))
    by_method: dict[str, dict[str, float]] = {}
    for s in all_scores:
        by_method.setdefault(s.method, {})[s.table] = s.score
    out = {}
    for method, scored in by_method.items():
        missing = [t for t in tables if t not in scored or math.isnan(scored[t])]
        out[method] = (math.nan if missing else sum(scored.values()) / len(scored), missing)
    return out


def _control(runs: Sequence[Row], metric: str) -> float:
    controls = [_mean(row, metric) for row in runs if row.kind == "control"]
    controls = [v for v in controls if not math.isnan(v)]
    return controls[0] if controls else math.nan


def _mean(row: Row, metric: str) -> float:
    return row.stats.get(metric, (math.nan, math.nan))[0]
