"""Density preservation (Narayan, Berger & Cho 2021, densMAP; the Open Problems ``density_preservation`` metric).

Each cell's local radius is densMAP's R_i: the mean distance to its neighbours in UMAP's fuzzy neighbour graph
(k = 30, the cell itself counted as in umap-learn), weighted by the edges' membership strengths. The metric is the
Pearson correlation of log R_i in the reference space and in the embedding: 1 when every cell keeps its density
relative to the others, whatever the scale of the map.
"""

from __future__ import annotations

import numpy as np

#: neighbours of the fuzzy graph, the cell included (Open Problems' n_neighbors = 30)
DENSITY_K = 30
#: Open Problems' guard against log(0) for a cell whose neighbours coincide with it
EPSILON = 1e-8


def log_local_radii(neighbours: np.ndarray, distances: np.ndarray) -> np.ndarray:
    """log(1e-8 + R_i) (n,) from each cell's nearest other cells ``neighbours`` (n, >= k - 1), nearest first, and
    their Euclidean ``distances``: umap-learn's fuzzy simplicial set on the cell plus its k - 1 nearest (k = 30,
    fewer if fewer are given), then R_i = sum_j mu_ij d_ij / sum_j mu_ij over the symmetrised graph (as Open
    Problems computes it from umap-learn's graph)."""
    from umap.umap_ import fuzzy_simplicial_set

    n = len(neighbours)
    k = min(DENSITY_K, neighbours.shape[1] + 1)
    # umap-learn counts the cell itself as its first neighbour, at distance 0
    knn_indices = np.hstack([np.arange(n)[:, None], neighbours[:, :k - 1]]).astype(np.int64)
    knn_dists = np.hstack([np.zeros((n, 1)), distances[:, :k - 1]]).astype(np.float32)
    graph, _, _, graph_distances = fuzzy_simplicial_set(np.empty((n, 1)), k, None, "euclidean",
                                                        knn_indices=knn_indices, knn_dists=knn_dists,
                                                        return_dists=True)
    graph = graph.tocoo()
    graph.sum_duplicates()
    graph.eliminate_zeros()
    edge_distances = np.asarray(graph_distances.tocsr()[graph.row, graph.col]).ravel()
    # each edge counts for both of its cells
    ends = np.concatenate([graph.row, graph.col])
    weighted = np.bincount(ends, np.tile(graph.data * edge_distances, 2), minlength=n)
    weights = np.bincount(ends, np.tile(graph.data, 2), minlength=n)
    return np.log(EPSILON + weighted / weights)


def density_preservation(high_radii: np.ndarray, low_radii: np.ndarray) -> float:
    """Pearson correlation of the log local radii (n,) of the same cells in the reference space and in the
    embedding (from :func:`log_local_radii`); in [-1, 1], about 0 for a random embedding."""
    from scipy.stats import pearsonr

    return float(pearsonr(high_radii, low_radii).statistic)
