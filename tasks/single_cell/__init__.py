"""t-SNE of single-cell transcriptomes, scored by the neighbours it preserves (Kobak & Berens 2019).

Light to import: everything heavy (scanpy, openTSNE, umap) is named by ``"module:function"`` strings.
"""

from pathlib import Path

from benchmarks.task import Direction, Method, MethodKind, Metric, Option, Task
from tasks.single_cell.datasets import SC_MIXOLOGY

_M = "tasks.single_cell"

TASK = Task(
    name="single_cell",
    summary="Can cells of the same type be found from their gene-expression profiles in a 2-D map?",
    citation=(
        "Kobak D, Berens P. The art of using t-SNE for single-cell transcriptomics. "
        "Nature Communications 10:5416 (2019)."
    ),
    version=1,
    metrics=(
        Metric("knn", Direction.HIGHER, "fraction",
               "share of each cell's 10 nearest neighbours in 50-D PCA space kept among its 10 nearest in 2-D"),
        Metric("knc", Direction.HIGHER, "fraction",
               "share of each cell type's nearest type means (50-D) kept in 2-D"),
        Metric("cpd", Direction.HIGHER, "Spearman rho",
               "rank correlation of pairwise distances (50-D vs 2-D) among 1,000 random cells"),
        Metric("trustworthiness", Direction.HIGHER, "fraction",
               "Venna & Kaski trustworthiness with 15 neighbours (scikit-learn), on up to 5,000 cells"),
    ),
    sizes={
        "smoke": "2,000 synthetic Splat-like cells (16 types), seconds",
        "default": "scanpy's pbmc68k_reduced: 700 real PBMCs, 10 labelled types, no download",
        "full": "100,000 synthetic cells (set n_cells up to 1,000,000); the paper's large-data recipe above 50,000",
    },
    methods=(
        Method("pca", MethodKind.CONTROL, f"{_M}.methods:control_pca", "PC1 and PC2 of the 50-D PCA space"),
        Method("scanpy_tsne", MethodKind.BASELINE, f"{_M}.methods:baseline_scanpy_tsne",
               "sc.tl.tsne defaults: scikit-learn Barnes-Hut, perplexity 30, learning rate 1000"),
        Method("opentsne_kb", MethodKind.MODEL, f"{_M}.methods:model_opentsne",
               "openTSNE (FFT) with the paper's recipe: perplexity 30 + n/100, PCA init, learning rate n/12"),
        Method("umap", MethodKind.BASELINE, f"{_M}.methods:umap_default",
               "umap-learn defaults (15 neighbours, min_dist 0.1)"),
    ),
    load=f"{_M}.data:load",
    evaluate=f"{_M}.evaluate:evaluate",
    figure=f"{_M}.figure:figure",
    options=(
        Option("source", str, "auto",
               "auto | pbmc68k | mixology | synthetic (auto: synthetic for smoke and full, pbmc68k for default)"),
        Option("data_path", Path, None,
               "your data: an AnnData .h5ad, a 10x Genomics .h5, or <name>.count.csv[.gz] (sc_mixology layout)"),
        Option("label_column", str, None,
               "cell-type column (.obs of an .h5ad, the labels CSV of a 10x .h5, the metadata CSV of sc_mixology)"),
        Option("counts_layer", str, None, "AnnData layer holding raw counts (default: .X)"),
        Option("labels_csv", Path, None,
               "for a 10x .h5: CSV with cell barcodes in the first column and label_column"),
        Option("n_cells", int, None, "number of synthetic cells (default: 2,000 smoke, 20,000 default, 100,000 full)"),
        Option("n_genes", int, 1000,
               "genes kept by the paper's gene selection before PCA (count data; pbmc68k has its 765 genes)"),
        Option("mixology_experiment", str, "sc_celseq2_5cl_p1",
               "sc_mixology data set: sc_celseq2_5cl_p1 (5 cell lines) or sc_celseq2 (3 cell lines)"),
        Option("n_jobs", int, 1, "threads for t-SNE (baseline and model alike); UMAP runs single-threaded"),
        Option("large_n", int, 50_000, "above this many cells the model uses the paper's downsample-then-place recipe"),
        Option("late_exaggeration", float, None,
               "exaggeration after the early phase in the large-data recipe (default: 4 from 1,000,000 cells, else 1)"),
    ),
    datasets=(SC_MIXOLOGY,),
)
