"""The report's charts, as PNG images in base64 (matplotlib, Agg): nothing is fetched when the page is viewed.

- :func:`overview`: per task, its control, best baseline, best model and the paper's number on one axis scaled
  from the control (0) to a perfect answer (1), as Open Problems shows its tasks; :func:`overview_points` gives
  the scaled numbers it draws.
- :func:`budget_curves`: sbibm's picture of an SBI task, C2ST against the number of simulations per method,
  beside the published curves.
- :func:`time_chart`: a table's primary metric against each cell's time.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from benchmarks.results.baselines import PublishedValue
from benchmarks.results.leaderboard import Row, Table

#: Sizes from the smallest to the largest, where a task's budgets do not say (unknown sizes: between default and full).
SIZE_ORDER = {"smoke": 0, "default": 1, "1k": 2, "10k": 3, "100k": 4, "full": 6}
#: The SBI family's budgets where the task is not in the registry: (simulations, samples C2ST compares).
SBI_BUDGETS = {"smoke": (500, 500), "default": (1_000, 1_000), "1k": (1_000, 10_000), "10k": (10_000, 10_000),
               "100k": (100_000, 10_000), "full": (100_000, 10_000)}
ROLES = ("control", "baseline", "model", "published")
STYLE = {  # role -> (marker, colour, label in the legend)
    "control": ("s", "#777777", "control"),
    "baseline": ("o", "#1f77b4", "best baseline"),
    "model": ("D", "#d62728", "best model"),
    "published": ("*", "#2ca02c", "paper"),
}


@dataclass(frozen=True)
class Marker:
    """One row on a task's overview axis: its role, method, raw value of the primary metric and scaled value."""
    role: str  # one of ROLES
    method: str
    value: float
    scaled: float  # 0: the control, 1: the ideal (or the best row where the task has no ideal)


@dataclass(frozen=True)
class Line:
    """One task on the overview: the table it stands for and its markers."""
    task: str
    size: str
    metric: str
    direction: str
    one: float  # the value scaled to 1
    one_is_ideal: bool  # False: no ideal known, 1 is the best row of the table
    markers: tuple[Marker, ...]


def main_tables(tables: Sequence[Table]) -> dict[str, Table]:
    """One table per task, in the order of ``tables``: its default size where there is one, else its largest size;
    of several data sets, the one with most rows of this suite."""
    out: dict[str, Table] = {}
    for table in tables:
        best = out.get(table.task)
        if best is None or _preference(table) > _preference(best):
            out[table.task] = table
    return out


def _preference(table: Table) -> tuple[int, int, int]:
    ours = sum(row.source != "published" for row in table.rows)
    return (table.size == "default", SIZE_ORDER.get(table.size, 5), ours)


def ideal_of(table: Table, tasks: Mapping[str, Any] | None) -> float | None:
    """The ideal value of the metric that ranks the table (its primary, or the task's fallback where the primary
    cannot separate the rows) as the task declares it (``Metric.ideal``), or None."""
    task = (tasks or {}).get(table.task)
    for metric in getattr(task, "metrics", ()) or ():
        if metric.name == table.ranking.name:
            ideal = getattr(metric, "ideal", None)
            return None if ideal is None else float(ideal)
    return None


def overview_points(tables: Sequence[Table], tasks: Mapping[str, Any] | None = None) -> list[Line]:
    """The numbers :func:`overview` draws: per task (its :func:`main_tables` table), the control, best baseline,
    best model and best published row, each scaled as ``(value - control) / (one - control)`` where ``one`` is
    the metric's ideal (``tasks``: name -> Task of the registry) or else the table's best row. A task without a
    control row, or whose ``one`` equals its control, is left out."""
    lines = []
    for table in main_tables(tables).values():
        name, higher = table.ranking.name, table.ranking.direction == "higher"
        best: dict[str, Row] = {}
        for row in table.rows:
            role = "published" if row.source == "published" else row.kind
            value = _mean(row, name)
            if role not in ROLES or math.isnan(value):
                continue
            if role not in best or (value > _mean(best[role], name) if higher else value < _mean(best[role], name)):
                best[role] = row
        if "control" not in best:
            continue
        control = _mean(best["control"], name)
        ideal = ideal_of(table, tasks)
        values = [_mean(row, name) for row in best.values()]
        one = ideal if ideal is not None else (max if higher else min)(values)
        if one == control:
            continue
        markers = tuple(Marker(role, best[role].method, _mean(best[role], name),
                               (_mean(best[role], name) - control) / (one - control)) for role in ROLES if role in best)
        lines.append(Line(table.task, table.size, name, table.ranking.direction, one, ideal is not None, markers))
    return lines


