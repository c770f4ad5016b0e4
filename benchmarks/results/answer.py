"""A leaderboard table's answer in plain words, with its numbers: the sentence a scientist reads first.

It says which model beats which baseline and control on the metric that ranks the table, whether the
paired test between the two says so, and where the result stands against the task's topline: a published
row of the table (the same data set and protocol, or it would not be there), or, where there is none, the
paper's number and the data or protocol it is on, in words. Where the primary metric cannot separate the
methods it says so, and by which metric the table ranks instead; where the best model does not beat the best
baseline it names the headline metrics on which it does, and the task's own note on why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from benchmarks.data.dataset_id import is_user
from benchmarks.results.pairs import PairTest, format_p

if TYPE_CHECKING:  # the leaderboard builds its tables' answers with this module
    from benchmarks.contract.task import Task
    from benchmarks.results.leaderboard import MetricInfo, Row, Table

#: The size every task has for checking its pipeline; its numbers are not comparable with a paper's.
SMOKE = "smoke"


def answer(table: Table, task: Task | None = None) -> str:
    """The answer of ``table`` ("" without a row of this suite to speak of); ``task`` adds its note and toplines."""
    ranking = table.ranking
    rows = [row for row in table.rows if row.source != "published" and row.complete and _has(row, ranking.name)]
    if not rows:
        return ""
    parts = []
    degenerate = ranking.name != table.primary.name
    if degenerate:
        parts.append(_why_not_primary(table, task))
    model, baseline, control = (_best(rows, ranking, kind) for kind in ("model", "baseline", "control"))
    lead = model or baseline or control
    if lead is None:  # rows of no known kind (records written by hand, another suite's)
        return " ".join(parts)
    parts.append(_comparison(table, ranking, model, baseline, control))
    model_loses = model is not None and baseline is not None and not _beats(model, baseline, ranking)
    if model_loses:
        parts.append(_where_the_model_is_better(table, model, baseline))
    if (model_loses or degenerate) and task is not None and task.answer_note:
        parts.append(_sentence(task.answer_note))
    parts.append(_topline(table, task, lead))
    return " ".join(part for part in parts if part)


def value_text(value: float, metric: MetricInfo) -> str:
    """``9.03 px``, ``0.748``: three significant digits, a short unit after the number."""
    if math.isnan(value):
        return "–"
    if value == 0:
        return "0" + (f" {metric.unit}" if _short_unit(metric) else "")
    text = f"{value:.0f}" if abs(value) >= 100 else f"{value:#.3g}".rstrip(".")
    return f"{text} {metric.unit}" if _short_unit(metric) else text


def _short_unit(metric: MetricInfo) -> bool:
    """A unit written after a number (px, s); words such as "fraction" are not."""
    return bool(metric.unit) and len(metric.unit) <= 3 and " " not in metric.unit


def _why_not_primary(table: Table, task: Task | None) -> str:
    primary = table.primary
    values = {round(_mean(row, primary.name), 12) for row in table.rows if row.source != "published"}
    values.discard(math.nan)
    finite = [value for value in values if not math.isnan(value)]
    said = (f"Every method has {primary.name} {value_text(finite[0], primary)}" if len(finite) == 1
            else f"No method has a {primary.name}")
    declared = task is not None and task.fallback_metric == table.rank_by
    return (f"{said}, so it cannot rank them: the table ranks by {table.rank_by}"
            + (", the task's fallback." if declared else ", the next metric that separates them."))


def _comparison(table: Table, metric: MetricInfo, model: Row | None, baseline: Row | None,
                control: Row | None) -> str:
    def named(row: Row) -> str:
        return f"{row.method} ({value_text(_mean(row, metric.name), metric)})"

    lead = model or baseline or control
    assert lead is not None
    others = [row for row in (baseline, control) if row is not None and row is not lead]
    if not others:
        return f"On {metric.name}, {lead.method} scores {value_text(_mean(lead, metric.name), metric)}; no baseline or control ran beside it."
    beaten = [row for row in others if _beats(lead, row, metric)]
    missed = [row for row in others if row not in beaten]
    text = f"On {metric.name}, {named(lead)}"
    if beaten:
        text += " beats " + _and(named(row) for row in beaten)
    if missed:
        text += (" but" if beaten else "") + " does not beat " + _and(named(row) for row in missed)
    test = _test_between(table.tests, lead.method, baseline.method) if baseline and baseline is not lead else None
    if test is not None:
        text += "; " + _test_words(test, lead.method, claimed=baseline in beaten)
    return text + "."


def _test_words(test: PairTest, lead: str, claimed: bool) -> str:
    """The paired test's verdict on what the sentence just said (``claimed``: that ``lead`` beats the other)."""
    better = test.better if test.method == lead else -test.better
    p = format_p(test.p_value)
    how = f"p < {p[1:]}" if p.startswith("<") else f"p = {p}"
    items = f"{test.n_items:,} item{'' if test.n_items == 1 else 's'}"
    evidence = f"{test.test}, {how}, {items}" + (f", {test.n_seeds} seeds" if test.n_seeds > 1 else "")
    if test.verdict == "no clear difference":
        return f"the paired test finds no clear difference ({evidence})"
    agrees = (better > 0) == claimed
    return f"the paired test says so ({evidence})" if agrees else f"the paired test says the opposite ({evidence})"


