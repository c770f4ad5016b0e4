"""The HTML report: one self-contained page (styles, figures and charts inline; nothing fetched at view time).

First the cross-task summary (:mod:`benchmarks.results.summary`: rank and score per method and table, with
its rule); then per table (task, size, data set) the leaderboard with its published and recorded
rows and the notes on them, a chart of the primary metric against the time of each cell, and
each method's figure.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from string import Template

import pandas as pd

from benchmarks.contract.task import Checklist
from benchmarks.results import columns, summary
from benchmarks.results.leaderboard import Table

TEMPLATE = Path(__file__).parent / "templates" / "report.html.template"


def page(tables: Sequence[Table], frame: pd.DataFrame | None = None, heading: str = "Leaderboard",
         checklists: Mapping[str, Checklist | None] | None = None) -> str:
    """The page of ``tables``; ``frame`` (of :mod:`benchmarks.results.frame`, runs and recorded runs) gives the charts;
    ``checklists`` (task name -> its cooperation checklist) open each task's first table."""
    body = [_summary(tables)] if tables else ["<p>No results.</p>"]
    if len(tables) > 1:
        body.append("<nav>" + "".join(f'<a href="#{_anchor(t)}">{html.escape(summary.table_label(t))}</a>'
                                      for t in tables) + "</nav>")
    introduced: set[str] = set()
    for table in tables:
        checklist = (checklists or {}).get(table.task) if table.task not in introduced else None
        introduced.add(table.task)
        body.append(_section(table, frame, checklist))
    meta = f"{len(tables)} tables · written {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        title=html.escape(heading), meta=html.escape(meta), body="\n".join(body))


def _anchor(table: Table) -> str:
    return "t-" + "".join(c if c.isalnum() else "-" for c in summary.table_label(table))


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
    return (f"<section id='summary'><h2>Summary across tasks</h2><p class='rule'>Each cell: rank among this run's "
            f"complete rows · score. {html.escape(summary.RULE)}</p>"
            f"<table><tr><th>method</th>{head}<th>mean score</th></tr>{''.join(rows)}</table></section>")


def _checklist(checklist: Checklist) -> str:
    """The cooperation's checklist as a definition list."""
    toplines = "".join(f"<li>{html.escape(t.result)} <span class='kind'>({html.escape(t.kind)}; data "
                       f"{html.escape(t.dataset)}{'; ' + html.escape(t.protocol) if t.protocol else ''})</span></li>"
                       for t in checklist.toplines)
    fields = [("question", html.escape(checklist.question)), ("data", html.escape(checklist.data)),
              ("success", html.escape(checklist.success)), ("baselines", html.escape(checklist.baselines)),
              ("toplines", f"<ul>{toplines}</ul>")]
    return "<dl class='checklist'>" + "".join(f"<dt>{name}</dt><dd>{text}</dd>" for name, text in fields) + "</dl>"


def _section(table: Table, frame: pd.DataFrame | None, checklist: Checklist | None = None) -> str:
    parts = [f'<section class="task" id="{_anchor(table)}"><h2>{html.escape(columns.title(table))}</h2>',
             _checklist(checklist) if checklist is not None else "", "<table><tr>",
             "".join(f"<th>{html.escape(h)}</th>" for h in columns.table_headers(table)) + "</tr>"]
    for rank, row in columns.ranked(table):
        css = row.source if row.source != "run" else ("" if row.complete else "incomplete")
        cells = "".join(f"<td>{html.escape(c)}</td>" for c in columns.table_cells(table, rank, row))
        parts.append(f'<tr class="{css}">{cells}</tr>')
    parts.append("</table>")
    parts.extend(f"<p class='note'>{html.escape(note)}</p>" for note in table.notes)
    chart = _chart(table, frame)
    if chart:
        parts.append(f'<figure class="chart"><img alt="{html.escape(table.primary.name)} against time per cell" '
                     f'src="data:image/png;base64,{chart}"><figcaption>{html.escape(table.primary.name)} against '
                     "time per cell (each point one cell; hollow: recorded; dashed: published)</figcaption></figure>")
    shown = set()
    for row in sorted(table.rows, key=lambda r: r.source != "run"):  # a method's own run first, else its recorded one
        if row.figure and Path(row.figure).is_file() and (row.method, row.options) not in shown:
            shown.add((row.method, row.options))
            data = base64.b64encode(Path(row.figure).read_bytes()).decode()
            parts.append(f'<figure><img alt="{html.escape(row.method)}" src="data:image/png;base64,{data}">'
                         f"<figcaption>{html.escape(row.method)} ({row.source})</figcaption></figure>")
    parts.append("</section>")
    return "\n".join(parts)


def _chart(table: Table, frame: pd.DataFrame | None) -> str | None:
    """A PNG (base64) of the primary metric against each ok cell's time; None without such cells."""
    column = "metric:" + table.primary.name
    if frame is None or frame.empty or column not in frame:
        return None
    cells = frame[(frame["task"] == table.task) & (frame["size"] == table.size) & (frame["dataset"] == table.dataset)
                  & (frame["task_version"] == table.version) & (frame["status"] == "ok")].dropna(subset=[column, "time_s"])
    if cells.empty:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6.4, 3.6), dpi=100)
    for index, (method, group) in enumerate(cells.groupby("method", sort=True)):
        colour = f"C{index % 10}"
        for source, points in group.groupby("source"):
            hollow = source == "recorded"
            axes.scatter(points["time_s"], points[column], label=method if not hollow else f"{method} (recorded)",
                         facecolors="none" if hollow else colour, edgecolors=colour, s=36)
    for row in table.rows:
        value = row.stats.get(table.primary.name, (math.nan, math.nan))[0]
        if row.source == "published" and not math.isnan(value):
            axes.axhline(value, linestyle="--", linewidth=0.8, color="grey")
            axes.annotate(row.method, (1.0, value), xycoords=("axes fraction", "data"), fontsize=7, color="grey",
                          ha="right", va="bottom")
    if cells["time_s"].max() > 20 * max(cells["time_s"].min(), 1e-3):
        axes.set_xscale("log")
    arrow = {"higher": "↑", "lower": "↓"}.get(table.primary.direction, "")
    axes.set_xlabel("time per cell [s] (load + method + evaluate)")
    axes.set_ylabel(f"{table.primary.name} {arrow}" + (f" [{table.primary.unit}]" if table.primary.unit else ""))
    axes.legend(fontsize=7, loc="best")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()