def overview(tables: Sequence[Table], tasks: Mapping[str, Any] | None = None) -> str | None:
    """A PNG (base64): one row per task on a 0-1 axis (0: control, 1: ideal), with the control, best baseline,
    best model and the paper's number, each named with its method and raw value under the axis; None without a
    task to show. Large type and few words: the page shows it at a phone's width too."""
    lines = overview_points(tables, tasks)
    if not lines:
        return None
    plt = _pyplot()
    low, high = -0.12, 1.12
    figure, axes = plt.subplots(figsize=(6.4, 1.6 * len(lines) + 0.9), dpi=100)
    symbols = {"control": "■", "baseline": "●", "model": "◆", "published": "★"}
    for index, line in enumerate(lines):
        y = len(lines) - 1 - index
        axes.plot([0, 1], [y + 0.2, y + 0.2], color="#d0d0d0", linewidth=7, solid_capstyle="butt", zorder=0)
        arrow = {"higher": "↑", "lower": "↓"}.get(line.direction, "")
        axes.text(low, y + 0.42, line.task, fontsize=18, fontweight="bold", va="bottom", ha="left")
        axes.text(high, y + 0.42, f"{line.metric} {arrow}  1 = {_number(line.one)}" + ("" if line.one_is_ideal else
                  " (best)"), fontsize=13, color="#555555", va="bottom", ha="right")
        for marker in line.markers:
            shape, colour, _ = STYLE[marker.role]
            x = min(max(marker.scaled, low + 0.01), high - 0.01)  # far below the control: at the axis' end
            axes.scatter([x], [y + 0.2], marker=shape, s=300 if marker.role == "published" else 140, color=colour,
                         edgecolors="white", linewidths=0.8, zorder=3 + ROLES.index(marker.role))
            slot = ROLES.index(marker.role)  # a 2 x 2 grid under the axis: control, baseline / model, paper
            axes.text(low if slot % 2 == 0 else 0.5, y + 0.02 - 0.22 * (slot // 2),
                      f"{symbols[marker.role]} {marker.method} {_number(marker.value)}", fontsize=15, color=colour,
                      ha="left", va="top")
    axes.set_xlim(low, high)
    axes.set_ylim(-0.6, len(lines) - 0.05)
    axes.set_yticks([])
    axes.set_xticks([0, 0.5, 1])
    axes.set_xticklabels(["control", "0.5", "ideal"], fontsize=14)
    for side in ("left", "right", "top"):
        axes.spines[side].set_visible(False)
    handles = [axes.scatter([], [], marker=shape, color=colour, s=120, label=label) for shape, colour, label in STYLE.values()]
    axes.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, fontsize=13, frameon=False,
                handletextpad=0.1, columnspacing=0.7)
    figure.tight_layout()
    return _png(figure)


def budget_points(tables: Sequence[Table], published: Sequence[PublishedValue], task: Any = None,
                  metric: str = "c2st") -> tuple[list[tuple[str, str, int, int, float]], list[tuple[str, str, int, int, float]]]:
    """The points of :func:`budget_curves`: (method, size, simulations, C2ST samples, value) of this suite's rows
    (runs and recorded runs) and of the published numbers of the same task (``full`` left out: it repeats 100k)."""
    ours, theirs = [], []
    name = tables[0].task if tables else ""
    for table in tables:
        budget = _budget(task, table.size)
        if budget is None:
            continue
        seen = set()
        for row in table.rows:
            value = _mean(row, metric)
            if row.source == "published" or math.isnan(value) or row.method in seen:
                continue
            seen.add(row.method)  # a method run and recorded: its better-ranked row
            ours.append((row.method, table.size, *budget, value))
    for value in published:
        budget = _budget(task, value.size)
        if value.task == name and value.metric == metric and value.size != "full" and budget is not None:
            theirs.append((value.method, value.size, *budget, value.mean))
    return ours, theirs


