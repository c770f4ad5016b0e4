"""The co-ranking metrics and density preservation (Open Problems) on cases whose values are known by hand."""

import numpy as np
import pytest
from sklearn.manifold import trustworthiness as sklearn_trustworthiness

from benchmarks.tasks.single_cell import coranking, density, metrics

# Four cells on a line at 0, 1, 3, 7 in X; the embedding swaps the last two (7, 3). Ranks (rho in X, r in Z) of
# each pair: p0: p1 (1,1) p2 (2,3) p3 (3,2); p1: p0 (1,1) p2 (2,3) p3 (3,2); p2: p1 (1,2) p0 (2,3) p3 (3,1);
# p3: p2 (1,3) p1 (2,1) p0 (3,2). Co-ranking matrix: [[2, 1, 1], [1, 0, 3], [1, 3, 0]].
LINE_X = np.array([[0.0], [1.0], [3.0], [7.0]])
LINE_Z = np.array([[0.0], [1.0], [7.0], [3.0]])


def _lifted(Z: np.ndarray, dim: int = 50, seed: int = 0) -> np.ndarray:
    """``Z`` rotated into ``dim`` dimensions: the same distances."""
    from scipy.stats import ortho_group

    padded = np.hstack([Z, np.zeros((len(Z), dim - Z.shape[1]))])
    return padded @ ortho_group.rvs(dim, random_state=seed)


def test_line_by_hand():
    ranks = coranking.coranking(LINE_X, LINE_Z, k_max=2)
    np.testing.assert_array_equal(coranking.coranking_matrix(ranks), [[2, 1], [1, 0]])
    np.testing.assert_allclose(coranking.qnx_curve(ranks), [2 / 4, 4 / 8, 12 / 12])
    np.testing.assert_allclose(coranking.lcmc_curve(ranks), [0.5 - 1 / 3, 0.5 - 2 / 3, 0.0])
    # LCMC peaks at k = 1: Q_local is Q_NX(1), Q_global the mean of Q_NX(2) and Q_NX(3)
    assert coranking.local_global_split(ranks) == pytest.approx((0.5, 0.75, 1))
    # k = 1: intruders p2->p3 (rank 3 in X) and p3->p1 (rank 2), 1 - 2 / (4 * 1 * 4) * (2 + 1);
    # extruders p2->p1 (rank 2 in Z) and p3->p2 (rank 3): the same sum
    assert coranking.trustworthiness(ranks, 1) == pytest.approx(0.625)
    assert coranking.continuity(ranks, 1) == pytest.approx(0.625)
    # k = 2: every cell has one intruder and one extruder of rank 3: 1 - 2 / (4 * 2 * 1) * 4 = 0
    assert coranking.trustworthiness(ranks, 2) == pytest.approx(0.0)
    assert coranking.continuity(ranks, 2) == pytest.approx(0.0)


def test_isometric_embedding_is_perfect():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(400, 2)) * [3.0, 1.0]
    ranks = coranking.coranking(_lifted(Z), Z, k_max=30)
    np.testing.assert_allclose(coranking.qnx_curve(ranks), 1.0)
    np.testing.assert_allclose(coranking.lcmc_curve(ranks), 1.0 - np.arange(1, 400) / 399)
    assert coranking.local_global_split(ranks) == pytest.approx((1.0, 1.0, 1))
    assert coranking.trustworthiness(ranks, 30) == pytest.approx(1.0)
    assert coranking.continuity(ranks, 30) == pytest.approx(1.0)
    assert np.trace(coranking.coranking_matrix(ranks)) == 400 * 30  # every pair keeps its rank


def test_trustworthiness_and_continuity_equal_scikit_learns_and_see_the_difference():
    # a torn map: the right half of a strip is moved above the left half, so cells at the tear lose neighbours
    # (continuity drops) and cells of the two halves become false neighbours (trustworthiness drops)
    rng = np.random.default_rng(1)
    X2 = rng.uniform(size=(500, 2)) * [10.0, 1.0]
    Z = X2.copy()
    right = Z[:, 0] > 5
    Z[right] += [-5.0, 1.05]
    X = _lifted(X2)
    ranks = coranking.coranking(X, Z, k_max=30)
    for k in (5, 30):
        assert coranking.trustworthiness(ranks, k) == pytest.approx(sklearn_trustworthiness(X, Z, n_neighbors=k))
        assert coranking.continuity(ranks, k) == pytest.approx(sklearn_trustworthiness(Z, X, n_neighbors=k))
    assert coranking.trustworthiness(ranks, 30) < 0.99 and coranking.continuity(ranks, 30) < 0.99


