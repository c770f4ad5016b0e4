"""What ``evaluate`` returns: metrics with notes, details and per-item outcomes; and the check of it against the
declared metrics. A method that does not apply to a cell raises :class:`NotApplicable`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from benchmarks.contract.task import Direction

if TYPE_CHECKING:
    from benchmarks.contract.task import Task


class NotApplicable(Exception):
    """Raised by a method (or ``load``) for a cell it does not apply to, e.g. data beyond what the method
    can handle in reasonable time or memory. The cell is recorded as ``skipped`` with the message as its
    reason, which the leaderboard shows; a rerun skips it too (``--force`` tries again)."""


@dataclass(frozen=True)
class Items:
    """Per-item outcomes of one evaluation, from which the runner computes paired tests.

    ``values`` (n,): bool for a right/wrong outcome per item (tested with exact McNemar), or
    float for a continuous one (Wilcoxon signed-rank; NaN marks an item without a value, left
    out of the pairs). Two cells are paired item by item, so item ``i`` must mean the same thing
    in every method's evaluation of the same data. ``direction``: which way an item is better
    (``HIGHER`` for "correct", ``LOWER`` for an error). ``description`` says what an item is.
    """

    values: Any
    direction: Direction
    description: str

    def __post_init__(self) -> None:
        import numpy as np

        values = np.asarray(self.values)
        if values.ndim != 1:
            raise ValueError(f"Items.values must be one-dimensional, got shape {values.shape}")
        if values.dtype != bool:
            values = values.astype(np.float64)
        object.__setattr__(self, "values", values)
        if not isinstance(self.direction, Direction):
            raise TypeError("Items.direction must be a Direction")

    @property
    def binary(self) -> bool:
        """True for right/wrong items (McNemar), False for continuous ones (Wilcoxon)."""
        return self.values.dtype == bool


@dataclass(frozen=True)
class Evaluation:
    """What ``evaluate`` may return instead of a plain ``{metric: value}`` dict.

    ``notes`` explains a metric (why it is NaN, or how it was computed: "KNC with k=3 of 5
    types"); ``details`` holds extra JSON-able results for the record (per-class scores,
    which weights were used); ``items`` the per-item outcomes for paired tests. All land in
    the run record.
    """

    metrics: Mapping[str, float]
    notes: Mapping[str, str] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    items: Items | None = None


def normalise_evaluation(task: Task, result: Mapping[str, Any] | Evaluation) -> Evaluation:
    """Check what ``evaluate`` returned against the declared metrics.

    Every declared metric must be present, as a finite number or a NaN with a note that says
    why. Raises ``ValueError`` naming the metric otherwise.
    """
    evaluation = result if isinstance(result, Evaluation) else Evaluation(metrics=dict(result))
    metrics: dict[str, float] = {}
    for metric in task.metrics:
        if metric.name not in evaluation.metrics:
            raise ValueError(f"task {task.name!r}: evaluate() did not return metric {metric.name!r}")
        value = float(evaluation.metrics[metric.name])
        if math.isinf(value):
            raise ValueError(f"task {task.name!r}: metric {metric.name!r} is infinite")
        if math.isnan(value) and metric.name not in evaluation.notes:
            raise ValueError(
                f"task {task.name!r}: metric {metric.name!r} is NaN without a note saying why "
                "(return benchmarks.task.Evaluation(metrics=..., notes={name: reason}))"
            )
        metrics[metric.name] = value
    undeclared = sorted(set(evaluation.metrics) - set(metrics))
    if undeclared:
        raise ValueError(f"task {task.name!r}: evaluate() returned undeclared metrics {undeclared}")
    return Evaluation(metrics=metrics, notes=dict(evaluation.notes), details=dict(evaluation.details),
                      items=evaluation.items)
