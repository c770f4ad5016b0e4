"""Preprocessing of UMI counts as in Kobak & Berens (2019): gene selection, library-size normalisation, log, PCA.

The paper's pipeline for UMI data (its ``rnaseqTools`` recipe): select the most informative genes on the raw
counts by their excess of zeros over what their mean predicts (``geneSelection``, threshold 0), normalise each
cell to the median library size, take log2(x + 1), centre and keep 50 principal components with each
component's sign fixed so that its loadings sum to a positive number.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def select_genes(counts: sp.spmatrix | np.ndarray, n_genes: int = 1_000, *, decay: float = 1.0,
                 y_offset: float = 0.02, threshold: float = 0.0, min_cells: int = 10) -> np.ndarray:
    """Indices of the ``n_genes`` genes with the largest excess of zeros (Kobak & Berens 2019, Methods).

    ``counts``: (n_cells, n_genes_total) non-negative counts. A gene's zero rate z (fraction of cells with
    count <= ``threshold``) is compared with its mean log2 non-zero expression m: the paper keeps genes with
    z > exp(-decay (m - b)) + y_offset and tunes b by bisection until ``n_genes`` remain. Solving the
    inequality for b gives each gene the largest b at which it is kept, b_g = m + log(z - y_offset) / decay,
    so the same genes are the ``n_genes`` largest b_g (exact, no bisection). Genes detected in fewer than
    ``min_cells`` cells are never kept. Returns sorted indices (fewer than ``n_genes`` if fewer qualify).
    """
    counts = sp.csr_matrix(counts)
    n_cells, n_genes_total = counts.shape
    # per gene: cells above threshold and the sum of their log2 counts, one block of cells at a time, so that
    # no copy of the matrix is made (10^6 cells hold ~5 GB of counts)
    detected = np.zeros(n_genes_total)
    log_sum = np.zeros(n_genes_total)
    for rows in _blocks(n_cells, 50_000):
        block = counts[rows]
        above = block.data > threshold
        genes = block.indices[above]
        detected += np.bincount(genes, minlength=n_genes_total)
        log_sum += np.bincount(genes, weights=np.log2(block.data[above]), minlength=n_genes_total)
    zero_rate = 1.0 - detected / n_cells
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_log = log_sum / detected
        offset = mean_log + np.log(zero_rate - y_offset) / decay
    eligible = (detected >= min_cells) & (zero_rate > y_offset)
    offset = np.where(eligible, offset, -np.inf)
    order = np.argsort(-offset, kind="stable")[:n_genes]
    return np.sort(order[np.isfinite(offset[order])])


def library_sizes(counts: sp.spmatrix | np.ndarray) -> np.ndarray:
    """Total counts per cell (n_cells,), over all genes; raises ``ValueError`` on an empty cell."""
    library = np.asarray(counts.sum(axis=1)).ravel().astype(np.float64)
    if np.any(library <= 0):
        raise ValueError(f"{int(np.sum(library <= 0))} cells have no counts; remove them before preprocessing")
    return library


def normalise_log(counts: sp.spmatrix | np.ndarray, genes: np.ndarray, library: np.ndarray,
                  target: float) -> np.ndarray:
    """log2(1 + counts / library x target) of the selected ``genes``: dense float32 (n_cells, len(genes)).

    ``library`` (n_cells,): library sizes over all genes; ``target``: the median library size of the data
    set (the paper's choice for UMI data), passed in so that blocks of cells are scaled alike."""
    selected = sp.csr_matrix(counts)[:, genes].toarray().astype(np.float32)
    selected *= (target / library).astype(np.float32)[:, None]
    return np.log2(selected + 1.0, out=selected)


def _blocks(n: int, size: int) -> list[slice]:
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def pca(matrix_blocks, n_cells: int, n_features: int, n_components: int = 50, block: int = 50_000) -> np.ndarray:
    """Exact PCA through the covariance matrix, one block of cells at a time (memory O(n_features^2)).

    ``matrix_blocks(rows: slice) -> (rows, n_features)`` gives the data of a block; it is called twice per
    block (covariance pass, projection pass). Returns the scores (n_cells, n_components) float32 of the
    centred data, each component's sign chosen so that its loadings sum to a positive number."""
    n_components = min(n_components, n_cells - 1, n_features)
    total = np.zeros(n_features)
    gram = np.zeros((n_features, n_features))
    for rows in _blocks(n_cells, block):
        part = np.asarray(matrix_blocks(rows), dtype=np.float64)
        total += part.sum(axis=0)
        gram += part.T @ part
    mean = total / n_cells
    covariance = (gram - n_cells * np.outer(mean, mean)) / max(n_cells - 1, 1)
    from threadpoolctl import threadpool_limits

    # one thread: OpenBLAS's threaded eigh of a 1,000 x 1,000 matrix takes seconds instead of 0.3 s on a busy machine
    with threadpool_limits(1, user_api="blas"):
        values, vectors = np.linalg.eigh(covariance)
    loadings = vectors[:, ::-1][:, :n_components]
    signs = np.sign(loadings.sum(axis=0))
    loadings = loadings * np.where(signs == 0, 1.0, signs)
    scores = np.empty((n_cells, n_components), dtype=np.float32)
    for rows in _blocks(n_cells, block):
        scores[rows] = (np.asarray(matrix_blocks(rows), dtype=np.float64) - mean) @ loadings
    return scores


def pca_dense(matrix: np.ndarray, n_components: int = 50) -> np.ndarray:
    """:func:`pca` of an in-memory matrix (n_cells, n_features)."""
    return pca(lambda rows: matrix[rows], matrix.shape[0], matrix.shape[1], n_components)


def preprocess_counts(counts: sp.spmatrix | np.ndarray, n_genes: int = 1_000, n_components: int = 50) -> np.ndarray:
    """Counts (n_cells, n_genes_total) to the PCA reference space (n_cells, n_components) float32."""
    counts = sp.csr_matrix(counts)
    genes = select_genes(counts, n_genes)
    if len(genes) < 2:
        raise ValueError(f"only {len(genes)} genes pass the gene selection; too few cells or counts")
    library = library_sizes(counts)
    target = float(np.median(library))
    return pca(lambda rows: normalise_log(counts[rows], genes, library[rows], target),
               counts.shape[0], len(genes), n_components)
