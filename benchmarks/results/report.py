"""The HTML report: one self-contained page (styles, figures and charts inline; nothing fetched at view time).

It opens on the overview (:func:`benchmarks.results.charts.overview`: per task, the control, best baseline, best
model and the paper's number on one axis from the control, 0, to a perfect answer, 1), the ranks and scores per
table folded under it (:mod:`benchmarks.results.summary`), and a nav. Then one section per task, on its default
table (else its largest size): the answer sentence, the best model's figure beside the best baseline's, the
compact table, sbibm's budget curves for SBI tasks, and folded away every metric, the notes, the chart of the
primary metric against each cell's time, the checklist and every method's figure. The task's other tables
(smoke) follow, each folded away.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from string import Template
from typing import Any

import pandas as pd

from benchmarks.contract.task import Checklist
from benchmarks.results import charts, columns, summary
from benchmarks.results.baselines import PublishedValue
from benchmarks.results.leaderboard import Row, Table

TEMPLATE = Path(__file__).parent / "templates" / "report.html.template"


def page(tables: Sequence[Table], frame: pd.DataFrame | None = None, heading: str = "Leaderboard",
         checklists: Mapping[str, Checklist | None] | None = None, *, tasks: Mapping[str, Any] | None = None,
         published: Sequence[PublishedValue] | None = None) -> str:
    """The page of ``tables``; ``frame`` (of :mod:`benchmarks.results.frame`, runs and recorded runs) gives the
    time charts; ``checklists``: task name -> its cooperation checklist. ``tasks`` (name -> Task of the registry)
    gives each metric's ideal value and the SBI tasks' simulation budgets; ``published`` (every published number,
    also of sizes no table shows) the paper's curves of the budget charts (default: the published rows of the tables)."""
    main = charts.main_tables(tables)
    body = []
    if not tables:
        body.append("<p>No results.</p>")
    else:
        body.append(_overview(tables, tasks))
        body.append("<nav>" + "".join(f'<a href="#{_anchor(task)}">{html.escape(task)}</a>' for task in main) + "</nav>")
    for task, table in main.items():
        others = [t for t in tables if t.task == task and t is not table]
        body.append(_task_section(table, others, frame, (checklists or {}).get(task), tasks, published))
    meta = f"{len(main)} tasks, {len(tables)} tables · written {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        title=html.escape(heading), meta=html.escape(meta), body="\n".join(body))


def _anchor(task: str) -> str:
    return "t-" + "".join(c if c.isalnum() else "-" for c in task)


def _overview(tables: Sequence[Table], tasks: Mapping[str, Any] | None) -> str:
    chart = charts.overview(tables, tasks)
    figure = ("" if chart is None else
              f'<figure class="overview"><img alt="each task from its control (0) to a perfect answer (1)" '
              f'src="data:image/png;base64,{chart}"><figcaption>Each task on one axis: its control method at 0, a '
              "perfect answer at 1 (the best row where the metric has no ideal value); markers: the control, the "
              "best baseline, the best model and the paper's number on the same data, with their raw values. "
              "Default size where recorded, else the largest.</figcaption></figure>")
    return (f"<section id='summary'><h2>Across tasks</h2>{figure}<details class='summary'><summary>Ranks and scores "
            f"per table</summary>{_summary(tables)}</details></section>")


