"""Embedding quality as in Kobak & Berens (2019), plus trustworthiness (Open Problems).

All metrics compare the high-dimensional reference ``X`` (n_cells, 50 PCs) with a 2-D embedding ``Z``
(n_cells, 2). Pure functions; random subsamples use a fixed seed so that the same inputs give the same score.
"""

from __future__ import annotations

import numpy as np

#: subsample seed, fixed so that every method is scored on the same cells (the paper uses 42 for CPD)
METRIC_SEED = 42


def nearest_neighbours(data: np.ndarray, k: int, queries: np.ndarray | None = None) -> np.ndarray:
    """Exact indices (n_queries, k) of the ``k`` nearest points of ``data`` (n, d) to the rows ``queries``
    (indices into ``data``; all rows when None), Euclidean, the query point itself excluded.

    2-D data use a k-d tree; higher dimensions use sklearn's blocked, multi-threaded brute force.
    """
    from sklearn.neighbors import NearestNeighbors

    data = np.ascontiguousarray(data, dtype=np.float32)
    queries = np.arange(len(data)) if queries is None else np.asarray(queries)
    if k >= len(data):
        raise ValueError(f"k = {k} neighbours need more than {len(data)} points")
    algorithm = "kd_tree" if data.shape[1] <= 3 else "brute"
    index = NearestNeighbors(n_neighbors=k + 1, algorithm=algorithm).fit(data)
    found = index.kneighbors(data[queries], return_distance=False)
    # drop the query itself; with duplicate points it need not come first, and if it is absent drop the last
    is_self = found == queries[:, None]
    order = np.argsort(is_self, axis=1, kind="stable")
    return np.take_along_axis(found, order, axis=1)[:, :k]


def neighbour_overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row, the fraction of the k indices in ``a`` (n, k) that are also in ``b`` (n, k)."""
    return (a[:, :, None] == b[:, None, :]).any(axis=2).mean(axis=1)


def query_cells(n: int, n_queries: int | None) -> np.ndarray:
    """All cells, or a fixed random subsample of ``n_queries`` cells (sorted indices) when n is larger."""
    if n_queries is None or n <= n_queries:
        return np.arange(n)
    return np.sort(np.random.default_rng(METRIC_SEED).choice(n, size=n_queries, replace=False))


def knn(X: np.ndarray, Z: np.ndarray, k: int = 10, n_queries: int | None = 10_000) -> float:
    """KNN: mean fraction of each cell's ``k`` nearest neighbours in X that are among its k nearest in Z.

    Averaged over all cells (the paper's definition) when n <= ``n_queries``, else over a fixed random
    subsample of ``n_queries`` query cells whose neighbours are still searched among all cells (exact).
    Chance level for a random embedding: k / (n - 1). Unitless, in [0, 1].
    """
    X, Z = _check_pair(X, Z)
    queries = query_cells(len(X), n_queries)
    return float(neighbour_overlap(nearest_neighbours(X, k, queries), nearest_neighbours(Z, k, queries)).mean())


def class_means(data: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(n_classes, d) mean of ``data`` (n, d) per class code 0..n_classes-1 of ``labels`` (n,)."""
    codes = np.asarray(labels)
    n_classes = int(codes.max()) + 1
    sums = np.zeros((n_classes, data.shape[1]))
    np.add.at(sums, codes, data)
    counts = np.bincount(codes, minlength=n_classes)
    if np.any(counts == 0):
        raise ValueError("every class code 0..max must occur at least once")
    return sums / counts[:, None]


def knc_k(n_classes: int) -> int:
    """Number of neighbouring classes for KNC: 10 as in the paper for data with >= 40 types, about a quarter
    of the types otherwise (the paper's 4 for its 15 synthetic classes), at least 1."""
    return int(min(10, max(1, np.floor(n_classes / 4 + 0.5))))


def knc(X: np.ndarray, Z: np.ndarray, labels: np.ndarray, k: int | None = None) -> float:
    """KNC: mean fraction of each class's ``k`` nearest class means in X that are among its k nearest class
    means in Z. ``labels`` (n,) int codes; ``k`` defaults to :func:`knc_k`. Needs at least 3 classes
    (with 2 the single neighbour is always preserved). Chance level: k / (n_classes - 1)."""
    X, Z = _check_pair(X, Z)
    means_x, means_z = class_means(X, labels), class_means(Z, labels)
    n_classes = len(means_x)
    if n_classes < 3:
        raise ValueError(f"KNC needs at least 3 classes, got {n_classes}")
    k = knc_k(n_classes) if k is None else k
    return float(neighbour_overlap(nearest_neighbours(means_x, k), nearest_neighbours(means_z, k)).mean())


def cpd(X: np.ndarray, Z: np.ndarray, n_cells: int = 1_000) -> float:
    """CPD: Spearman correlation between all pairwise Euclidean distances in X and in Z among a fixed random
    subsample of ``n_cells`` cells (all cells if fewer). 1 for an isometry, about 0 for a random embedding."""
    from scipy.spatial.distance import pdist
    from scipy.stats import spearmanr

    X, Z = _check_pair(X, Z)
    cells = query_cells(len(X), n_cells)
    return float(spearmanr(pdist(X[cells].astype(np.float64)), pdist(Z[cells].astype(np.float64))).statistic)


def trustworthiness(X: np.ndarray, Z: np.ndarray, k: int = 15, n_cells: int | None = 5_000) -> float:
    """Trustworthiness (Venna & Kaski 2001; scikit-learn's implementation) with ``k`` neighbours: 1 minus a
    normalised penalty for cells that are neighbours in Z but not in X. Computed on a fixed random subsample
    of ``n_cells`` cells when there are more (it needs all n^2 distances). About 0.5 for a random embedding."""
    from sklearn.manifold import trustworthiness as sklearn_trustworthiness

    X, Z = _check_pair(X, Z)
    cells = query_cells(len(X), n_cells)
    if len(cells) <= 2 * k:
        raise ValueError(f"trustworthiness with k = {k} needs more than {2 * k} cells, got {len(cells)}")
    return float(sklearn_trustworthiness(X[cells], Z[cells], n_neighbors=k))


def _check_pair(X: np.ndarray, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X, Z = np.asarray(X), np.asarray(Z)
    if X.ndim != 2 or Z.ndim != 2 or len(X) != len(Z):
        raise ValueError(f"X and Z must be (n, d) arrays with the same n, got shapes {X.shape} and {Z.shape}")
    return X, Z
