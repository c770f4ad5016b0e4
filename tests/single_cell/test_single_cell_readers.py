"""File formats of the single_cell task: .h5ad, .zarr, 10x .h5, the sc_mixology CSV pair, and their errors."""

import gzip

import anndata
import h5py
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from benchmarks.tasks.single_cell import readers

COUNTS = np.array([[0, 3, 1, 0], [2, 0, 0, 5], [0, 0, 0, 0], [1, 1, 1, 1]], dtype=np.float32)
TYPES = np.array(["B", "T", "T", "NK"])


def _write_h5ad(path, X, layers=None):
    obs = pd.DataFrame({"cell_type": TYPES}, index=[f"c{i}" for i in range(len(TYPES))])
    anndata.AnnData(X=X, obs=obs, layers=layers or {}).write_h5ad(path)
    return path


def test_h5ad_counts_in_x_with_labels(tmp_path):
    counts = readers.read_h5ad(_write_h5ad(tmp_path / "a.h5ad", sp.csr_matrix(COUNTS)), "cell_type")
    # the empty cell c2 is dropped together with its label
    np.testing.assert_array_equal(counts.matrix.toarray(), COUNTS[[0, 1, 3]])
    assert list(counts.labels) == ["B", "T", "NK"] and list(counts.cell_ids) == ["c0", "c1", "c3"]


def test_h5ad_counts_in_a_layer(tmp_path):
    path = _write_h5ad(tmp_path / "b.h5ad", np.log1p(COUNTS), layers={"counts": COUNTS})
    counts = readers.read_h5ad(path, "cell_type", layer="counts")
    np.testing.assert_array_equal(counts.matrix.toarray(), COUNTS[[0, 1, 3]])
    with pytest.raises(ValueError, match=r"b\.h5ad.*non-integer.*counts_layer"):
        readers.read_h5ad(path, "cell_type")  # .X holds log data
    with pytest.raises(ValueError, match=r"b\.h5ad: no layer 'raw'; layers are: counts"):
        readers.read_h5ad(path, "cell_type", layer="raw")


def test_h5ad_errors_name_the_file_and_the_problem(tmp_path):
    scaled = _write_h5ad(tmp_path / "scaled.h5ad", COUNTS - 1.0)
    with pytest.raises(ValueError, match=r"scaled\.h5ad.*negative values"):
        readers.read_h5ad(scaled, "cell_type")
    good = _write_h5ad(tmp_path / "good.h5ad", COUNTS)
    with pytest.raises(ValueError, match=r"good\.h5ad: no label column 'louvain'; columns are: cell_type"):
        readers.read_h5ad(good, "louvain")
    with pytest.raises(FileNotFoundError, match="missing.h5ad"):
        readers.read_h5ad(tmp_path / "missing.h5ad", "cell_type")
    broken = tmp_path / "broken.h5ad"
    broken.write_text("not hdf5")
    with pytest.raises(ValueError, match=r"broken\.h5ad: not a readable AnnData"):
        readers.read_h5ad(broken)


def test_zarr_store_reads_like_h5ad(tmp_path):
    obs = pd.DataFrame({"cell_type": TYPES}, index=[f"c{i}" for i in range(len(TYPES))])
    store = tmp_path / "cells.zarr"
    anndata.AnnData(X=np.log1p(COUNTS), obs=obs, layers={"counts": sp.csr_matrix(COUNTS)}).write_zarr(store)
    counts = readers.read_zarr(store, "cell_type", layer="counts")
    np.testing.assert_array_equal(counts.matrix.toarray(), COUNTS[[0, 1, 3]])
    assert list(counts.labels) == ["B", "T", "NK"] and counts.source == "cells.zarr (layer 'counts')"
    with pytest.raises(ValueError, match=r"cells\.zarr.*non-integer.*counts_layer"):
        readers.read_zarr(store, "cell_type")


def test_bad_zarr_store_gets_one_line_naming_it(tmp_path):
    broken = tmp_path / "broken.zarr"
    broken.mkdir()
    (broken / "X").write_text("not a zarr array")
    with pytest.raises(ValueError, match=r"broken\.zarr: not a readable AnnData \.zarr store") as raised:
        readers.read_zarr(broken)
    assert "\n" not in str(raised.value)
    with pytest.raises(FileNotFoundError, match=r"missing\.zarr: no such folder"):
        readers.read_zarr(tmp_path / "missing.zarr")


