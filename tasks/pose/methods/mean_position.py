"""The control: every body part at its mean labelled position over the training frames."""

from __future__ import annotations

import numpy as np

from benchmarks.context import RunContext
from benchmarks.tasks.pose.data import PoseData
from benchmarks.tasks.pose.prediction import PosePrediction


def mean_position(data: PoseData, ctx: RunContext) -> PosePrediction:
    """Every frame gets each body part's mean labelled position over the training frames."""
    train = data.frames.keypoints[data.train]
    mean = np.array([_nanmean_rows(train[:, k]) for k in range(train.shape[1])])
    points = np.broadcast_to(mean, data.frames.keypoints.shape).copy()
    return PosePrediction(points=points, details={"method": "training mean position"})


def _nanmean_rows(points: np.ndarray) -> np.ndarray:
    rows = points[~np.isnan(points).any(axis=-1)]
    return rows.mean(axis=0) if rows.size else np.full(2, np.nan)
