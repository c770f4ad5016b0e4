"""Loading the task's data: synthetic Splat counts, scanpy's PBMC set, sc_mixology, or a user file, each
reduced to the 50-D PCA space that the metrics use as the high-dimensional reference."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from benchmarks.tasks.single_cell import preprocess, readers

if TYPE_CHECKING:
    from benchmarks.context import RunContext

N_PCS = 50
#: from this many synthetic cells (ten blocks of the simulator) the simulation reports its progress
PROGRESS_FROM = 100_000


@dataclass(frozen=True)
class SingleCellData:
    """One data set in the reference space.

    ``pcs``: (n_cells, <= 50) float32 principal components (read-only); ``labels``: (n_cells,) int codes
    into ``label_names``, or None for unlabelled data; ``source``: where it came from, in words;
    ``info``: JSON-able facts for the record (genes used, label column, ...).
    """

    pcs: np.ndarray
    labels: np.ndarray | None
    label_names: tuple[str, ...]
    source: str
    info: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n_cells(self) -> int:
        return len(self.pcs)


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.setflags(write=False)  # methods share one loaded copy and must not modify it
    return array


def from_labels(pcs: np.ndarray, labels: np.ndarray | None, source: str, **info: Any) -> SingleCellData:
    """Build :class:`SingleCellData` from PCs (n, d) and string (or any) labels (n,) or None."""
    if labels is None:
        return SingleCellData(_frozen(pcs.astype(np.float32)), None, (), source, dict(info))
    names, codes = np.unique(np.asarray(labels).astype(str), return_inverse=True)
    return SingleCellData(_frozen(pcs.astype(np.float32)), _frozen(codes.astype(np.int64)),
                          tuple(map(str, names)), source, dict(info))


def load_pbmc68k(label_column: str | None = None) -> SingleCellData:
    """scanpy's ``pbmc68k_reduced``: 700 PBMCs, 765 highly variable genes, 10 ``bulk_labels`` types.

    Its ``.X`` is z-scored per gene and it holds no raw counts; ``.raw.X`` holds the log-normalised
    expression of the same (already selected) genes, which is what the paper's pipeline has just before
    PCA, so we take ``.raw.X`` and only compute the 50 PCs (not its stored ``X_pca``, made from scaled data).
    """
    import scanpy as sc

    adata = sc.datasets.pbmc68k_reduced()
    column = label_column or "bulk_labels"
    labels = readers.labels_from(adata.obs, column, "scanpy.datasets.pbmc68k_reduced")
    expression = adata.raw.X.toarray() if hasattr(adata.raw.X, "toarray") else np.asarray(adata.raw.X)
    pcs = preprocess.pca_dense(expression.astype(np.float64), N_PCS)
    return from_labels(pcs, labels, "scanpy pbmc68k_reduced (700 PBMCs, log-normalised .raw.X)",
                       label_column=column, n_genes=int(expression.shape[1]))


def from_counts(counts: readers.Counts, n_genes: int, **info: Any) -> SingleCellData:
    """Preprocess raw counts (paper's pipeline) to :class:`SingleCellData`."""
    pcs = preprocess.preprocess_counts(counts.matrix, n_genes=n_genes, n_components=N_PCS)
    return from_labels(pcs, counts.labels, counts.source, n_genes_selected=n_genes, **info)


def load_mixology(experiment: str, n_genes: int, label_column: str | None = None) -> SingleCellData:
    """A cell-line mixture of Tian et al. 2019 (fetched through the mirror or the pinned URL)."""
    from benchmarks.data import fetch
    from benchmarks.tasks.single_cell import SC_MIXOLOGY

    folder = fetch(SC_MIXOLOGY)
    column = label_column or "cell_line_demuxlet"
    counts = readers.read_mixology_csv(folder / f"{experiment}.count.csv.gz", column)
    return from_counts(counts, n_genes, label_column=column, experiment=experiment)


def load_synthetic(n_cells: int, seed: int, n_genes: int = 1_000, track: Callable[..., Any] | None = None
                   ) -> SingleCellData:
    """Splat-like counts (16 types in 4 families, some rare), preprocessed like real counts.

    ``track(iterable, description, total=None)`` (e.g. ``ctx.track``) reports the simulation's progress."""
    from benchmarks.tasks.single_cell.splat import SplatParams, simulate

    params = SplatParams()
    simulated = simulate(n_cells, seed, params, track=track)
    counts = readers.Counts(simulated.counts, np.asarray(simulated.type_names)[simulated.labels],
                            np.arange(n_cells).astype(str), f"Splat-like synthetic counts, {n_cells:,} cells")
    return from_counts(counts, n_genes, n_cells=n_cells, n_types=params.n_types)


def load_user_file(path: Path | str, options: Mapping[str, Any]) -> SingleCellData:
    """A user's AnnData ``.h5ad`` file or ``.zarr`` store, 10x ``.h5`` or ``<name>.count.csv[.gz]`` (sc_mixology
    layout) file.

    ``options``: the task's checked options (``label_column``, ``counts_layer``, ``labels_csv``, ``n_genes``)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder (option data_path)")
    label_column = options["label_column"]
    name = path.name.lower()
    if name.endswith(".h5ad"):
        counts = readers.read_h5ad(path, label_column, options["counts_layer"])
    elif name.endswith(".zarr"):
        counts = readers.read_zarr(path, label_column, options["counts_layer"])
    elif name.endswith(".h5"):
        counts = readers.read_10x_h5(path, options["labels_csv"], label_column)
    elif ".count.csv" in name:
        counts = readers.read_mixology_csv(path, label_column or "cell_line_demuxlet")
    else:
        raise ValueError(f"{path}: unsupported format; expected an AnnData .h5ad or .zarr, a 10x Genomics .h5 or a "
                         "<name>.count.csv[.gz] with <name>.metadata.csv[.gz] beside it")
    return from_counts(counts, options["n_genes"], label_column=label_column, path=str(path))


def load(size: str, seed: int, ctx: RunContext) -> SingleCellData:
    """The task's ``load``: the user's file (option ``data_path``), or the option ``source``, where ``auto``
    is the size's (``ctx.budget.auto_source``); synthetic data have ``ctx.budget.n_cells`` cells simulated
    from ``seed``."""
    options = ctx.options
    if options["data_path"] is not None:
        return load_user_file(options["data_path"], options)
    source = ctx.budget.auto_source if options["source"] == "auto" else options["source"]
    if source == "pbmc68k":
        return load_pbmc68k(options["label_column"])
    if source == "mixology":
        return load_mixology(options["mixology_experiment"], options["n_genes"], options["label_column"])
    n_cells = ctx.budget.n_cells
    return load_synthetic(n_cells, seed, options["n_genes"], track=ctx.track if n_cells >= PROGRESS_FROM else None)


def method_input(data: SingleCellData) -> SingleCellData:
    """What a method receives: the same PCs (shared, read-only) without the cell-type labels that KNC scores
    against, their names, or the number of simulated types (a map must find the types, not be told them)."""
    info = {key: value for key, value in data.info.items() if key != "n_types"}
    return replace(data, labels=None, label_names=(), info=info)


def test_targets(data: SingleCellData) -> dict[str, np.ndarray]:
    """The cell-type codes (n_cells,) that KNC scores against; none for unlabelled data."""
    return {} if data.labels is None else {"labels": data.labels}