def budget_curves(tables: Sequence[Table], published: Sequence[PublishedValue] = (), task: Any = None) -> str | None:
    """sbibm's picture of one SBI task (``tables``: its tables of every size; ``task``: its registry entry, whose
    ``budgets[size].num_simulations`` place the sizes): C2ST against the number of simulations (log), a line per
    method across the sizes with records, the published numbers dashed in the same colour; the marker says the
    protocol (C2ST on 10,000 or 1,000 samples; smoke is a pipeline check). None without a C2ST point."""
    ours, theirs = budget_points(tables, published, task)
    if not ours:
        return None
    plt = _pyplot()
    from matplotlib.lines import Line2D

    methods = list(dict.fromkeys([p[0] for p in ours] + [p[0] for p in theirs]))
    colour = {method: f"C{index % 10}" for index, method in enumerate(methods)}
    shape = {10_000: "o", 1_000: "s"}
    figure, axes = plt.subplots(figsize=(8, 7), dpi=100)
    for points, dashed in ((ours, False), (theirs, True)):
        for method in methods:
            for samples in sorted({p[3] for p in points if p[0] == method}):
                same = sorted((p for p in points if p[0] == method and p[3] == samples), key=lambda p: p[2])
                if samples in shape and len(same) > 1:  # a curve joins one protocol's points; smoke stands alone
                    axes.plot([p[2] for p in same], [p[4] for p in same], linestyle="--" if dashed else "-",
                              color=colour[method], linewidth=1.6)
                axes.scatter([p[2] for p in same], [p[4] for p in same], marker=shape.get(samples, "x"), s=80,
                             color=colour[method], facecolors="white" if dashed and samples in shape else colour[method],
                             linewidths=1.8, zorder=3)
    axes.axhline(0.5, color="#999999", linewidth=0.8)
    axes.set_xscale("log")
    axes.set_xlabel("simulations", fontsize=15)
    axes.set_ylabel("C2ST ↓ (0.5 = perfect)", fontsize=15)
    axes.tick_params(labelsize=13)
    axes.set_ylim(0.45, 1.02)
    handles = [Line2D([], [], color=colour[m], linewidth=4, label=m) for m in methods] + [
        Line2D([], [], color="#444444", linestyle="-", label="this suite"),
        Line2D([], [], color="#444444", linestyle="--", marker="o", markerfacecolor="white", label="published"),
        Line2D([], [], color="#444444", linestyle="", marker="o", label="C2ST on 10,000"),
        Line2D([], [], color="#444444", linestyle="", marker="s", label="C2ST on 1,000"),
        Line2D([], [], color="#444444", linestyle="", marker="x", label="smoke check")]
    axes.legend(handles=handles, fontsize=13, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False,
                handlelength=1.6, columnspacing=1.0)
    figure.tight_layout()
    return _png(figure)


def time_chart(table: Table, frame: pd.DataFrame | None) -> str | None:
    """A PNG (base64) of the primary metric against each ok cell's time; None without such cells."""
    column = "metric:" + table.primary.name
    if frame is None or frame.empty or column not in frame:
        return None
    cells = frame[(frame["task"] == table.task) & (frame["size"] == table.size) & (frame["dataset"] == table.dataset)
                  & (frame["task_version"] == table.version) & (frame["status"] == "ok")].dropna(subset=[column, "time_s"])
    if cells.empty:
        return None
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 3.6), dpi=100)
    for index, (method, group) in enumerate(cells.groupby("method", sort=True)):
        colour = f"C{index % 10}"
        for source, points in group.groupby("source"):
            hollow = source == "recorded"
            axes.scatter(points["time_s"], points[column], label=method if not hollow else f"{method} (recorded)",
                         facecolors="none" if hollow else colour, edgecolors=colour, s=36)
    for row in table.rows:
        value = _mean(row, table.primary.name)
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
    return _png(figure)


def _budget(task: Any, size: str) -> tuple[int, int] | None:
    """(simulations, samples C2ST compares) of a size: from the task's budgets, else the SBI family's."""
    budget = (getattr(task, "budgets", None) or {}).get(size)
    if budget is not None and hasattr(budget, "num_simulations"):
        return int(budget.num_simulations), int(getattr(budget, "c2st_samples", 10_000))
    return SBI_BUDGETS.get(size)


def _mean(row: Row, metric: str) -> float:
    return row.stats.get(metric, (math.nan, math.nan))[0]


def _number(value: float) -> str:
    return f"{value:.3g}"


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    _pyplot().close(figure)
    return base64.b64encode(buffer.getvalue()).decode()
