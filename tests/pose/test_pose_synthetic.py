"""The synthetic open-field generator and the splits."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.tasks.pose.splits import split_frames, split_videos
from benchmarks.tasks.pose.synthetic import BODYPARTS, GeneratorConfig, generate

CONFIG = GeneratorConfig(n_videos=3, frames_per_video=8, height=96, width=128, occlusion_rate=0.5, mixed_sizes=True)


def test_deterministic_in_the_seed():
    a, b, c = generate(CONFIG, 5), generate(CONFIG, 5), generate(CONFIG, 6)
    assert all(np.array_equal(x, y) for x, y in zip(a.images, b.images))
    np.testing.assert_array_equal(a.keypoints, b.keypoints)
    assert not np.array_equal(a.images[0], c.images[0])


def test_shapes_labels_and_sizes():
    frames = generate(CONFIG, 0)
    assert len(frames) == 24 and frames.bodyparts == BODYPARTS
    assert frames.keypoints.shape == (24, 6, 2)
    assert {image.shape for image in frames.images} == {(96, 128), (88, 116)}
    assert frames.videos[0] == "video000" and frames.paths[-1] == "labeled-data/video002/img0007.png"
    for image, points in zip(frames.images, frames.keypoints):
        h, w = image.shape
        ok = ~np.isnan(points).any(axis=-1)
        assert ((points[ok] >= 0) & (points[ok] <= [w - 1, h - 1])).all()


def test_occlusion_leaves_points_unlabelled_and_the_animal_is_dark():
    frames = generate(CONFIG, 0)
    assert 0 < np.isnan(frames.keypoints[..., 0]).mean() < 0.5
    body = [image[int(p[1]), int(p[0])] for image, p in zip(frames.images, frames.keypoints[:, 3]) if not np.isnan(p).any()]
    floor = [np.median(image) for image in frames.images]
    assert np.mean(body) < 0.6 * np.mean(floor)  # a dark animal on a bright floor, as in the open-field example


def test_animal_moves_smoothly_within_a_video():
    frames = generate(GeneratorConfig(n_videos=1, frames_per_video=20, occlusion_rate=0.0), 2)
    centre = frames.keypoints[:, 3]
    step = np.linalg.norm(np.diff(centre, axis=0), axis=1)
    length = 0.16 * 128
    assert np.nanmax(step) < 0.6 * length and np.nanmean(step) > 0.02 * length


def test_frame_split_is_seeded_disjoint_and_complete():
    train, test = split_frames(50, 0.8, seed=1)
    again, _ = split_frames(50, 0.8, seed=1)
    other, _ = split_frames(50, 0.8, seed=2)
    np.testing.assert_array_equal(train, again)
    assert not np.array_equal(train, other)
    assert len(train) == 40 and sorted(np.concatenate([train, test])) == list(range(50))


def test_video_split_holds_out_whole_videos():
    videos = ["a"] * 5 + ["b"] * 5 + ["c"] * 5 + ["d"] * 5
    train, test = split_videos(videos, 0.7, seed=0)
    names = np.asarray(videos)
    assert set(names[train]).isdisjoint(set(names[test]))
    assert len(train) >= 0.7 * 20 and len(test) > 0
    with pytest.raises(ValueError, match="at least 2 labelled videos"):
        split_videos(["a"] * 4, 0.8, seed=0)
    with pytest.raises(ValueError, match="train_fraction"):
        split_frames(10, 1.0, seed=0)
