"""k-nearest-neighbour pose regression from HOG features: a classical nonparametric baseline for the pose task.

Each frame is described by the HOG features (scikit-image) of its grey image resized to 96x72 pixels. A frame's
body parts are placed at the mean of their positions in the ``k`` training frames with the closest features
(Euclidean distance), positions taken as shares of each frame's width and height so that frames of different
sizes share one model. Unlike a regression it can only return poses that the training frames show, which suits
a fixed camera on one animal; it gives no likelihood, so the p-cutoff metrics are NaN with a note.

Run it at smoke size beside the suite's methods, then compare the rows:

    python -m benchmarks run --task pose --size smoke --results /tmp/pose-knn
    python -m benchmarks run --task pose --size smoke --method examples/pose_knn.py:knn_hog --results /tmp/pose-knn
    python -m benchmarks leaderboard --results /tmp/pose-knn

Another neighbourhood: ``--method 'examples/pose_knn.py:knn_hog[k=10]'``.
"""

from __future__ import annotations

import warnings

import numpy as np
from PIL import Image

from benchmarks.tasks.pose.prediction import PosePrediction

SHAPE = (72, 96)  # (height, width) every frame is resized to: projects may mix frame sizes


def knn_hog(data, ctx, *, k: int = 5) -> PosePrediction:
    """Predict every frame of ``data.frames`` (train and test) from its ``k`` nearest training frames.

    ``data`` is what the pose task hands a method: ``data.frames.images`` (all frames),
    ``data.frames.keypoints`` (N, K, 2) pixels, NaN where unlabelled and on every test frame, and the
    ``data.train`` / ``data.test`` frame indices.
    """
    from sklearn.neighbors import NearestNeighbors

    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    frames = data.frames
    features = np.stack([_hog(image) for image in frames.images])
    sizes = np.array([image.shape[1::-1] for image in frames.images], dtype=float)  # (N, 2) width, height
    relative = frames.keypoints[data.train] / sizes[data.train, None, :]
    n_neighbours = min(k, len(data.train))
    index = NearestNeighbors(n_neighbors=n_neighbours).fit(features[data.train])
    distances, neighbours = index.kneighbors(features)  # (N, n_neighbours) rows of data.train
    with warnings.catch_warnings():  # the mean of an all-NaN slice warns: an unlabelled part, handled below
        warnings.simplefilter("ignore", RuntimeWarning)
        points = np.nanmean(relative[neighbours], axis=1)  # (N, K, 2); NaN where no neighbour has the part
        fallback = np.nanmean(relative, axis=0)  # a part none of the neighbours shows: its mean training position
    points = np.where(np.isnan(points), fallback, points)
    points = np.where(np.isnan(points), 0.5, points)  # a part never labelled in training: the frame's centre
    return PosePrediction(
        points=points * sizes[:, None, :],
        details={"k": n_neighbours, "feature_dim": int(features.shape[1]),
                 "median_test_distance": float(np.median(distances[data.test, 0]))},
    )


def _hog(image: np.ndarray) -> np.ndarray:
    from skimage.feature import hog

    grey = Image.fromarray(image).convert("L").resize(SHAPE[::-1], Image.BILINEAR)
    return hog(np.asarray(grey, dtype=np.float64) / 255.0, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2))