def _summary(tables: Sequence[Table]) -> str:
    scores = summary.scores(tables)
    labels = list(dict.fromkeys(s.table for s in scores))
    by_key = {(s.method, s.table): s for s in scores}
    means = summary.mean_scores(scores)
    methods = sorted(means, key=lambda m: (math.isnan(means[m][0]), -means[m][0] if not math.isnan(means[m][0]) else 0, m))
    head = "".join(f"<th>{html.escape(label)}</th>" for label in labels)
    rows = []
    for method in methods:
        cells = []
        for label in labels:
            s = by_key.get((method, label))
            text = "" if s is None else " · ".join(filter(None, [
                f"#{s.rank}" if s.rank else "unranked", "" if math.isnan(s.score) else f"{s.score + 0.0:.2f}"]))  # + 0.0: no "-0.00"
            cells.append(f'<td class="score">{html.escape(text)}</td>')
        mean, missing = means[method]
        average = f"{mean:.2f}" if not math.isnan(mean) else f"– (not scored in {len(missing)} of {len(labels)})"
        rows.append(f"<tr><td>{html.escape(method)}</td>{''.join(cells)}<td class='score'>{html.escape(average)}</td></tr>")
    return (f"<p class='rule'>Each cell: rank among this run's complete rows · score. {html.escape(summary.RULE)}</p>"
            f"<div class='scroll'><table><tr><th>method</th>{head}<th>mean score</th></tr>{''.join(rows)}</table></div>")


def _checklist(checklist: Checklist) -> str:
    """The cooperation's checklist as a definition list."""
    toplines = "".join(f"<li>{html.escape(t.result)} <span class='kind'>({html.escape(t.kind)}; data "
                       f"{html.escape(t.dataset)}{'; ' + html.escape(t.protocol) if t.protocol else ''})</span></li>"
                       for t in checklist.toplines)
    fields = [("question", html.escape(checklist.question)), ("data", html.escape(checklist.data)),
              ("success", html.escape(checklist.success)), ("baselines", html.escape(checklist.baselines)),
              ("toplines", f"<ul>{toplines}</ul>")]
    return "<dl class='checklist'>" + "".join(f"<dt>{name}</dt><dd>{text}</dd>" for name, text in fields) + "</dl>"


def _task_section(table: Table, others: Sequence[Table], frame: pd.DataFrame | None, checklist: Checklist | None,
                  tasks: Mapping[str, Any] | None, published: Sequence[PublishedValue] | None) -> str:
    parts = [f'<section class="task" id="{_anchor(table.task)}"><h2>{html.escape(table.task)}</h2>',
             f"<p class='title'>{html.escape(columns.title(table))}</p>"]
    answer = getattr(table, "answer", "")
    if answer:
        parts.append(f'<p class="answer">{html.escape(answer)}</p>')
    parts.append(_best_figures(table))  # shown once: the details below hold the other methods' figures
    parts.append(_compact(table))
    if table.primary.name == "c2st":
        tables = [table, *others]
        values = published if published is not None else _published_of(tables)
        chart = charts.budget_curves(tables, values, (tasks or {}).get(table.task))
        if chart:
            parts.append(f'<figure class="budget"><img alt="C2ST against the number of simulations per method" '
                         f'src="data:image/png;base64,{chart}"><figcaption>C2ST against the simulation budget, as sbibm '
                         "shows it: solid lines this suite's runs, dashed the published ones; circles C2ST on 10,000 "
                         "samples (the paper's protocol), squares on 1,000 (sbibm's C2ST_1K), crosses the smoke "
                         "check (500 simulations, a pipeline check).</figcaption></figure>")
    parts.append(_details("All metrics and notes", table, frame, checklist))
    for other in others:
        parts.append(_details(columns.title(other), other, frame, None, other_size=True))
    parts.append("</section>")
    return "\n".join(parts)


def _published_of(tables: Sequence[Table]) -> list[PublishedValue]:
    """The published rows of ``tables`` as published numbers (where the page was not handed them all)."""
    return [PublishedValue(table.task, table.size, row.method, metric, mean, std, row.n_ok or None, row.citation,
                           row.note, "", table.dataset)
            for table in tables for row in table.rows if row.source == "published"
            for metric, (mean, std) in row.stats.items()]


def _best_rows(table: Table) -> list[Row]:
    """The best model's and the best baseline's rows (in rank order) of those with a figure."""
    rows = (next((r for r in table.rows if r.kind == kind and r.figure and Path(r.figure).is_file()), None)
            for kind in ("model", "baseline"))
    return [row for row in rows if row is not None]


