"""The classical baseline: ridge regression from image features (HOG) to body-part coordinates."""

from __future__ import annotations

import numpy as np
from PIL import Image

from benchmarks.context import RunContext
from benchmarks.tasks.pose.data import PoseData
from benchmarks.tasks.pose.prediction import PosePrediction

FEATURE_SHAPE = (72, 96)  # (height, width) every frame is resized to before HOG: sizes may differ
ALPHAS = np.logspace(-2, 5, 15)


def ridge(data: PoseData, ctx: RunContext, *, features: str) -> PosePrediction:
    """Ridge regression (alpha by generalised cross-validation) from image features to coordinates.

    ``features``: HOG (scikit-image) of the grey frame resized to 96x72, or the resized pixels
    (also when scikit-image is missing). Coordinates are regressed as
    shares of the frame's width and height, so frames of different sizes share one model.
    One model per body part, fitted on the training frames where that part is labelled.
    """
    from sklearn.linear_model import RidgeCV
    from sklearn.preprocessing import StandardScaler

    x, kind = image_features(data.frames.images, features)
    shapes = np.array([image.shape[:2] for image in data.frames.images], dtype=float)  # (N, 2) height, width
    relative = data.frames.keypoints / shapes[:, None, ::-1]
    x = StandardScaler().fit(x[data.train]).transform(x)
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
        details={"features": kind, "feature_dim": int(x.shape[1]), "alpha": alphas},
    )


def image_features(images: tuple[np.ndarray, ...], kind: str = "hog") -> tuple[np.ndarray, str]:
    """(N, D) features of the frames for ``kind`` hog or pixels, and the kind actually used
    (hog falls back to pixels without scikit-image)."""
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
    return small.reshape(len(images), -1), "pixels"


def _resized_grey(image: np.ndarray) -> np.ndarray:
    pil = Image.fromarray(image).convert("L").resize(FEATURE_SHAPE[::-1], Image.BILINEAR)
    return np.asarray(pil, dtype=np.float64) / 255.0
