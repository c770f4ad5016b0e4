"""``evaluate(data, output)``: DeepLabCut's errors, true RMSE, p-cutoff error, PCK, per-part RMSE."""

from __future__ import annotations

import math

import numpy as np

from benchmarks.task import Evaluation
from tasks.pose import metrics
from tasks.pose.data import PoseData
from tasks.pose.prediction import PosePrediction


def evaluate(data: PoseData, output: PosePrediction) -> Evaluation:
    """Every metric of the task on the test frames (train error on the training frames)."""
    labelled = data.frames.keypoints
    points = np.asarray(output.points, dtype=float)
    if points.shape != labelled.shape:
        raise ValueError(f"the method returned points of shape {points.shape}, expected {labelled.shape}")
    test, train = data.test, data.train
    values = {
        "test_error": metrics.dlc_error(points[test], labelled[test]),
        "test_rmse": metrics.rmse(points[test], labelled[test]),
        "train_error": metrics.dlc_error(points[train], labelled[train]),
        "test_error_pcutoff": math.nan,
        "pcutoff_share": math.nan,
        "pck": metrics.pck(points[test], labelled[test]),
    }
    notes = {
        "test_error": "mean Euclidean distance over labelled test points (what DeepLabCut reports as RMSE)",
        "pck": f"share of labelled test points within {metrics.PCK_THRESHOLD} x the bounding-box diagonal of the frame's labelled points",
    }
    if output.scores is not None:
        error, share = metrics.pcutoff_error(points[test], labelled[test], output.scores[test])
        values["test_error_pcutoff"], values["pcutoff_share"] = error, share
        if math.isnan(error):
            notes["test_error_pcutoff"] = f"no test prediction reached likelihood {metrics.PCUTOFF}"
    else:
        notes["test_error_pcutoff"] = notes["pcutoff_share"] = "the method gives no likelihood"
    for name, value in values.items():
        if math.isnan(value) and name not in notes:
            notes[name] = "no labelled point in this split"
    per_part = metrics.per_bodypart_rmse(points[test], labelled[test])
    details = {
        "test_rmse_per_bodypart": {p: _json(v) for p, v in zip(data.frames.bodyparts, per_part)},
        "n_train_frames": int(len(train)),
        "n_test_frames": int(len(test)),
        "n_test_points_labelled": int((~np.isnan(labelled[test]).any(axis=-1)).sum()),
        "source": data.source,
        "pcutoff": metrics.PCUTOFF,
        **output.details,
    }
    return Evaluation(metrics=values, notes=notes, details=details)


def _json(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 4)
