"""What every method returns: a point for every body part of every frame, with its likelihood."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class PosePrediction:
    """``points`` (N, K, 2) pixels (x, y) for all N frames (train and test); ``scores`` (N, K)
    likelihoods in [0, 1], or None for methods without one; ``details`` JSON-able facts for the record."""

    points: np.ndarray
    scores: np.ndarray | None = None
    details: dict[str, Any] = field(default_factory=dict)
