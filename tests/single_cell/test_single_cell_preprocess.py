"""Gene selection, normalisation and PCA of the single_cell task."""

import numpy as np
import pytest
import scipy.sparse as sp

from benchmarks.tasks.single_cell import preprocess
from benchmarks.tasks.single_cell.splat import simulate


def _bisection_selection(counts: np.ndarray, n: int, decay: float = 1.0, y_offset: float = 0.02,
                         min_cells: int = 10) -> np.ndarray:
    """The paper's rule as the paper computes it: tune the offset b by bisection until n genes satisfy
    zero_rate > exp(-decay (mean_log - b)) + y_offset."""
    detected = (counts > 0).sum(axis=0)
    zero_rate = 1 - detected / counts.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_log = np.where(counts > 0, np.log2(np.where(counts > 0, counts, 1)), 0).sum(axis=0) / detected
    usable = detected >= min_cells
    low, high = -50.0, 50.0
    for _ in range(200):
        b = (low + high) / 2
        kept = usable & (zero_rate > np.exp(-decay * (mean_log - b)) + y_offset)
        if kept.sum() == n:
            break
        if kept.sum() > n:
            low = b  # a larger offset raises the curve and keeps fewer genes
        else:
            high = b
    return np.flatnonzero(kept)


def test_gene_selection_equals_the_papers_bisection():
    counts = simulate(1500, seed=3).counts
    fast = preprocess.select_genes(counts, 300)
    assert len(fast) == 300
    np.testing.assert_array_equal(fast, _bisection_selection(counts.toarray(), 300))


def test_gene_selection_prefers_genes_with_excess_zeros():
    rng = np.random.default_rng(0)
    n = 1000
    flat = rng.poisson(2.0, size=n)  # Poisson: as many zeros as its mean predicts
    bursty = np.where(rng.random(n) < 0.15, rng.poisson(13.0, size=n), 0)  # same mean, mostly zeros
    rare = np.zeros(n)
    rare[:5] = 4  # detected in fewer than 10 cells: never kept
    counts = sp.csr_matrix(np.column_stack([flat, bursty, rare]).astype(float))
    assert list(preprocess.select_genes(counts, 1)) == [1]
    assert list(preprocess.select_genes(counts, 3)) == [0, 1]


def test_normalise_log_by_hand():
    counts = sp.csr_matrix(np.array([[1.0, 3.0, 4.0], [2.0, 2.0, 0.0], [0.0, 8.0, 8.0]]))
    library = preprocess.library_sizes(counts)  # 8, 4, 16; median 8
    out = preprocess.normalise_log(counts, np.array([0, 1]), library, float(np.median(library)))
    expected = np.log2(np.array([[1.0, 3.0], [4.0, 4.0], [0.0, 4.0]]) + 1)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    with pytest.raises(ValueError, match="no counts"):
        preprocess.library_sizes(sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 0.0]])))


def test_pca_matches_svd_up_to_the_papers_sign_convention():
    rng = np.random.default_rng(1)
    data = rng.normal(size=(400, 30)) @ rng.normal(size=(30, 30))
    scores = preprocess.pca(lambda rows: data[rows], 400, 30, n_components=5, block=128)  # several blocks
    centred = data - data.mean(axis=0)
    u, s, vt = np.linalg.svd(centred, full_matrices=False)
    signs = np.sign(vt[:5].sum(axis=1))  # loadings of each component sum to a positive number
    np.testing.assert_allclose(scores, (u[:, :5] * s[:5]) * signs, rtol=1e-4, atol=1e-4)


def test_preprocess_counts_gives_50_pcs_with_decreasing_variance():
    pcs = preprocess.preprocess_counts(simulate(800, seed=2).counts, n_genes=500)
    assert pcs.shape == (800, 50) and pcs.dtype == np.float32
    variance = pcs.var(axis=0)
    assert np.all(np.diff(variance) <= 1e-6)
    np.testing.assert_allclose(pcs.mean(axis=0), 0, atol=1e-3)