def _write_10x_h5(path, counts):
    """A minimal Cell Ranger v3 feature-barcode matrix (CSC over cells, as Cell Ranger writes it)."""
    matrix = sp.csc_matrix(counts.T.astype(np.int32))  # genes x cells
    n_genes, n_cells = matrix.shape
    with h5py.File(path, "w") as f:
        group = f.create_group("matrix")
        group["barcodes"] = np.array([f"AAAC-{i}".encode() for i in range(n_cells)])
        group["data"], group["indices"], group["indptr"] = matrix.data, matrix.indices, matrix.indptr
        group["shape"] = np.array([n_genes, n_cells])
        features = group.create_group("features")
        features["id"] = np.array([f"ENSG{i}".encode() for i in range(n_genes)])
        features["name"] = np.array([f"GENE{i}".encode() for i in range(n_genes)])
        features["feature_type"] = np.array([b"Gene Expression"] * n_genes)
        features["genome"] = np.array([b"GRCh38"] * n_genes)
    return path


def test_10x_h5_with_labels_from_a_csv(tmp_path):
    path = _write_10x_h5(tmp_path / "filtered_feature_bc_matrix.h5", COUNTS)
    pd.DataFrame({"type": TYPES}, index=[f"AAAC-{i}" for i in range(4)]).to_csv(tmp_path / "labels.csv")
    counts = readers.read_10x_h5(path, tmp_path / "labels.csv", "type")
    np.testing.assert_array_equal(counts.matrix.toarray(), COUNTS[[0, 1, 3]])
    assert list(counts.labels) == ["B", "T", "NK"]
    assert readers.read_10x_h5(path).labels is None
    with pytest.raises(ValueError, match=r"labels\.csv: no label column 'cell_type'; columns are: type"):
        readers.read_10x_h5(path, tmp_path / "labels.csv", "cell_type")


def _write_mixology(folder, name="mine"):
    genes_by_cells = pd.DataFrame(COUNTS.T.astype(int), index=[f"ENSG{i}" for i in range(4)],
                                  columns=["A1", "A2", "A3", "A4"])
    with gzip.open(folder / f"{name}.count.csv.gz", "wt") as stream:
        genes_by_cells.to_csv(stream)
    metadata = pd.DataFrame({"cell_line_demuxlet": ["H1975", "H2228", "H2228", None]}, index=["A1", "A2", "A3", "A4"])
    with gzip.open(folder / f"{name}.metadata.csv.gz", "wt") as stream:
        metadata.to_csv(stream)
    return folder / f"{name}.count.csv.gz"


def test_mixology_layout_drops_unlabelled_and_empty_cells(tmp_path):
    counts = readers.read_mixology_csv(_write_mixology(tmp_path))
    np.testing.assert_array_equal(counts.matrix.toarray(), COUNTS[[0, 1]])  # A3 is empty, A4 unlabelled
    assert list(counts.labels) == ["H1975", "H2228"]
    with pytest.raises(ValueError, match=r"mine\.metadata\.csv\.gz: no label column 'cell_line'"):
        readers.read_mixology_csv(tmp_path / "mine.count.csv.gz", "cell_line")


def test_mixology_layout_needs_both_files(tmp_path):
    path = _write_mixology(tmp_path)
    (tmp_path / "mine.metadata.csv.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"mine\.metadata\.csv\.gz: no such file"):
        readers.read_mixology_csv(path)
    with pytest.raises(ValueError, match="expected a file named <name>.count.csv"):
        readers.read_mixology_csv(tmp_path / "counts.tsv")


def test_real_mixology_files_hold_five_cell_lines(single_cell_mirror):
    from benchmarks.data import fetch
    from benchmarks.tasks.single_cell import SC_MIXOLOGY

    folder = fetch(SC_MIXOLOGY)
    counts = readers.read_mixology_csv(folder / "sc_celseq2_5cl_p1.count.csv.gz")
    assert counts.matrix.shape[1] > 10_000 and 250 < counts.matrix.shape[0] < 300
    assert sorted(set(counts.labels)) == ["A549", "H1975", "H2228", "H838", "HCC827"]


def test_h5ad_cells_without_a_label_are_dropped(tmp_path):
    obs = pd.DataFrame({"cell_type": ["B", None, "T", "NK"]}, index=["c0", "c1", "c2", "c3"])
    path = tmp_path / "partly.h5ad"
    anndata.AnnData(X=sp.csr_matrix(COUNTS[[0, 1, 3, 3]]), obs=obs).write_h5ad(path)
    counts = readers.read_h5ad(path, "cell_type")
    assert list(counts.cell_ids) == ["c0", "c2", "c3"] and list(counts.labels) == ["B", "T", "NK"]
