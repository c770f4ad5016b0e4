"""From run records to leaderboard tables: one table per (task, size), one row per method.

A row shows, per metric, the mean and standard deviation over the seeds whose cell ended
``ok``; the number of seeds; and how many cells failed, were skipped or are missing (seeds that
other methods of the same table ran). Rows rank by the primary metric, ties by the next metrics
in the task's order. Incomplete rows are marked and ranked after the complete ones, so an
average over fewer seeds never passes for a complete one. Only the newest task version present
is shown: results of an older version are stale. Where records carry per-item outcomes, the
pairs the task declares are tested (see :mod:`benchmarks.results.pairs`) and each row says how it fared.
Runs on different data sets (the record's ``dataset``) are different tables; a published number
stands only in the table of its own data set, and a table says why it shows none.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from benchmarks.contract.task import Task
from benchmarks.data.dataset_id import is_user
from benchmarks.records.schema import DONE
from benchmarks.results import frame as results
from benchmarks.results.baselines import PublishedValue
from benchmarks.results.pairs import PairTest, declared_pairs, paired_test

KIND_ORDER = {"model": 0, "baseline": 1, "control": 2}


@dataclass(frozen=True)
class MetricInfo:
    """A metric's name, direction and unit, as records carry them."""
    name: str
    direction: str  # "higher" or "lower"
    unit: str = ""


@dataclass
class Row:
    """One row of a table: a method's results over seeds, a recorded reference run, or a published number."""
    method: str
    kind: str
    source: str  # "run", "recorded" or "published"
    stats: dict[str, tuple[float, float]]  # metric -> (mean, std); std NaN with one value
    n_ok: int = 0
    n_failed: int = 0
    n_missing: int = 0
    n_skipped: int = 0  # seeds the method does not apply to (``NotApplicable``); ``note`` says why
    options: str = ""
    time_s: float = math.nan  # mean wall time per cell: load + method + evaluate
    peak_rss_mb: float = math.nan  # largest peak over the cells
    figure: str | None = None  # path of one figure of this row
    citation: str = ""
    note: str = ""
    paired: str = ""  # outcome of the paired tests of this method, in words
    # a run row's recorded reference run (baselines/recorded) of the same method and options: the metric that
    # ranks the table (the primary, or the task's fallback)
    recorded: tuple[float, float] | None = None
    recorded_differs: bool = False  # the run is off the recorded value by more than max(2 std, 1 %)
    footnote: int = 0  # a published row's note: its number among the table's footnotes (1-based; 0: none)

    @property
    def complete(self) -> bool:
        """No failed and no missing seed."""
        return self.n_failed == 0 and self.n_missing == 0


@dataclass
class Table:
    """The leaderboard of one task at one size on one data set: its rows, the seeds run and the paired tests."""
    task: str
    size: str
    version: int | None
    metrics: list[MetricInfo]
    rows: list[Row] = field(default_factory=list)
    seeds: list[int] = field(default_factory=list)
    tests: list[PairTest] = field(default_factory=list)
    dataset: str = ""  # the data set id of its runs ("" for records written before runs named theirs)
    notes: list[str] = field(default_factory=list)  # lines under the table: why no published row stands here
    headline: list[str] = field(default_factory=list)  # metrics the compact table shows beside the primary
    rank_by: str = ""  # the metric that ranked the rows: the primary, or the task's fallback where it ties
    answer: str = ""  # the table's answer in one or two sentences (:mod:`benchmarks.results.answer`)
    footnotes: list[str] = field(default_factory=list)  # the published rows' notes, each once (``Row.footnote``)

    @property
    def primary(self) -> MetricInfo:
        """The task's primary metric (the first)."""
        return self.metrics[0]

    def metric(self, name: str) -> MetricInfo:
        """The metric called ``name`` (the primary when not found)."""
        return next((m for m in self.metrics if m.name == name), self.primary)

    @property
    def ranking(self) -> MetricInfo:
        """The metric that ranked the rows."""
        return self.metric(self.rank_by or self.primary.name)


