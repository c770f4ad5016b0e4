"""Metrics on cases whose answers are known by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmarks.tasks.pose import metrics

NAN = np.nan
# two frames, three parts; errors (3-4-5 triangles): frame 0: 5, 0, unlabelled; frame 1: 10, 0, 0
LABELLED = np.array([[[0, 0], [10, 10], [NAN, NAN]], [[0, 0], [20, 0], [0, 20]]], float)
PREDICTED = np.array([[[3, 4], [10, 10], [99, 99]], [[6, 8], [20, 0], [0, 20]]], float)


def test_distances_and_dlc_error():
    d = metrics.distances(PREDICTED, LABELLED)
    np.testing.assert_allclose(d, [[5, 0, NAN], [10, 0, 0]])
    assert metrics.dlc_error(PREDICTED, LABELLED) == pytest.approx(15 / 5)


def test_true_rmse():
    assert metrics.rmse(PREDICTED, LABELLED) == pytest.approx(math.sqrt((25 + 100) / 5))


def test_unlabelled_points_count_nowhere():
    only = LABELLED.copy()
    only[1] = NAN
    assert metrics.dlc_error(PREDICTED, only) == pytest.approx(2.5)


def test_missing_prediction_of_a_labelled_point_raises():
    bad = PREDICTED.copy()
    bad[0, 0] = NAN
    with pytest.raises(ValueError, match="no prediction"):
        metrics.distances(bad, LABELLED)


def test_pcutoff_error_and_share():
    scores = np.array([[0.9, 0.1, 0.9], [0.6, 0.59, 0.7]])
    error, share = metrics.pcutoff_error(PREDICTED, LABELLED, scores)
    # kept labelled points: (0,0) err 5, (1,0) err 10 (0.6 >= cutoff), (1,2) err 0 -> mean 5, 3 of 5 kept
    assert error == pytest.approx(5.0) and share == pytest.approx(0.6)
    error, share = metrics.pcutoff_error(PREDICTED, LABELLED, np.zeros((2, 3)))
    assert math.isnan(error) and share == 0.0


def test_animal_size_and_pck():
    # frame 0: box of (0,0)-(10,10), diagonal 10*sqrt(2); frame 1: box (0,0)-(20,20), diagonal 20*sqrt(2)
    np.testing.assert_allclose(metrics.animal_size(LABELLED), [10 * math.sqrt(2), 20 * math.sqrt(2)])
    # threshold 0.3: frame 0 limit 4.24 (5 fails, 0 passes); frame 1 limit 8.49 (10 fails, 0, 0 pass) -> 3/5
    assert metrics.pck(PREDICTED, LABELLED, threshold=0.3) == pytest.approx(3 / 5)
    # threshold 0.4: frame 0 limit 5.66 (5 passes); frame 1 limit 11.3 (10 passes) -> 5/5
    assert metrics.pck(PREDICTED, LABELLED, threshold=0.4) == pytest.approx(1.0)


def test_pck_uses_median_size_for_frames_with_one_point():
    labelled = np.array([[[0, 0], [NAN, NAN]], [[0, 0], [30, 40]]], float)  # frame 0 has one point
    predicted = np.array([[[4, 0], [0, 0]], [[0, 0], [30, 40]]], float)
    assert math.isnan(metrics.animal_size(labelled)[0])
    # median size 50: limit 5 at threshold 0.1, so the 4-px error counts as correct
    assert metrics.pck(predicted, labelled, threshold=0.1) == pytest.approx(1.0)


def test_per_bodypart_rmse():
    np.testing.assert_allclose(
        metrics.per_bodypart_rmse(PREDICTED, LABELLED), [math.sqrt((25 + 100) / 2), 0.0, 0.0]
    )
    labelled = LABELLED.copy()
    labelled[:, 2] = NAN
    assert math.isnan(metrics.per_bodypart_rmse(PREDICTED, labelled)[2])


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match=r"must both be \(N, K, 2\)"):
        metrics.distances(PREDICTED[:, :2], LABELLED)
