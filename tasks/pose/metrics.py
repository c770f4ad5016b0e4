"""``evaluate(data, output)`` and the pose metrics, pure functions of predicted and labelled points (pixels).

Shapes: ``predicted`` and ``labelled`` (N, K, 2) as (x, y); ``scores`` (N, K) likelihoods.
Unlabelled points (NaN in ``labelled``) count in no error and in no denominator.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from benchmarks.task import Direction, Evaluation, Items
from benchmarks.tasks.pose.prediction import PosePrediction

if TYPE_CHECKING:
    from benchmarks.tasks.pose.data import PoseData

PCUTOFF = 0.6  # DeepLabCut's default p-cutoff (config.yaml ``pcutoff``)
PCK_THRESHOLD = 0.1  # PCK: a point is correct within this share of the animal's size


def distances(predicted: np.ndarray, labelled: np.ndarray) -> np.ndarray:
    """(N, K) Euclidean distances in pixels; NaN where the point is unlabelled.

    A missing prediction (NaN) of a labelled point raises: every method must place every point.
    """
    predicted, labelled = np.asarray(predicted, float), np.asarray(labelled, float)
    if predicted.shape != labelled.shape or predicted.ndim != 3 or predicted.shape[-1] != 2:
        raise ValueError(f"predicted {predicted.shape} and labelled {labelled.shape} must both be (N, K, 2)")
    is_labelled = ~np.isnan(labelled).any(axis=-1)
    if np.isnan(predicted[is_labelled]).any():
        raise ValueError("a labelled point has no prediction (NaN)")
    d = np.sqrt(((predicted - labelled) ** 2).sum(axis=-1))
    d[~is_labelled] = np.nan
    return d


def dlc_error(predicted: np.ndarray, labelled: np.ndarray) -> float:
    """DeepLabCut's "RMSE": the mean Euclidean distance over all labelled points (pixels)."""
    return _nanmean(distances(predicted, labelled))


def rmse(predicted: np.ndarray, labelled: np.ndarray) -> float:
    """True root-mean-square Euclidean error over all labelled points: sqrt(mean(dx^2 + dy^2)) (pixels)."""
    d = distances(predicted, labelled)
    return float(np.sqrt(_nanmean(d**2))) if np.isfinite(d).any() else float("nan")


def pcutoff_error(
    predicted: np.ndarray, labelled: np.ndarray, scores: np.ndarray, cutoff: float = PCUTOFF
) -> tuple[float, float]:
    """DeepLabCut's "RMSE with p-cutoff" and the share of labelled points it keeps.

    Only predictions with likelihood >= ``cutoff`` enter the mean Euclidean distance. Returns
    (error in pixels, NaN when nothing is kept; kept share of the labelled points in [0, 1]).
    """
    d = distances(predicted, labelled)
    scores = np.asarray(scores, float)
    if scores.shape != d.shape:
        raise ValueError(f"scores {scores.shape} must be (N, K) = {d.shape}")
    labelled_mask = np.isfinite(d)
    kept = labelled_mask & (scores >= cutoff)
    share = float(kept.sum() / labelled_mask.sum()) if labelled_mask.any() else float("nan")
    return (float(d[kept].mean()) if kept.any() else float("nan")), share


def animal_size(labelled: np.ndarray) -> np.ndarray:
    """(N,) diagonal of each frame's bounding box of labelled points (pixels); NaN with fewer than 2 points."""
    labelled = np.asarray(labelled, float)
    present = ~np.isnan(labelled).any(axis=-1, keepdims=True)
    count = present[..., 0].sum(axis=1)
    highest = np.where(present, labelled, -np.inf).max(axis=1)
    lowest = np.where(present, labelled, np.inf).min(axis=1)
    with np.errstate(invalid="ignore"):
        extent = np.where(count[:, None] >= 2, highest - lowest, np.nan)
    size = np.sqrt((extent**2).sum(axis=-1))
    size[count < 2] = np.nan
    return size


def pck(predicted: np.ndarray, labelled: np.ndarray, threshold: float = PCK_THRESHOLD) -> float:
    """Percentage of correct keypoints: share of labelled points within ``threshold`` x animal size.

    The animal's size is the diagonal of the bounding box of the frame's labelled points; frames
    with fewer than two labelled points use the median size of the other frames.
    """
    d = distances(predicted, labelled)
    size = animal_size(labelled)
    if np.isnan(size).all():
        return float("nan")
    size = np.where(np.isnan(size), np.nanmedian(size), size)
    correct = d < threshold * size[:, None]
    labelled_mask = np.isfinite(d)
    return float(correct[labelled_mask].mean()) if labelled_mask.any() else float("nan")