def _best_figures(table: Table) -> str:
    """The figure of the best model beside the best baseline's, where they have one."""
    figures = [_figure(row, f"best {row.kind}: ") for row in _best_rows(table)]
    return f"<div class='figures'>{''.join(figures)}</div>" if figures else ""


def _figure(row: Row, prefix: str = "") -> str:
    data = base64.b64encode(Path(str(row.figure)).read_bytes()).decode()
    return (f'<figure><img alt="{html.escape(row.method)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(prefix + row.method)} ({html.escape(row.source)})</figcaption></figure>")


def _compact(table: Table) -> str:
    """The compact table (the headline metrics) and the lines under it (its marks, the numbered footnotes)."""
    if hasattr(columns, "compact_headers") and hasattr(columns, "compact_cells"):
        text = _table(table, columns.compact_headers(table), lambda rank, row: columns.compact_cells(table, rank, row),
                      "compact")
        legend = getattr(columns, "compact_legend", None)  # the marks and the numbered published notes
        notes = legend(table) if legend is not None else getattr(table, "footnotes", []) or []
        if notes:
            text += "<ul class='footnotes'>" + "".join(f"<li>{html.escape(note)}</li>" for note in notes) + "</ul>"
        return text
    return _table(table, columns.table_headers(table), lambda rank, row: columns.table_cells(table, rank, row), "compact")


def _table(table: Table, headers: Sequence[str], cells_of: Any, css_class: str) -> str:
    parts = [f"<div class='scroll'><table class='{css_class}'><tr>",
             "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr>"]
    for rank, row in columns.ranked(table):
        css = row.source if row.source != "run" else ("" if row.complete else "incomplete")
        cells = "".join(f"<td>{html.escape(c)}</td>" for c in cells_of(rank, row))
        parts.append(f'<tr class="{css}">{cells}</tr>')
    parts.append("</table></div>")
    return "".join(parts)


def _details(summary_text: str, table: Table, frame: pd.DataFrame | None, checklist: Checklist | None,
             other_size: bool = False) -> str:
    """Folded away: (for another size, its answer first) every metric, the notes, the time chart, the checklist and
    every method's figure (but the best model's and baseline's, shown above the main table)."""
    parts = [f"<details class='table'><summary>{html.escape(summary_text)}</summary>"]
    if other_size:
        answer = getattr(table, "answer", "")
        if answer:
            parts.append(f'<p class="answer">{html.escape(answer)}</p>')
    parts.append(_table(table, columns.table_headers(table), lambda rank, row: columns.table_cells(table, rank, row),
                        "full"))
    parts.extend(f"<p class='note'>{html.escape(note)}</p>" for note in table.notes)
    if other_size:
        parts.extend(f"<p class='note'>{html.escape(note)}</p>" for note in getattr(table, "footnotes", []) or [])
    chart = charts.time_chart(table, frame)
    if chart:
        parts.append(f'<figure class="chart"><img alt="{html.escape(table.primary.name)} against time per cell" '
                     f'src="data:image/png;base64,{chart}"><figcaption>{html.escape(table.primary.name)} against '
                     "time per cell (each point one cell; hollow: recorded; dashed: published)</figcaption></figure>")
    if checklist is not None:
        parts.append(_checklist(checklist))
    shown = set() if other_size else {(row.method, row.options) for row in _best_rows(table)}
    figures = []
    for row in sorted(table.rows, key=lambda r: r.source != "run"):  # a method's own run first, else its recorded one
        if row.figure and Path(row.figure).is_file() and (row.method, row.options) not in shown:
            shown.add((row.method, row.options))
            figures.append(_figure(row))
    if figures:
        parts.append(f"<div class='figures all'>{''.join(figures)}</div>")
    parts.append("</details>")
    return "\n".join(parts)
