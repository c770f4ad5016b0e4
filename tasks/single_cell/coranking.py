"""The co-ranking of an embedding, kept sparse, and the metrics Open Problems derives from it.

Lee & Verleysen (2009, Neurocomputing 72:1431): for cells i != j, let rho_ij be the rank of j among the cells
nearest to i in the reference space X (1 = nearest) and r_ij its rank in the embedding Z. The co-ranking matrix
Q counts the pairs with (rho, r) = (a, b). The metrics of the Open Problems dimensionality-reduction task (v2
``coranking`` component, R package coRanking) read only two things of it: the block a, b <= k (with, for
trustworthiness and continuity, how far beyond k an intruder or extruder lies), and the sums of Q over the
blocks a, b <= k for every k (the Q_NX curve). So each cell keeps its K nearest cells in either space with their
rank in the other, and the pairs are counted by max(rho, r): O(n K) memory instead of the dense (n-1)^2 matrix,
in one pass over the distances.
"""

from __future__ import annotations

from dataclasses import dataclass

import math

import numpy as np

#: rows of the distance matrix computed at once (a block of 256 x 10,000 float64 distances is 20 MB)
BLOCK = 256


@dataclass(frozen=True)
class CoRanking:
    """The sparse co-ranking of n cells.

    ``high_neighbours``, ``high_distances`` (n, k_max): each cell's nearest cells in X, nearest first, and their
    Euclidean distances; ``low_neighbours``, ``low_distances`` the same in Z. ``low_rank_of_high`` (n, k_max): the
    rank in Z (1 = nearest; ties in any order) of each of the X-neighbours; ``high_rank_of_low``: the rank
    in X of each of the Z-neighbours; ranks may exceed ``k_max`` (up to n - 1). ``max_rank_counts`` (n,): at index
    m, the number of pairs (i, j) with max(rho_ij, r_ij) = m (index 0 unused)."""

    high_neighbours: np.ndarray
    high_distances: np.ndarray
    low_neighbours: np.ndarray
    low_distances: np.ndarray
    low_rank_of_high: np.ndarray
    high_rank_of_low: np.ndarray
    max_rank_counts: np.ndarray

    @property
    def n(self) -> int:
        return len(self.high_neighbours)

    @property
    def k_max(self) -> int:
        return self.high_neighbours.shape[1]


def _squared_distances(rows: np.ndarray, data: np.ndarray, norms: np.ndarray, first: int) -> np.ndarray:
    block = norms[first:first + len(rows), None] + norms[None, :] - 2.0 * rows @ data.T
    np.maximum(block, 0.0, out=block)  # rounding can make a tiny distance negative
    block[np.arange(len(rows)), first + np.arange(len(rows))] = np.inf  # a cell is its own farthest: rank n
    return block


def _order_and_ranks(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(block, axis=1)  # the SIMD quicksort: 5x faster than a stable sort; ties are rare
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.broadcast_to(np.arange(1, block.shape[1] + 1), block.shape), axis=1)
    return order, ranks


def coranking(X: np.ndarray, Z: np.ndarray, k_max: int = 30) -> CoRanking:
    """The co-ranking of ``X`` (n, d) and ``Z`` (n, d') with neighbours up to rank ``k_max`` (< n - 1), exact
    (Euclidean distances).

    Cost: one pass over the n^2 distances of each space in blocks, sorting each row (memory O(n k_max + BLOCK n));
    about 2 s for 5,000 cells.
    """
    X, Z = np.asarray(X, dtype=np.float64), np.asarray(Z, dtype=np.float64)
    n = len(X)
    if len(Z) != n:
        raise ValueError(f"X and Z must have the same number of cells, got {len(X)} and {len(Z)}")
    if not 1 <= k_max < n - 1:
        raise ValueError(f"k_max = {k_max} needs more than {k_max + 1} cells, got {n}")
    x_norms, z_norms = (X**2).sum(axis=1), (Z**2).sum(axis=1)
    out = {name: np.empty((n, k_max), dtype=np.int64) for name in
           ("high_neighbours", "low_neighbours", "low_rank_of_high", "high_rank_of_low")}
    out.update({name: np.empty((n, k_max)) for name in ("high_distances", "low_distances")})
    counts = np.zeros(n + 1, dtype=np.int64)
    for first in range(0, n, BLOCK):
        rows = slice(first, min(first + BLOCK, n))
        high = _squared_distances(X[rows], X, x_norms, first)
        low = _squared_distances(Z[rows], Z, z_norms, first)
        (high_order, high_ranks), (low_order, low_ranks) = _order_and_ranks(high), _order_and_ranks(low)
        near_high, near_low = high_order[:, :k_max], low_order[:, :k_max]
        out["high_neighbours"][rows], out["low_neighbours"][rows] = near_high, near_low
        out["high_distances"][rows] = np.sqrt(np.take_along_axis(high, near_high, axis=1))
        out["low_distances"][rows] = np.sqrt(np.take_along_axis(low, near_low, axis=1))
        out["low_rank_of_high"][rows] = np.take_along_axis(low_ranks, near_high, axis=1)
        out["high_rank_of_low"][rows] = np.take_along_axis(high_ranks, near_low, axis=1)
        counts += np.bincount(np.maximum(high_ranks, low_ranks).ravel(), minlength=n + 1)
    counts[n] = 0  # the pairs (i, i), ranked last in both spaces
    return CoRanking(**out, max_rank_counts=counts[:n])