def build(
    records: Iterable[dict[str, Any]],
    published: Sequence[PublishedValue] = (),
    recorded: Iterable[dict[str, Any]] = (),
    *,
    recorded_alone: bool = False,
    tasks: Mapping[str, Task] | None = None,
) -> list[Table]:
    """Leaderboard tables, sorted by task, size and data set, from run records and baselines.

    Recorded runs stand beside runs on the same task, size and data set; ``recorded_alone`` also
    makes tables of recorded runs that no run matches (always, when there are no runs at all).
    ``tasks`` (name -> Task, the registry's) gives each table what its task declares about reading it:
    the headline metrics, the fallback ranking and the answer's note; tables of other tasks go without.
    """
    records = list(records)
    frame = results.concat([results.frame_of(records, "run"), results.frame_of(recorded, "recorded")])
    return tables_of(frame, published, records, recorded_alone=recorded_alone, recorded=recorded, tasks=tasks)


def tables_of(frame: pd.DataFrame, published: Sequence[PublishedValue] = (), records: Sequence[dict[str, Any]] = (),
              *, recorded_alone: bool = False, recorded: Iterable[dict[str, Any]] = (),
              tasks: Mapping[str, Task] | None = None) -> list[Table]:
    """Leaderboard tables from a frame of :mod:`benchmarks.results.frame`; ``records`` (with items) for the paired
    tests, and ``recorded`` ones as partners of added rows where the suite's methods were not run. A method both
    run and recorded is one row, with the recorded value beside its own (``Row.recorded``)."""
    tables: dict[tuple[str, str, str], Table] = {}
    if not frame.empty:
        frame = frame[frame["task_version"] == frame.groupby("task")["task_version"].transform("max")]
        if not recorded_alone and (frame["source"] == "run").any():
            has_run = frame.groupby(["task", "size", "dataset"])["source"].transform(lambda s: (s == "run").any())
            frame = frame[has_run.astype(bool)]
        for (task, size, dataset), group in frame.groupby(["task", "size", "dataset"], sort=True):
            tables[(task, size, dataset)] = _table(task, size, group)
            tables[(task, size, dataset)].dataset = dataset
    _attach_pair_tests(tables, records, list(recorded))
    _attach_published(tables, published)
    from benchmarks.results.answer import answer

    for table in tables.values():
        task = (tasks or {}).get(table.task)
        _read_as_declared(table, task)
        _merge_recorded(table)
        table.rows.sort(key=lambda row: _rank_key(row, _ranking_order(table)))
        _number_footnotes(table)
        table.answer = answer(table, task)
    return [tables[key] for key in sorted(tables)]


def _merge_recorded(table: Table) -> None:
    """One row per method and options: a recorded run of a method run here becomes that row's ``recorded``."""
    runs = {(row.method, row.options): row for row in table.rows if row.source == "run"}
    kept = []
    for row in table.rows:
        run = runs.get((row.method, row.options)) if row.source == "recorded" else None
        if run is None:
            kept.append(row)
            continue
        metric = table.ranking.name  # the value the table ranks by, beside the run's own
        run.recorded = row.stats.get(metric, (math.nan, math.nan))
        run.recorded_differs = differs(run.stats.get(metric, (math.nan, math.nan)), run.recorded)
    table.rows = kept


def _number_footnotes(table: Table) -> None:
    """Each published row's citation and note become one numbered footnote, written once for rows sharing it."""
    for row in table.rows:
        text = "; ".join(filter(None, [row.citation, row.note])) if row.source == "published" else ""
        if not text:
            continue
        if text not in table.footnotes:
            table.footnotes.append(text)
        row.footnote = table.footnotes.index(text) + 1


def differs(run: tuple[float, float], recorded: tuple[float, float]) -> bool:
    """Whether a run's mean is off its recorded mean by more than max(2 std, 1 %) (either std; NaN ones left out)."""
    (mean, std), (reference, reference_std) = run, recorded
    if math.isnan(mean) or math.isnan(reference):
        return math.isnan(mean) != math.isnan(reference)
    spreads = [2 * value for value in (std, reference_std) if not math.isnan(value)]
    return abs(mean - reference) > max([*spreads, 0.01 * abs(reference)])


