"""Control (training mean position) and classical baseline (ridge regression on HOG features)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from PIL import Image

from tasks.pose.data import PoseData
from tasks.pose.prediction import PosePrediction

FEATURE_SHAPE = (72, 96)  # (height, width) every frame is resized to before HOG: sizes may differ
ALPHAS = np.logspace(-2, 5, 15)


def mean_position(data: PoseData, *, device: Any = None, seed: int = 0, options: Mapping | None = None) -> PosePrediction:
    """Every frame gets each body part's mean labelled position over the training frames."""
    train = data.frames.keypoints[data.train]
    mean = np.array([_nanmean_rows(train[:, k]) for k in range(train.shape[1])])
    points = np.broadcast_to(mean, data.frames.keypoints.shape).copy()
    return PosePrediction(points=points, details={"method": "training mean position"})


def ridge(data: PoseData, *, device: Any = None, seed: int = 0, options: Mapping | None = None) -> PosePrediction:
    """Ridge regression (alpha by generalised cross-validation) from image features to coordinates.

    Features: HOG (scikit-image) of the grey frame resized to 96x72, or the resized pixels when
    scikit-image is missing or ``options['ridge_features'] == 'pixels'``. Coordinates are regressed
    as shares of the frame's width and height, so frames of different sizes share one model.
    One model per body part, fitted on the training frames where that part is labelled.
    """
    from sklearn.linear_model import RidgeCV
    from sklearn.preprocessing import StandardScaler

    kind = (options or {}).get("ridge_features", "hog")
    features, kind = image_features(data.frames.images, kind)
    shapes = np.array([image.shape[:2] for image in data.frames.images], dtype=float)  # (N, 2) height, width
    relative = data.frames.keypoints / shapes[:, None, ::-1]
    scaler = StandardScaler().fit(features[data.train])
    x = scaler.transform(features)
    points = np.empty_like(relative)
    alphas = {}
    for k, part in enumerate(data.frames.bodyparts):
        rows = data.train[~np.isnan(relative[data.train, k]).any(axis=-1)]
        if rows.size < 2:
            points[:, k] = np.nanmean(relative[data.train, k], axis=0) if rows.size else 0.5
            continue
        model = RidgeCV(alphas=ALPHAS).fit(x[rows], relative[rows, k])
        points[:, k] = model.predict(x)
        alphas[part] = float(model.alpha_)
    return PosePrediction(
        points=points * shapes[:, None, ::-1],
        details={"features": kind, "feature_dim": int(features.shape[1]), "alpha": alphas},
    )


def image_features(images: tuple[np.ndarray, ...], kind: str = "hog") -> tuple[np.ndarray, str]:
    """(N, D) features of the frames, and the kind actually used (hog falls back to pixels)."""
    if kind not in ("hog", "pixels"):
        raise ValueError(f"option 'ridge_features' must be hog or pixels, got {kind!r}")
    grey = np.stack([_resized_grey(image) for image in images])
    if kind == "hog":
        try:
            from skimage.feature import hog
        except ImportError:
            kind = "pixels"
        else:
            rows = [hog(g, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2)) for g in grey]
            return np.asarray(rows), kind
    small = grey[:, ::3, ::3]  # 24 x 32 pixels
    return small.reshape(len(images), -1), kind


def _resized_grey(image: np.ndarray) -> np.ndarray:
    pil = Image.fromarray(image).convert("L").resize(FEATURE_SHAPE[::-1], Image.BILINEAR)
    return np.asarray(pil, dtype=np.float64) / 255.0


def _nanmean_rows(points: np.ndarray) -> np.ndarray:
    rows = points[~np.isnan(points).any(axis=-1)]
    return rows.mean(axis=0) if rows.size else np.full(2, np.nan)
