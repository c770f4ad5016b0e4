"""Train/test splits of labelled frames, deterministic in the seed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def split_frames(n_frames: int, train_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random frame split as DeepLabCut's ``create_training_dataset``: (train, test) sorted indices.

    Both sides get at least one frame. ``train_fraction`` in (0, 1).
    """
    _check_fraction(train_fraction)
    if n_frames < 2:
        raise ValueError(f"need at least 2 labelled frames to split, got {n_frames}")
    order = np.random.default_rng(seed).permutation(n_frames)
    n_train = min(max(int(round(train_fraction * n_frames)), 1), n_frames - 1)
    return np.sort(order[:n_train]), np.sort(order[n_train:])


def split_videos(videos: Sequence[str], train_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Hold out whole videos: no video has frames on both sides (neighbouring frames look alike).

    Videos are drawn in a seeded order until the training side holds ``train_fraction`` of the frames.
    """
    _check_fraction(train_fraction)
    names = np.asarray(videos)
    unique = sorted(set(names.tolist()))
    if len(unique) < 2:
        raise ValueError(f"split='videos' needs at least 2 labelled videos, found {unique}; use split='frames'")
    order = np.random.default_rng(seed).permutation(len(unique))
    counts = {video: int((names == video).sum()) for video in unique}
    train_videos: list[str] = []
    for i in order[:-1]:  # the last drawn video is always tested
        if sum(counts[v] for v in train_videos) >= train_fraction * len(names):
            break
        train_videos.append(unique[i])
    is_train = np.isin(names, train_videos)
    return np.flatnonzero(is_train), np.flatnonzero(~is_train)


def _check_fraction(value: float) -> None:
    if not 0.0 < value < 1.0:
        raise ValueError(f"train_fraction must lie in (0, 1), got {value}")
