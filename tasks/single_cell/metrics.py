"""The task's ``evaluate`` and its metrics: embedding quality as in Kobak & Berens (2019), plus the
co-ranking metrics and density preservation of the Open Problems dimensionality-reduction task.

All metrics compare the high-dimensional reference ``X`` (n_cells, 50 PCs) with a 2-D embedding ``Z``
(n_cells, 2). Pure functions; random subsamples use a fixed seed so that the same inputs give the same score.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from benchmarks.task import Direction, Evaluation, Items
from benchmarks.tasks.single_cell import coranking, density

if TYPE_CHECKING:
    from benchmarks.tasks.single_cell.data import SingleCellData

#: subsample seed, fixed so that every method is scored on the same cells (the paper uses 42 for CPD)
METRIC_SEED = 42
#: what ``evaluate`` uses: neighbours and query cells of KNN, cells of CPD, neighbours and cells of trustworthiness
KNN_K = 10
KNN_QUERIES = 10_000
CPD_CELLS = 1_000
TRUST_K = 15
#: cells of the co-ranking (and of trustworthiness and density preservation), and its largest rank
CORANK_CELLS = 5_000
CORANK_K = 30
#: trustworthiness and continuity at k need 3k + 1 < 2n
CORANK_MIN_CELLS = 3 * CORANK_K // 2 + 1
KB_METRICS = ("knn", "knc", "cpd")
OPEN_PROBLEMS_METRICS = ("trustworthiness", "trustworthiness_k30", "continuity_k30", "qnx_k30", "lcmc_k30",
                         "qnx_auc", "qlocal", "qglobal", "density_preservation")
METRIC_NAMES = KB_METRICS + OPEN_PROBLEMS_METRICS


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


def knn_per_cell(X: np.ndarray, Z: np.ndarray, k: int = 10, n_queries: int | None = 10_000) -> np.ndarray:
    """Per query cell, the fraction of its ``k`` nearest neighbours in X that are among its k nearest in Z.

    The query cells are all cells when n <= ``n_queries``, else a fixed random subsample of ``n_queries``
    cells (:func:`query_cells`, sorted), whose neighbours are still searched among all cells (exact).
    Returns (n_queries,) floats in [0, 1], in the order of :func:`query_cells`.
    """
    X, Z = _check_pair(X, Z)
    queries = query_cells(len(X), n_queries)
    return neighbour_overlap(nearest_neighbours(X, k, queries), nearest_neighbours(Z, k, queries))


def knn(X: np.ndarray, Z: np.ndarray, k: int = 10, n_queries: int | None = 10_000) -> float:
    """KNN: mean fraction of each cell's ``k`` nearest neighbours in X that are among its k nearest in Z.

    Averaged over all cells (the paper's definition) when n <= ``n_queries``, else over a fixed random
    subsample of ``n_queries`` query cells (:func:`knn_per_cell`). Chance level for a random embedding:
    k / (n - 1). Unitless, in [0, 1].
    """
    return float(knn_per_cell(X, Z, k, n_queries).mean())


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
    """Trustworthiness (Venna & Kaski 2001; equal to scikit-learn's) with ``k`` neighbours: 1 minus a normalised
    penalty for cells that are neighbours in Z but not in X. Computed on a fixed random subsample of ``n_cells``
    cells when there are more (it ranks all n^2 distances). About 0.5 for a random embedding."""
    X, Z = _check_pair(X, Z)
    cells = query_cells(len(X), n_cells)
    if len(cells) <= 2 * k:
        raise ValueError(f"trustworthiness with k = {k} needs more than {2 * k} cells, got {len(cells)}")
    return coranking.trustworthiness(coranking.coranking(X[cells], Z[cells], k), k)


def open_problems_metrics(X: np.ndarray, Z: np.ndarray, n_cells: int | None = CORANK_CELLS,
                          k: int = CORANK_K) -> dict[str, float]:
    """The Open Problems dimensionality-reduction metrics (the names of ``OPEN_PROBLEMS_METRICS``) from one
    co-ranking (neighbours up to rank ``k``) of a fixed random subsample of ``n_cells`` cells (all cells if
    fewer): the ranks are those within the subsample, as Open Problems ranks its (up to 50,000) waypoint cells.
    Q_NX's AUC, Q_local and Q_global cover every k up to the subsample's size - 1. ``qglobal`` is NaN when LCMC
    peaks at the last k (an embedding no better than chance at any scale). Needs at least 3k/2 + 1 cells.
    X (n, d), Z (n, 2)."""
    X, Z = _check_pair(X, Z)
    cells = query_cells(len(X), n_cells)
    ranks = coranking.coranking(X[cells], Z[cells], k)
    qnx, lcmc = coranking.qnx_curve(ranks), coranking.lcmc_curve(ranks)
    qlocal, qglobal, _ = coranking.local_global_split(ranks)
    return {
        "trustworthiness": coranking.trustworthiness(ranks, min(TRUST_K, k)),
        "trustworthiness_k30": coranking.trustworthiness(ranks, k),
        "continuity_k30": coranking.continuity(ranks, k),
        "qnx_k30": float(qnx[k - 1]),
        "lcmc_k30": float(lcmc[k - 1]),
        "qnx_auc": float(qnx.mean()),
        "qlocal": qlocal,
        "qglobal": qglobal,
        "density_preservation": density.density_preservation(
            density.log_local_radii(ranks.high_neighbours, ranks.high_distances),
            density.log_local_radii(ranks.low_neighbours, ranks.low_distances)),
    }


def _check_pair(X: np.ndarray, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X, Z = np.asarray(X), np.asarray(Z)
    if X.ndim != 2 or Z.ndim != 2 or len(X) != len(Z):
        raise ValueError(f"X and Z must be (n, d) arrays with the same n, got shapes {X.shape} and {Z.shape}")
    return X, Z


def check_embedding(data: SingleCellData, output: np.ndarray) -> np.ndarray:
    """The task's output check: ``output`` must be a float array (n_cells, 2) of finite numbers (a diverged
    optimisation gives NaN). Returns it as float64; ``ValueError`` naming what is wrong otherwise."""
    expected = f"an embedding must be a float array of shape ({data.n_cells}, 2)"
    if not isinstance(output, np.ndarray):
        raise ValueError(f"{expected}, got a {type(output).__name__}")
    if output.dtype.kind != "f":
        raise ValueError(f"{expected}, got dtype {output.dtype}")
    if output.shape != (data.n_cells, 2):
        raise ValueError(f"{expected}, got shape {output.shape}")
    bad = int(np.count_nonzero(~np.isfinite(output).all(axis=1)))
    if bad:
        raise ValueError(f"the embedding has NaN or infinite coordinates for {bad} of {data.n_cells} cells "
                         "(the optimisation diverged?)")
    return output.astype(np.float64)


def evaluate(data: SingleCellData, output: np.ndarray) -> Evaluation:
    """KNN, KNC, CPD (Kobak & Berens 2019) and the Open Problems metrics of the embedding ``output`` (n_cells, 2).

    The items are the KNN of each query cell (the same cells for every method on the same data), for the
    runner's paired tests. ``ValueError`` for an output that :func:`check_embedding` refuses.
    """
    Z = check_embedding(data, output)
    X = np.asarray(data.pcs)
    n = data.n_cells
    n_queries = len(query_cells(n, KNN_QUERIES))
    item_text = (f"query cell (of {n_queries}): share of its {KNN_K} nearest neighbours in the {X.shape[1]}-D PCA "
                 f"space kept among its {KNN_K} nearest in 2-D")
    notes = {
        "knn": (f"k={KNN_K}, exact, over all {n} cells" if n <= KNN_QUERIES else
                f"k={KNN_K}, exact, {KNN_QUERIES} random query cells (seed {METRIC_SEED}) against all {n}"),
        "cpd": f"Spearman, pairwise distances of {min(n, CPD_CELLS)} random cells (seed {METRIC_SEED})",
    }
    n_ranked = min(n, CORANK_CELLS)
    ranked = f"{n_ranked} random cells (seed {METRIC_SEED})" if n > CORANK_CELLS else f"all {n} cells"
    notes.update({name: f"co-ranking up to rank {CORANK_K} of {ranked}" for name in OPEN_PROBLEMS_METRICS})
    notes["trustworthiness"] = f"k={TRUST_K}, " + notes["trustworthiness"]
    notes["qnx_auc"] = notes["qlocal"] = notes["qglobal"] = f"over k = 1..{n_ranked - 1}, " + notes["qnx_auc"]
    notes["density_preservation"] = f"k={density.DENSITY_K} fuzzy neighbours among {ranked}"
    per_cell = knn_per_cell(X, Z, KNN_K, KNN_QUERIES)
    values = {
        "knn": float(per_cell.mean()),
        "cpd": cpd(X, Z, CPD_CELLS),
    }
    if n_ranked >= CORANK_MIN_CELLS:
        values.update(open_problems_metrics(X, Z, CORANK_CELLS, CORANK_K))
        if math.isnan(values["qglobal"]):
            notes["qglobal"] = "LCMC peaks at the largest k: no scale is left for Q_global"
    else:
        values.update(dict.fromkeys(OPEN_PROBLEMS_METRICS, math.nan))
        notes.update(dict.fromkeys(OPEN_PROBLEMS_METRICS, f"the co-ranking up to rank {CORANK_K} needs at least "
                                   f"{CORANK_MIN_CELLS} cells, the data have {n}"))
    n_types = len(data.label_names)
    if data.labels is None:
        values["knc"], notes["knc"] = math.nan, "the data have no cell-type labels"
    elif n_types < 3:
        values["knc"], notes["knc"] = math.nan, f"KNC needs at least 3 cell types, the data have {n_types}"
    else:
        k = knc_k(n_types)
        values["knc"] = knc(X, Z, data.labels, k)
        notes["knc"] = f"k={k} nearest of {n_types} cell-type means"
    chance = {"knn": KNN_K / (n - 1), "cpd": 0.0, "trustworthiness": 0.5, "trustworthiness_k30": 0.5,
              "continuity_k30": 0.5, "qnx_k30": CORANK_K / (n_ranked - 1), "lcmc_k30": 0.0,
              "density_preservation": 0.0}
    if "knc" in notes and not math.isnan(values["knc"]):
        chance["knc"] = knc_k(n_types) / (n_types - 1)
    details = {"n_cells": n, "n_pcs": int(X.shape[1]), "n_types": n_types, "source": data.source,
               "chance": chance, "data": dict(data.info)}
    return Evaluation(metrics={name: values[name] for name in METRIC_NAMES}, notes=notes, details=details,
                      items=Items(per_cell, Direction.HIGHER, item_text))
