"""The metrics of the single_cell task on cases whose values are known by hand."""

import numpy as np
import pytest
from scipy.stats import ortho_group

from benchmarks.tasks.single_cell import metrics

# Four points on a line at 0, 1, 3, 7 in the reference space; the "swapped" embedding puts the last two at
# 7 and 3. Nearest neighbour (k = 1) in X: p0->p1, p1->p0, p2->p1, p3->p2; in Z: p0->p1, p1->p0, p2->p3, p3->p1.
LINE_X = np.array([0.0, 1.0, 3.0, 7.0])
LINE_Z = np.array([0.0, 1.0, 7.0, 3.0])


def _embed(values_1d: np.ndarray, dim: int) -> np.ndarray:
    out = np.zeros((len(values_1d), dim))
    out[:, 0] = values_1d
    return out


def _isometric_pair(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A 2-D layout Z and its image X in 50-D under a random rotation and translation: X and Z are isometric."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(n, 2)) * [3.0, 1.0] + rng.integers(0, 4, size=(n, 1)) * 8.0
    rotation = ortho_group.rvs(50, random_state=seed)
    X = np.hstack([Z, np.zeros((n, 48))]) @ rotation + rng.normal(size=50)
    return X.astype(np.float32), Z


def test_isometric_embedding_scores_one_on_every_metric():
    X, Z = _isometric_pair()
    labels = np.repeat(np.arange(6), 100)
    assert metrics.knn(X, Z) == pytest.approx(1.0)
    assert metrics.knc(X, Z, labels, k=2) == pytest.approx(1.0)
    assert metrics.cpd(X, Z) == pytest.approx(1.0, abs=1e-6)
    assert metrics.trustworthiness(X, Z) == pytest.approx(1.0)


def test_shuffled_embedding_scores_chance():
    X, Z = _isometric_pair(n=2000)
    shuffled = Z[np.random.default_rng(1).permutation(len(Z))]
    assert metrics.knn(X, shuffled) == pytest.approx(10 / 1999, abs=0.005)
    assert abs(metrics.cpd(X, shuffled)) < 0.05
    assert metrics.trustworthiness(X, shuffled) == pytest.approx(0.5, abs=0.03)


def test_knn_by_hand_half_of_the_neighbours_kept():
    # p0 and p1 keep their neighbour, p2 and p3 lose theirs
    assert metrics.knn(_embed(LINE_X, 50), _embed(LINE_Z, 2), k=1) == pytest.approx(0.5)


def test_knc_by_hand_on_class_means():
    # 3 cells per class, spread symmetrically around the class positions, so the class means are LINE_X / LINE_Z
    offsets = np.array([-0.1, 0.0, 0.1])
    labels = np.repeat(np.arange(4), 3)
    X = _embed(np.repeat(LINE_X, 3) + np.tile(offsets, 4), 50)
    Z = _embed(np.repeat(LINE_Z, 3) + np.tile(offsets, 4), 2)
    assert metrics.knc(X, Z, labels, k=1) == pytest.approx(0.5)


def test_knc_of_a_random_embedding_is_near_chance():
    rng = np.random.default_rng(3)
    n_classes, per_class = 40, 30
    centres = rng.normal(size=(n_classes, 50)) * 5
    labels = np.repeat(np.arange(n_classes), per_class)
    X = centres[labels] + rng.normal(size=(len(labels), 50))
    Z = rng.normal(size=(n_classes, 2))[labels] + 0.1 * rng.normal(size=(len(labels), 2))
    k = metrics.knc_k(n_classes)
    assert k == 10
    assert metrics.knc(X, Z, labels) == pytest.approx(k / (n_classes - 1), abs=0.08)


def test_knc_k_follows_the_paper_and_needs_three_classes():
    assert metrics.knc_k(15) == 4  # the paper's synthetic example
    assert metrics.knc_k(133) == 10  # Tasic et al.
    assert metrics.knc_k(3) == 1
    with pytest.raises(ValueError, match="at least 3 classes"):
        metrics.knc(np.zeros((4, 2)), np.zeros((4, 2)), np.array([0, 0, 1, 1]))


def test_cpd_by_hand_spearman_of_three_distances():
    # X on a line at 0, 1, 3: distances (d01, d02, d12) = (1, 3, 2); Z at 0, 2, 3: (2, 3, 1).
    # Rank differences (-1, 0, 1): rho = 1 - 6 * 2 / (3 * 8) = 0.5
    X, Z = _embed(np.array([0.0, 1.0, 3.0]), 50), _embed(np.array([0.0, 2.0, 3.0]), 2)
    assert metrics.cpd(X, Z) == pytest.approx(0.5)


def test_trustworthiness_by_hand():
    # k = 1: intruders are p2->p3 (rank 3 among p2's neighbours in X, penalty 2) and p3->p1 (rank 2, penalty 1).
    # T = 1 - 2 / (n k (2n - 3k - 1)) * 3 = 1 - 2 / 16 * 3 = 0.625
    X = _embed(LINE_X, 50)
    Z = _embed(LINE_Z, 2)
    assert metrics.trustworthiness(X, Z, k=1) == pytest.approx(0.625)


def test_knn_on_query_subsample_is_exact_and_close_to_the_full_average():
    X, Z = _isometric_pair(n=3000, seed=5)
    noisy = Z + np.random.default_rng(2).normal(scale=0.3, size=Z.shape)
    full = metrics.knn(X, noisy, n_queries=None)
    sampled = metrics.knn(X, noisy, n_queries=1000)
    assert 0.05 < full < 0.95  # a non-trivial case
    assert sampled == pytest.approx(full, abs=0.03)
    assert metrics.knn(X, Z, n_queries=1000) == pytest.approx(1.0)  # queries still search among all cells


def test_nearest_neighbours_match_brute_force_and_exclude_self_among_duplicates():
    rng = np.random.default_rng(4)
    data = rng.normal(size=(300, 50)).astype(np.float32)
    data[1] = data[0]  # a duplicate: the query must drop itself, not its twin
    queries = np.array([0, 1, 7, 299])
    found = metrics.nearest_neighbours(data, 5, queries)
    distances = ((data[queries, None, :].astype(np.float64) - data[None, :, :]) ** 2).sum(-1)
    distances[np.arange(len(queries)), queries] = np.inf
    expected = np.argsort(distances, axis=1)[:, :5]
    assert found[0, 0] == 1 and found[1, 0] == 0
    for row, query in enumerate(queries):
        assert query not in found[row]
        assert set(found[row]) == set(expected[row])


def test_mismatched_shapes_are_rejected():
    with pytest.raises(ValueError, match="same n"):
        metrics.knn(np.zeros((10, 50)), np.zeros((9, 2)))