def _read_as_declared(table: Table, task: Task | None) -> None:
    """The task's headline metrics and, where the primary cannot separate the rows, its fallback ranking."""
    known = [metric.name for metric in table.metrics]
    declared = [name for name in (task.headline if task else ()) if name in known]
    table.headline = declared or [name for name in known[1:3] if not name.endswith("_std")]
    table.rank_by = table.primary.name
    if not _separates(table, table.primary.name):
        fallback = task.fallback_metric if task else None
        table.rank_by = fallback if fallback in known else next(
            (name for name in known[1:] if _separates(table, name)), table.primary.name)
    if table.rank_by != table.primary.name and table.rank_by in table.headline:
        table.headline.remove(table.rank_by)
    if table.rank_by != table.primary.name:
        table.headline.insert(0, table.rank_by)


def _separates(table: Table, metric: str) -> bool:
    """Whether the metric's means differ between the suite's rows (run or recorded)."""
    values = {round(row.stats.get(metric, (math.nan, math.nan))[0], 12) for row in table.rows
              if row.source != "published"}
    values = {value for value in values if not math.isnan(value)}
    return len(values) > 1


def _ranking_order(table: Table) -> list[MetricInfo]:
    """The ranking metric first, then the others in the task's order (ties go to the next)."""
    first = table.ranking
    return [first, *(metric for metric in table.metrics if metric.name != first.name)]


def _table(task: str, size: str, group: pd.DataFrame) -> Table:
    infos = [json.loads(text) for text in group["metric_info"].unique()]
    metrics = [MetricInfo(**info) for info in max(infos, key=len)] or [
        MetricInfo(c.removeprefix("metric:"), "higher") for c in group.columns if c.startswith("metric:")
    ]
    table = Table(task, size, int(group["task_version"].iloc[0]), metrics)
    expected = set(group.loc[group["source"] == "run", "seed"]) or set(group["seed"])
    table.seeds = sorted(expected)
    for (method, options, source), rows in group.groupby(["method", "options", "source"], sort=False):
        ok = rows[rows["status"] == "ok"]
        stats = {}
        for metric in metrics:
            column = "metric:" + metric.name
            values = ok[column].dropna() if column in ok else pd.Series(dtype=float)
            std = float(values.std(ddof=1)) if len(values) > 1 else math.nan
            stats[metric.name] = (float(values.mean()) if len(values) else math.nan, std)
        figures = ok.sort_values("seed")["figure"].dropna()
        skipped = rows[rows["status"] == "skipped"]
        reasons = skipped["reason"].dropna().unique()  # a fixed column of every results frame
        table.rows.append(Row(
            method=method, kind=str(rows["kind"].iloc[0]), source=source, stats=stats,
            n_ok=len(ok), n_failed=int((~rows["status"].isin(DONE)).sum()), n_skipped=len(skipped),
            note="; ".join(f"skipped: {reason}" for reason in reasons),
            n_missing=len(expected - set(rows["seed"])) if source == "run" else 0,
            options=options if options != "{}" else "",
            time_s=float(ok["time_s"].mean()) if len(ok) else math.nan,
            peak_rss_mb=float(rows["peak_rss_mb"].max()),
            figure=figures.iloc[0] if len(figures) else None,
        ))
    _label_differing_options(table)
    return table


def _label_differing_options(table: Table) -> None:
    """Show the options of a row only where rows of the table differ in them."""
    parsed = [json.loads(row.options or "{}") for row in table.rows]
    varying = {k for p in parsed for k in p if len({json.dumps(q.get(k)) for q in parsed}) > 1}
    for row, options in zip(table.rows, parsed):
        row.options = ", ".join(f"{k}={options[k]}" for k in sorted(varying) if k in options)


def is_added(record: Mapping[str, Any]) -> bool:
    """Whether a record's row is added to the task's own: a method from outside the suite, or a variant with
    parameters other than the task's methods and presets."""
    return record.get("method_origin", "suite") != "suite" or "[" in str(record.get("method", ""))