def per_bodypart_rmse(predicted: np.ndarray, labelled: np.ndarray) -> np.ndarray:
    """(K,) true RMSE of each body part over its labelled frames (pixels); NaN for a part never labelled."""
    d = distances(predicted, labelled)
    out = np.full(d.shape[1], np.nan)
    for k in range(d.shape[1]):
        column = d[:, k][np.isfinite(d[:, k])]
        if column.size:
            out[k] = np.sqrt((column**2).mean())
    return out


def _nanmean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else float("nan")


def check_output(data: PoseData, output: PosePrediction) -> None:
    """Raise ``ValueError`` naming what is wrong with a method's output (see ``TASK.output``): a
    :class:`PosePrediction` with points (N, K, 2), finite or NaN, for every frame of ``data`` and, if any,
    likelihoods (N, K) in [0, 1]."""
    if not isinstance(output, PosePrediction):
        raise ValueError(f"expected a PosePrediction (benchmarks.tasks.pose.prediction), got {type(output).__name__}")
    expected = data.frames.keypoints.shape
    _check_array("points", output.points, expected)
    if np.isinf(np.asarray(output.points, float)).any():
        raise ValueError("points holds infinite values (NaN marks a missing point)")
    if output.scores is not None:
        scores = _check_array("scores", output.scores, expected[:2])
        if not (np.isfinite(scores).all() and (scores >= 0).all() and (scores <= 1).all()):
            raise ValueError("scores must be finite likelihoods in [0, 1]")
    if not isinstance(output.details, dict):
        raise ValueError(f"details must be a dict, got {type(output.details).__name__}")


def _check_array(name: str, value: object, shape: tuple[int, ...]) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be a numeric array, got dtype {array.dtype}")
    if array.shape != shape:
        raise ValueError(f"{name} has shape {array.shape}, expected {shape} (frames, body parts"
                         f"{', x and y' if len(shape) == 3 else ''})")
    return array.astype(float, copy=False)


def evaluate(data: PoseData, output: PosePrediction) -> Evaluation:
    """Every metric of the task on the test frames (train error on the training frames).

    Items: the Euclidean error (px) of every body part on every test frame, NaN where unlabelled,
    frame by frame in ``data.test`` order and body part by body part within a frame.
    """
    labelled = data.frames.keypoints
    points = np.asarray(output.points, dtype=float)
    if points.shape != labelled.shape:
        raise ValueError(f"the method returned points of shape {points.shape}, expected {labelled.shape}")
    test, train = data.test, data.train
    test_distances = distances(points[test], labelled[test])
    values = {
        "test_error": dlc_error(points[test], labelled[test]),
        "test_rmse": rmse(points[test], labelled[test]),
        "train_error": dlc_error(points[train], labelled[train]),
        "test_error_pcutoff": math.nan,
        "pcutoff_share": math.nan,
        "pck": pck(points[test], labelled[test]),
    }
    notes = {
        "test_error": "mean Euclidean distance over labelled test points (what DeepLabCut reports as RMSE)",
        "pck": f"share of labelled test points within {PCK_THRESHOLD} x the bounding-box diagonal of the frame's labelled points",
    }
    if output.scores is not None:
        error, share = pcutoff_error(points[test], labelled[test], output.scores[test])
        values["test_error_pcutoff"], values["pcutoff_share"] = error, share
        if math.isnan(error):
            notes["test_error_pcutoff"] = f"no test prediction reached likelihood {PCUTOFF}"
    else:
        notes["test_error_pcutoff"] = notes["pcutoff_share"] = "the method gives no likelihood"
    for name, value in values.items():
        if math.isnan(value) and name not in notes:
            notes[name] = "no labelled point in this split"
    per_part = per_bodypart_rmse(points[test], labelled[test])
    details = {
        "test_rmse_per_bodypart": {p: _json(v) for p, v in zip(data.frames.bodyparts, per_part)},
        "n_train_frames": int(len(train)),
        "n_test_frames": int(len(test)),
        "n_test_points_labelled": int(np.isfinite(test_distances).sum()),
        "source": data.source,
        "pcutoff": PCUTOFF,
        **output.details,
    }
    items = Items(test_distances.ravel(), Direction.LOWER,
                  f"Euclidean error (px) of each of the {len(data.frames.bodyparts)} body parts "
                  f"({', '.join(data.frames.bodyparts)}) on each test frame, frame by frame; NaN where unlabelled")
    return Evaluation(metrics=values, notes=notes, details=details, items=items)


def _json(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 4)
