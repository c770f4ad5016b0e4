"""The plan a ``run`` prints before its first cell: the cells, each one's estimated time, and the total.

An estimate comes, in this order, from

1. ``ok`` records of the same task, size, method and data set already in the results folder
   (measured on this machine: taken as they are);
2. the recorded reference runs (``baselines/recorded``), scaled by a short calibration: this
   machine's time for a fixed workload over the recording machine's (:mod:`benchmarks.results.calibration`);

and is unknown otherwise. An estimate is the mean of the matching cells' method + evaluate wall
time, plus their load where the cell pays for one: the cells of one data set share a single load
(recorded in each of their records), which only the first of them pays, as a worker keeps the data it
loaded for the next cell of the same data set. An estimate also carries the mean peak memory of the
matching cells, which the scheduler needs free before it starts a cell beside others.

The total is the schedule's length: :func:`simulate` plays the scheduler's order (longest first over
``jobs`` workers, a worker keeping to the data set it holds) on the estimates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.data.dataset_id import dataset_of
from benchmarks.results import calibration
from benchmarks.running.progress import format_seconds
from benchmarks.running.schedule import Estimate, simulate

__all__ = ["Estimate", "estimate", "lines", "show", "simulate"]


def estimate(cells: Sequence[Any], registry: Any, own: pd.DataFrame, recorded: pd.DataFrame,
             baselines_folder: Path | None = None, jobs: int = 1) -> list[Estimate]:
    """An :class:`Estimate` per cell; ``own`` and ``recorded`` are frames of :mod:`benchmarks.results.frame`.

    The calibration runs (about a tenth of a second) only when a recorded run is needed.
    """
    own_means, recorded_means = _means(own), _means(recorded)
    factor: float | None = None
    loaded: set[Any] = set()  # data sets already paid for: a worker keeps the data it loaded
    estimates = []
    for cell in cells:
        task = registry.get(cell.task)
        key = (cell.task, cell.size, cell.method, dataset_of(task, cell.size, cell.options, cell.inputs))
        pays_load = cell.data_key() not in loaded
        loaded.add(cell.data_key())
        if key in own_means:
            estimates.append(_estimate(cell, own_means[key], pays_load, 1.0, "this machine"))
        elif key in recorded_means:
            if factor is None:
                factor = _scale(baselines_folder)
            estimates.append(_estimate(cell, recorded_means[key], pays_load, factor, f"recorded ×{factor:.2g}"))
        else:
            estimates.append(Estimate(cell.label(), math.nan, "no estimate", data_key=cell.data_key()))
    return estimates


def _estimate(cell: Any, means: tuple[float, float, float, float], pays_load: bool, factor: float,
              source: str) -> Estimate:
    load, work, peak, cpu = means
    load = load if pays_load else 0.0
    return Estimate(cell.label(), (work + load) * factor, source, load * factor, peak, cell.data_key(), cpu * factor)


def _means(frame: pd.DataFrame) -> dict[tuple[str, str, str, str], tuple[float, float, float, float]]:
    """(load, method + evaluate) mean seconds, the mean peak memory (MiB) and the mean CPU seconds of method and
    evaluate per (task, size, method, data set) of the ok records."""
    if frame.empty:
        return {}
    ok = frame[(frame["status"] == "ok") & frame["time_s"].notna()].copy()
    ok["load"] = ok["load_s"].fillna(0.0)
    ok["work"] = ok["time_s"] - ok["load"]
    ok["peak"] = ok["peak_rss_mb"] if "peak_rss_mb" in ok else math.nan
    ok["cpu"] = ok["work_cpu_s"] if "work_cpu_s" in ok else math.nan
    means = ok.groupby(["task", "size", "method", "dataset"])[["load", "work", "peak", "cpu"]].mean()
    return {key: (float(row["load"]), float(row["work"]), float(row["peak"]), float(row["cpu"]))
            for key, row in means.iterrows()}


def _scale(baselines_folder: Path | None) -> float:
    """This machine's calibration time over the recording machine's (1 when that is unknown)."""
    reference = calibration.read(baselines_folder) if baselines_folder is not None else None
    return 1.0 if reference is None else calibration.measure() / reference


def lines(estimates: Sequence[Estimate], jobs: int = 1) -> list[str]:
    """The plan as text: one line per cell, then the total."""
    out = [f"  {e.label}: {'?' if math.isnan(e.seconds) else '~' + format_seconds(e.seconds)} ({e.source})"
           for e in estimates]
    known = [e.seconds for e in estimates if not math.isnan(e.seconds)]
    unknown = len(estimates) - len(known)
    total = f"~{format_seconds(sum(known))}" + (f" over {jobs} workers: ~{format_seconds(simulate(estimates, jobs))}"
                                                if jobs > 1 else "")
    out.append(f"plan: {len(estimates)} cells, {total}" + (f" + {unknown} cells without an estimate" if unknown else ""))
    return out


def show(cells: Sequence[Any], registry: Any, store: Any, *, jobs: int, force: bool, console: Any) -> list[Estimate]:
    """Print the plan of a ``run`` (cells with an ``ok`` record are left out unless ``force``); returns the estimates."""
    from benchmarks.results import baselines
    from benchmarks.results import frame as results

    own_records, _ = store.records()
    folder = baselines.default_folder()
    recorded_records, _ = baselines.read_recorded(baselines.default_folder())
    to_run = cells if force else [c for c in cells if not store.is_done(c.key(registry.get(c.task)))]
    estimates = estimate(to_run, registry, results.frame_of(own_records), results.frame_of(recorded_records, "recorded"),
                         folder, jobs)
    if len(to_run) < len(cells):
        console.print(f"{len(cells) - len(to_run)} cells already have ok records and are skipped (--force reruns them)")
    for line in lines(estimates, jobs):
        console.print(line, highlight=False, markup=False)
    return estimates