def _attach_pair_tests(tables: dict[tuple[str, str, str], Table], records: Sequence[dict[str, Any]],
                       recorded: Sequence[dict[str, Any]] = ()) -> None:
    """Test the declared pairs of each table on the items of its run records. An added row (a method of the
    user's, a variant) is also tested against the recorded runs of the task's methods that were not run."""
    def by_table(items: Sequence[dict[str, Any]]) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
        grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for record in items:
            grouped.setdefault((record["task"], record["size"], record.get("dataset") or ""), []).append(record)
        return grouped

    run_records, recorded_records = by_table(records), by_table(recorded)
    for key, table in tables.items():
        current = [r for r in run_records.get(key, []) if r.get("task_version") == table.version]
        runs = [row for row in table.rows if row.source == "run"]
        kinds = {row.method: row.kind for row in runs}
        means = {row.method: row.stats[table.primary.name][0] for row in runs}
        added = {r["method"] for r in current if is_added(r)}
        if added:  # the recorded runs stand in for the suite's methods not run this time
            for row in table.rows:
                if row.source == "recorded" and row.method not in kinds:
                    kinds[row.method], means[row.method] = row.kind, row.stats[table.primary.name][0]
            current += [r for r in recorded_records.get(key, []) if r.get("task_version") == table.version
                        and r["method"] not in {row.method for row in runs}]
        for method, other in declared_pairs(current, kinds, means, table.primary.direction == "higher", added):
            if method not in {row.method for row in runs}:
                continue  # a pair of recorded rows alone: tested in the recorded run's own table
            test = paired_test(method, other, [r for r in current if r["method"] == method],
                               [r for r in current if r["method"] == other])
            if test is None:
                continue
            table.tests.append(test)
            for row in runs:
                if row.method == method:
                    row.paired = "; ".join(filter(None, [row.paired, test.text()]))


def _attach_published(tables: dict[tuple[str, str, str], Table], published: Sequence[PublishedValue]) -> None:
    """Published rows beside runs on their data set, one per setting; a table without any says why."""
    grouped: dict[tuple[str, str, str, str, str], list[PublishedValue]] = {}
    for value in published:
        key = (value.task, value.size, value.method, value.dataset, value.setting or value.citation)
        grouped.setdefault(key, []).append(value)
    for (task, size, method, dataset, _setting), values in grouped.items():
        targets = [t for (t_task, t_size, t_data), t in tables.items()
                   if t_task == task and (size == "*" or t_size == size) and dataset and t_data == dataset]
        for table in targets:
            known = {metric.name for metric in table.metrics}
            stats = {v.metric: (v.mean, v.std) for v in values if v.metric in known}
            if not stats:
                continue
            notes = [values[0].setting] if values[0].setting else []
            notes += sorted({v.note for v in values if v.note})
            table.rows.append(Row(
                method=method, kind="", source="published", stats=stats, n_ok=values[0].n or 0,
                citation=values[0].citation, note="; ".join(notes),
            ))
    for table in tables.values():
        if not any(row.source == "published" for row in table.rows):
            table.notes.append(_why_no_published(table, published))


def _why_no_published(table: Table, published: Sequence[PublishedValue]) -> str:
    ours = [v for v in published if v.task == table.task]
    if is_user(table.dataset):
        return f"Runs on your data ({table.dataset}): no published numbers apply."
    if not table.dataset:
        return ("These records name no data set (written before runs recorded theirs): "
                "published numbers are not shown beside them; run again to compare.")
    if not ours:
        return f"No published numbers for task {table.task}."
    sizes = sorted({v.size for v in ours if v.dataset == table.dataset and v.size != "*"})
    if sizes:
        return (f"No published numbers at size {table.size} on {table.dataset}; there are at size"
                f"{'s' if len(sizes) > 1 else ''} {', '.join(sizes)}.")
    elsewhere = sorted({v.dataset or "no data set named" for v in ours})
    return f"No published numbers on {table.dataset}; this task's are on {', '.join(elsewhere)}."


def _rank_key(row: Row, metrics: Sequence[MetricInfo]) -> tuple[Any, ...]:
    """Complete rows first, then by the primary metric; a tie (every close fraction 0) goes to the
    next metric in the task's order, and so on, then to the kind (model first)."""
    keys: list[Any] = []
    for metric in metrics:
        mean = row.stats.get(metric.name, (math.nan, math.nan))[0]
        missing = math.isnan(mean)
        keys += [missing, 0.0 if missing else (-mean if metric.direction == "higher" else mean)]
    return (not row.complete, *keys, KIND_ORDER.get(row.kind, 3), row.method)
