"""Run records as the runner writes them, made by hand for leaderboard tests."""

from __future__ import annotations

import json
from typing import Any


def make_record(task: str = "t", size: str = "smoke", method: str = "m", seed: int = 0, status: str = "ok",
                metrics: dict[str, float] | None = None, version: int = 1, kind: str = "model",
                wall: float = 1.0, peak: float = 100.0, options: dict[str, Any] | None = None,
                items: Any = None, pairs: list[list[str]] | None = None, data_hash: str = "d0",
                dataset: str = "data") -> dict[str, Any]:
    """A run record as the runner writes it, for leaderboard tests (``items``: a benchmarks.task.Items)."""
    from benchmarks.records.items import encode_items

    metrics = {"acc": 0.5} if metrics is None else metrics
    extra = {"items": encode_items(items)} if items is not None else {}
    return {**extra, "pairs": pairs, "provenance": {"data_hash": data_hash}, "finished_at": "2026-01-01T00:00:00",
        "schema": 1, "key": f"{method}{seed}{status}{version}{json.dumps(options or {}, sort_keys=True)}"[:60],
        "task": task, "task_version": version, "method": method, "method_kind": kind, "size": size,
        "seed": seed, "options": options or {}, "status": status, "dataset": dataset,
        "metrics": metrics if status == "ok" else {},
        "metric_info": [{"name": name, "direction": "higher", "unit": ""} for name in (metrics or {"acc": 0})],
        "timings": {"load": {"wall_s": 0.0, "cpu_s": 0.0}, "method": {"wall_s": wall, "cpu_s": wall},
                    "evaluate": {"wall_s": 0.0, "cpu_s": 0.0}},
        "peak_rss_mb": peak,
    }
