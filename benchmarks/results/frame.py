"""Run records as one pandas DataFrame: a row per record, for one's own analysis and for the leaderboard.

>>> from benchmarks import results
>>> frame = results.load("results")
>>> frame[frame.status == "ok"].groupby(["task", "method"])["metric:c2st"].mean()

Columns: ``task, task_version, size, dataset, method, kind, seed, status, stage, error, source``
(``run``, or ``recorded`` for reference runs), ``time_s`` (load + method + evaluate wall time of
an ``ok`` cell, NaN otherwise), ``load_s, method_s, evaluate_s``, ``work_cpu_s`` (CPU seconds of method and
evaluate), ``peak_rss_mb, peak_gpu_mb, device,
run_id, started_at, finished_at, commit, dirty, figure, path``; ``options`` (the options as
canonical JSON: cells with equal text ran with equal options) and ``metric_info`` (JSON);
then one column ``metric:<name>`` per metric, ``option:<name>`` per option and ``phase:<stage>/<name>`` (wall
seconds) per phase a task timed with ``ctx.phase``. Failed cells
are rows too, with their status, stage and error, and NaN metrics.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.records.store import figure_path, read_records

FIXED_COLUMNS = (
    "task", "task_version", "size", "dataset", "method", "kind", "seed", "status", "stage", "error", "reason", "source",
    "time_s", "load_s", "method_s", "evaluate_s", "work_cpu_s", "peak_rss_mb", "peak_gpu_mb", "device", "run_id",
    "started_at", "finished_at", "commit", "dirty", "figure", "path", "options", "metric_info",
)
STAGES = ("load", "method", "evaluate")


def load(path: Path | str, source: str = "run") -> pd.DataFrame:
    """Every readable record under the results folder ``path``, one row each (unreadable files are left out;
    ``read`` says which)."""
    frame, _records, _warnings = read(path, source)
    return frame


def read(path: Path | str, source: str = "run") -> tuple[pd.DataFrame, list[dict[str, Any]], list[str]]:
    """The frame of the records under ``path``, the records themselves, and a warning per unreadable file."""
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"results folder {path} does not exist or is not a folder")
    records, warnings = read_records(path)
    return frame_of(records, source), records, warnings


def frame_of(records: Iterable[dict[str, Any]], source: str = "run") -> pd.DataFrame:
    """The records as a frame (see the module's docstring for its columns); ``source`` fills that column."""
    rows = [_row(record, source) for record in records]
    frame = pd.DataFrame(rows, columns=_columns(rows))
    for column in ("time_s", "load_s", "method_s", "evaluate_s", "work_cpu_s", "peak_rss_mb", "peak_gpu_mb"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    for column in (c for c in frame.columns if c.startswith(("metric:", "phase:"))):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame["task_version"] = frame["task_version"].fillna(0).astype(int)
    return frame


def concat(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Frames of several folders (runs and recorded runs) as one."""
    frames = [frame for frame in frames if not frame.empty]
    return pd.concat(frames, ignore_index=True) if frames else frame_of([])


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    extra = dict.fromkeys(key for row in rows for key in row if key not in FIXED_COLUMNS)
    metrics = [c for c in extra if c.startswith("metric:")]
    options = sorted(c for c in extra if c.startswith("option:"))
    phases = sorted(c for c in extra if c.startswith("phase:"))
    return [*FIXED_COLUMNS, *metrics, *options, *phases]


def _row(record: dict[str, Any], source: str) -> dict[str, Any]:
    timings = record.get("timings") or {}
    stage_s = {stage: (timings.get(stage) or {}).get("wall_s") for stage in STAGES}
    ok = record["status"] == "ok"
    git = (record.get("provenance") or {}).get("git") or {}
    options = record.get("options") or {}
    row: dict[str, Any] = {
        "task": record["task"], "task_version": record.get("task_version", 0), "size": record["size"],
        "dataset": record.get("dataset") or "", "method": record["method"], "kind": record.get("method_kind", ""),
        "seed": record["seed"], "status": record["status"], "stage": record.get("stage"),
        "error": record.get("error"), "reason": record.get("reason"), "source": source,
        "time_s": sum(v or 0.0 for v in stage_s.values()) if ok else math.nan,
        **{f"{stage}_s": math.nan if value is None else value for stage, value in stage_s.items()},
        # the CPU seconds of method and evaluate: over several workers the cores, not the schedule, may bound a run
        "work_cpu_s": sum((timings.get(stage) or {}).get("cpu_s") or 0.0 for stage in ("method", "evaluate"))
        if ok else math.nan,
        "peak_rss_mb": record.get("peak_rss_mb", math.nan), "peak_gpu_mb": record.get("peak_gpu_mb", math.nan),
        "device": record.get("device"), "run_id": record.get("run_id"), "started_at": record.get("started_at"),
        "finished_at": record.get("finished_at"), "commit": git.get("commit"), "dirty": git.get("dirty"),
        "figure": str(figure) if (figure := figure_path(record)) else None, "path": record.get("_path"),
        "options": json.dumps(options, sort_keys=True, default=str),
        "metric_info": json.dumps(record.get("metric_info") or []),
    }
    for name, value in (record.get("metrics") or {}).items():
        row["metric:" + name] = math.nan if value is None else value
    for stage, timing in timings.items():
        if "/" in stage and isinstance(timing, dict):
            row["phase:" + stage] = timing.get("wall_s")
    for name, value in options.items():
        row["option:" + name] = value if value is None or isinstance(value, (bool, int, float, str)) else str(value)
    return row