def coranking_matrix(ranks: CoRanking) -> np.ndarray:
    """The block a, b <= k_max of the co-ranking matrix (k_max, k_max): Q[a-1, b-1] = number of pairs (i, j) with
    rank a in X and b in Z."""
    k_max = ranks.k_max
    high = np.broadcast_to(np.arange(k_max), ranks.low_rank_of_high.shape)
    low = ranks.low_rank_of_high - 1
    kept = low < k_max
    return np.bincount(high[kept] * k_max + low[kept], minlength=k_max * k_max).reshape(k_max, k_max)


def qnx_curve(ranks: CoRanking) -> np.ndarray:
    """Q_NX(k) for k = 1..n-1 (array index k-1): the mean fraction of each cell's k nearest cells in X that are
    among its k nearest in Z, i.e. (1 / (k n)) times the sum of Q over the block a, b <= k (Lee & Verleysen 2009).
    Q_NX(n-1) = 1."""
    k = np.arange(1, ranks.n)
    return np.cumsum(ranks.max_rank_counts)[1:] / (k * ranks.n)


def lcmc_curve(ranks: CoRanking) -> np.ndarray:
    """LCMC(k) = Q_NX(k) - k / (n - 1) for k = 1..n-1 (Chen & Buja 2009): Q_NX above a random embedding's."""
    k = np.arange(1, ranks.n)
    return qnx_curve(ranks) - k / (ranks.n - 1)


def local_global_split(ranks: CoRanking) -> tuple[float, float, int]:
    """(Q_local, Q_global, K_max): the mean Q_NX over k <= K_max and over k > K_max, where K_max is the k of the
    largest LCMC (Lee & Verleysen 2009, as Open Problems v2 computes them with R's coRanking)."""
    qnx = qnx_curve(ranks)
    peak = int(np.argmax(lcmc_curve(ranks))) + 1
    return float(qnx[:peak].mean()), float(qnx[peak:].mean()) if peak < len(qnx) else math.nan, peak


def _rank_penalty(other_ranks: np.ndarray, k: int, n: int) -> float:
    if not 1 <= k <= other_ranks.shape[1]:
        raise ValueError(f"k = {k} must be between 1 and the co-ranking's k_max = {other_ranks.shape[1]}")
    if 2 * n - 3 * k - 1 <= 0:
        raise ValueError(f"k = {k} is too large for {n} cells (needs 3k + 1 < 2n)")
    excess = np.maximum(other_ranks[:, :k] - k, 0).sum()
    return 1.0 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)) * float(excess)


def trustworthiness(ranks: CoRanking, k: int) -> float:
    """Venna & Kaski (2001) trustworthiness at ``k`` <= k_max: 1 minus the normalised sum, over each cell's k nearest
    in Z that are not among its k nearest in X ("intruders"), of how far their rank in X lies beyond k."""
    return _rank_penalty(ranks.high_rank_of_low, k, ranks.n)


def continuity(ranks: CoRanking, k: int) -> float:
    """Venna & Kaski (2001) continuity at ``k`` <= k_max: trustworthiness with X and Z swapped (penalises the k
    nearest in X pushed out of the k nearest in Z, "extruders")."""
    return _rank_penalty(ranks.low_rank_of_high, k, ranks.n)
