"""Readers for the single-cell formats users have: AnnData ``.h5ad`` and ``.zarr``, 10x Genomics ``.h5`` and the
count/metadata CSV pair of sc_mixology (Tian et al. 2019). Each returns raw counts (cells x genes) and, when
known, a label per cell; a file that cannot serve gets a ``ValueError`` naming the file and the problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp


@dataclass(frozen=True)
class Counts:
    """Raw counts ``matrix`` (n_cells, n_genes) CSR float32, ``labels`` (n_cells,) strings or None,
    ``cell_ids`` (n_cells,) and a one-line ``source`` description."""

    matrix: sp.csr_matrix
    labels: np.ndarray | None
    cell_ids: np.ndarray
    source: str


def check_counts(matrix: sp.spmatrix | np.ndarray, path: Path | str, what: str = "the count matrix",
                 hint: str = "") -> sp.csr_matrix:
    """``matrix`` as CSR float32 after checking it holds counts: finite, non-negative, integer, not all zero.

    Raises ``ValueError`` naming ``path`` and ending with ``hint`` otherwise (a log-normalised or scaled
    matrix fails here)."""
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    values = matrix.data
    problem = None
    if values.size == 0:
        problem = "is empty (no non-zero entries)"
    elif not np.all(np.isfinite(values)):
        problem = "has NaN or infinite values"
    elif np.any(values < 0):
        problem = f"has negative values (min {values.min():g}), as scaled data have"
    elif not np.array_equal(values, np.round(values)):
        problem = (f"has non-integer values (e.g. {values[values != np.round(values)][0]:g}), "
                   "as normalised or log-transformed data have")
    if problem:
        raise ValueError(f"{path}: {what} {problem}; raw counts expected{hint}")
    return matrix


def _without_empty_cells(matrix: sp.csr_matrix, labels: np.ndarray | None, cell_ids: np.ndarray,
                         source: str) -> Counts:
    # cells without any count carry no information and break library-size normalisation; cells without a
    # label cannot be scored by KNC and are dropped as well
    keep = np.diff(matrix.indptr) > 0
    if labels is not None:
        keep &= ~pd.isna(np.asarray(labels, dtype=object))
    labels = None if labels is None else np.asarray(labels, dtype=object)[keep].astype(str)
    return Counts(matrix[keep], labels, np.asarray(cell_ids)[keep], source)


def labels_from(frame: pd.DataFrame, column: str, path: Path | str) -> np.ndarray:
    """The values of ``frame[column]`` (n_rows,); ``ValueError`` naming ``path`` and the known columns if absent."""
    if column not in frame.columns:
        known = ", ".join(map(str, frame.columns)) or "(none)"
        raise ValueError(f"{path}: no label column {column!r}; columns are: {known}")
    return frame[column].to_numpy()


def read_h5ad(path: Path | str, label_column: str | None = None, layer: str | None = None) -> Counts:
    """Counts from ``.X`` (or ``.layers[layer]``) of an AnnData file, labels from ``.obs[label_column]``."""
    return _read_anndata(Path(path), "h5ad", label_column, layer)


def read_zarr(path: Path | str, label_column: str | None = None, layer: str | None = None) -> Counts:
    """Counts and labels of an AnnData ``.zarr`` store (a folder), read like :func:`read_h5ad`."""
    return _read_anndata(Path(path), "zarr", label_column, layer)


def _read_anndata(path: Path, kind: str, label_column: str | None, layer: str | None) -> Counts:
    import anndata

    if kind == "zarr" and not path.is_dir():
        raise FileNotFoundError(f"{path}: no such folder (an AnnData .zarr store is a folder)")
    if kind == "h5ad" and not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        adata = anndata.read_zarr(path) if kind == "zarr" else anndata.read_h5ad(path)
    except Exception as error:  # h5py, zarr and anndata raise many types for a broken file
        what = "store" if kind == "zarr" else "file"
        raise ValueError(f"{path}: not a readable AnnData .{kind} {what} ({_first_line(error)})") from None
    return counts_from_anndata(adata, path, label_column, layer)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def counts_from_anndata(adata, path: Path, label_column: str | None, layer: str | None) -> Counts:
    """Counts from ``.X`` (or ``.layers[layer]``) of an AnnData object read from ``path``, labels from
    ``.obs[label_column]``; ``ValueError`` naming ``path`` when they are missing or are not counts."""
    if layer is not None:
        if layer not in adata.layers:
            known = ", ".join(adata.layers.keys()) or "(none)"
            raise ValueError(f"{path}: no layer {layer!r}; layers are: {known}")
        source, what = adata.layers[layer], f"layer {layer!r}"
    else:
        source, what = adata.X, ".X"
    if source is None:
        raise ValueError(f"{path}: {what} is empty; give the layer that holds raw counts")
    hint = "" if layer is not None else " (if they are in a layer, name it with the counts_layer option)"
    matrix = check_counts(source, path, what, hint)
    labels = labels_from(adata.obs, label_column, path) if label_column else None
    return _without_empty_cells(matrix, labels, adata.obs_names, f"{path.name} ({what})")


def read_10x_h5(path: Path | str, labels_csv: Path | str | None = None, label_column: str | None = None) -> Counts:
    """Counts from a 10x Genomics feature-barcode ``.h5`` file; labels (optional) from a CSV whose first column
    is the cell barcode and which has ``label_column``."""
    import scanpy as sc

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        adata = sc.read_10x_h5(path)
    except Exception as error:
        raise ValueError(f"{path}: not a readable 10x Genomics .h5 file ({error})") from None
    matrix = check_counts(adata.X, path)
    barcodes = np.asarray(adata.obs_names)
    labels = None
    if labels_csv is not None:
        if not label_column:
            raise ValueError(f"{labels_csv}: give label_column, the column that holds the cell types")
        labels = _labels_by_cell(labels_csv, label_column, barcodes)
    return _without_empty_cells(matrix, labels, barcodes, path.name)


def _labels_by_cell(csv: Path | str, column: str, cells: np.ndarray) -> np.ndarray:
    frame = pd.read_csv(csv, index_col=0)
    values = labels_from(frame, column, csv)
    by_cell = pd.Series(values, index=frame.index.astype(str))
    missing = ~pd.Index(cells).isin(by_cell.index)
    if missing.any():
        raise ValueError(f"{csv}: {int(missing.sum())} of {len(cells)} cells have no row (e.g. {cells[missing][0]!r})")
    return by_cell.loc[cells].to_numpy().astype(str)


def mixology_metadata_path(count_csv: Path | str) -> Path:
    """The metadata file beside a ``<name>.count.csv[.gz]`` file: ``<name>.metadata.csv[.gz]``."""
    count_csv = Path(count_csv)
    if ".count.csv" not in count_csv.name:
        raise ValueError(f"{count_csv}: expected a file named <name>.count.csv or <name>.count.csv.gz")
    return count_csv.with_name(count_csv.name.replace(".count.csv", ".metadata.csv"))


def read_mixology_csv(count_csv: Path | str, label_column: str = "cell_line_demuxlet") -> Counts:
    """The sc_mixology layout: ``<name>.count.csv.gz`` genes x cells (first column gene id) and
    ``<name>.metadata.csv.gz`` cells x annotations. Cells without a label are dropped."""
    count_csv = Path(count_csv)
    metadata_csv = mixology_metadata_path(count_csv)
    for path in (count_csv, metadata_csv):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file (the sc_mixology layout needs both "
                                    f"{count_csv.name} and {metadata_csv.name})")
    try:
        genes_by_cells = pd.read_csv(count_csv, index_col=0)
    except Exception as error:
        raise ValueError(f"{count_csv}: not a readable count CSV ({error})") from None
    if genes_by_cells.shape[1] == 0 or not all(np.issubdtype(t, np.number) for t in genes_by_cells.dtypes):
        raise ValueError(f"{count_csv}: expected genes x cells numeric counts with the gene id in the first column")
    metadata = pd.read_csv(metadata_csv, index_col=0)
    labels = pd.Series(labels_from(metadata, label_column, metadata_csv), index=metadata.index.astype(str))
    cells = genes_by_cells.columns.astype(str)
    labelled = cells[cells.isin(labels.index) & cells.isin(labels.dropna().index)]
    if len(labelled) == 0:
        raise ValueError(f"{metadata_csv}: no cell of {count_csv.name} has a label in column {label_column!r}")
    matrix = check_counts(genes_by_cells[labelled].to_numpy().T, count_csv)
    return _without_empty_cells(matrix, labels.loc[labelled].to_numpy(), np.asarray(labelled), count_csv.name)
