"""An ``sbi`` training tracker that records nothing (shared with the pyloric task)."""

from __future__ import annotations

from typing import Any


class NullTracker:
    """An ``sbi`` tracker that records nothing: sbi's default writes TensorBoard logs into
    ``./sbi-logs`` of whatever folder the benchmark runs in."""

    @property
    def log_dir(self) -> None:
        return None

    def log_metric(self, name: str, value: float, step: int | None = None) -> None:
        pass

    def log_metrics(self, metrics: dict, step: int | None = None) -> None:
        pass

    def log_params(self, params: dict) -> None:
        pass

    def add_figure(self, name: str, figure: Any, step: int | None = None) -> None:
        pass

    def flush(self) -> None:
        pass