def test_qnx_against_the_dense_coranking_matrix():
    rng = np.random.default_rng(2)
    X, Z = rng.normal(size=(120, 5)), rng.normal(size=(120, 2))
    X[:, :2] += 2 * Z  # partly preserved

    def rank_matrix(data):
        distances = ((data[:, None] - data[None]) ** 2).sum(-1)
        np.fill_diagonal(distances, np.inf)
        return np.argsort(np.argsort(distances, axis=1), axis=1) + 1  # rank of j for i, 1 = nearest

    high, low = rank_matrix(X), rank_matrix(Z)
    off = ~np.eye(120, dtype=bool)
    dense = np.zeros((120, 120), dtype=int)
    np.add.at(dense, (high[off] - 1, low[off] - 1), 1)
    ranks = coranking.coranking(X, Z, k_max=20)
    np.testing.assert_array_equal(coranking.coranking_matrix(ranks), dense[:20, :20])
    expected = [dense[:k, :k].sum() / (k * 120) for k in range(1, 120)]
    np.testing.assert_allclose(coranking.qnx_curve(ranks), expected)


def test_random_embedding_scores_chance():
    rng = np.random.default_rng(3)
    X, Z = rng.normal(size=(1500, 10)), rng.normal(size=(1500, 2))
    scores = metrics.open_problems_metrics(X, Z)
    assert scores["qnx_k30"] == pytest.approx(30 / 1499, abs=0.01)
    assert scores["lcmc_k30"] == pytest.approx(0.0, abs=0.01)
    assert scores["qnx_auc"] == pytest.approx(0.5, abs=0.01)  # Q_NX(k) ~ k / (n - 1): a diagonal
    assert scores["trustworthiness_k30"] == pytest.approx(0.5, abs=0.03)
    assert scores["continuity_k30"] == pytest.approx(0.5, abs=0.03)
    assert scores["density_preservation"] == pytest.approx(0.0, abs=0.1)


def _ring(n: int, radius: float, centre: float) -> np.ndarray:
    angles = np.arange(n) * 2 * np.pi / n
    return np.column_stack([centre + radius * np.cos(angles), radius * np.sin(angles)])


def test_density_preservation_by_hand():
    # two rings of 60 evenly spaced cells, far apart: every cell of a ring has the same neighbourhood, so its
    # local radius is proportional to the ring's spacing. The embedding swaps the spacings: r = -1 exactly.
    X2 = np.vstack([_ring(60, 10.0, 0.0), _ring(60, 20.0, 1000.0)])
    Z = np.vstack([_ring(60, 20.0, 0.0), _ring(60, 10.0, 1000.0)])
    swapped = metrics.open_problems_metrics(_lifted(X2), Z)
    assert swapped["density_preservation"] == pytest.approx(-1.0, abs=1e-5)  # umap-learn works in float32
    # a map at another scale keeps every relative density: r = 1
    assert metrics.open_problems_metrics(_lifted(X2), 3 * X2)["density_preservation"] == pytest.approx(1.0)


def test_local_radius_is_umaps_weighted_mean_distance():
    # one cell with k - 1 = 29 neighbours on a ring around it at distance 2, the ring cells' other neighbours
    # far away: every edge of the centre has distance 2, so its radius is 2 whatever the weights
    centre = np.zeros((1, 2))
    cells = np.vstack([centre, _ring(29, 2.0, 0.0), _ring(400, 50.0, 0.0)])
    ranks = coranking.coranking(cells, cells, k_max=29)
    radii = density.log_local_radii(ranks.high_neighbours, ranks.high_distances)
    assert np.exp(radii[0]) == pytest.approx(2.0, rel=1e-5)