def _where_the_model_is_better(table: Table, model: Row, baseline: Row) -> str:
    better = [name for name in table.headline if name != table.ranking.name
              and _beats(model, baseline, table.metric(name))]
    if not better:
        return ""
    return (f"{model.method} is better on " + _and(
        f"{name} ({value_text(_mean(model, name), table.metric(name))} vs "
        f"{value_text(_mean(baseline, name), table.metric(name))})" for name in better) + ".")


def _topline(table: Table, task: Task | None, lead: Row) -> str:
    metric = table.ranking
    published = [row for row in table.rows if row.source == "published" and _has(row, metric.name)]
    if published:
        best = min(published, key=lambda row: _order(row, metric))
        same = next((row for row in published if row.method == lead.method), None)
        text = (f"Published on this data set and protocol, the best is {best.method} "
                f"({value_text(_mean(best, metric.name), metric)})")
        if same is not None and same is not best:
            text += f"; {lead.method} was published at {value_text(_mean(same, metric.name), metric)}"
        return text + "."
    if is_user(table.dataset):
        return f"These runs are on your data ({table.dataset}): no published numbers apply."
    if table.size == SMOKE:
        return "Smoke is a pipeline check: no published number compares with it."
    toplines = [t for t in (task.checklist.toplines if task and task.checklist else ()) if t.kind != "control"]
    if not toplines:
        return "No published number stands on this data set and protocol."
    topline = toplines[0]
    where = "the same data set" if topline.dataset == table.dataset else f"data set {topline.dataset}"
    protocol = f" ({topline.protocol})" if topline.protocol else ""
    return (f"No published number on this data set and protocol; the nearest, {topline.short or _unsentence(topline.result)}, "
            f"was measured on {where}{protocol}.")


def _best(rows: Sequence[Row], metric: MetricInfo, kind: str) -> Row | None:
    """The best row of ``kind`` by ``metric`` (rows are in rank order already; this does not rely on it)."""
    candidates = [row for row in rows if row.kind == kind]
    return min(candidates, key=lambda row: _order(row, metric)) if candidates else None


def _order(row: Row, metric: MetricInfo) -> float:
    value = _mean(row, metric.name)
    return -value if metric.direction == "higher" else value


def _beats(a: Row, b: Row, metric: MetricInfo) -> bool:
    return _order(a, metric) < _order(b, metric)


def _test_between(tests: Sequence[PairTest], a: str, b: str) -> PairTest | None:
    return next((test for test in tests if {test.method, test.other} == {a, b}), None)


def _has(row: Row, metric: str) -> bool:
    return not math.isnan(_mean(row, metric))


def _mean(row: Row, metric: str) -> float:
    return row.stats.get(metric, (math.nan, math.nan))[0]


def _and(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(".") else text + "."


def _unsentence(text: str) -> str:
    return text.strip().rstrip(".")
