"""t-SNE of single-cell transcriptomes, scored by the neighbours it preserves (Kobak & Berens 2019).

Light to import: everything heavy (scanpy, openTSNE, umap) is named by ``"module:function"`` strings.
"""

from pathlib import Path

from benchmarks.data import Dataset, read_registry
from benchmarks.task import Checklist, Direction, Method, MethodKind, Metric, Option, Output, Param, Shows, Task, Topline
from benchmarks.tasks.single_cell.sizes import BUDGETS, DESCRIPTIONS

_M = "benchmarks.tasks.single_cell"
_MIXOLOGY_COMMIT = "7d00ffb0bd043467f365a9358d7312f294f13c9f"

#: Tian et al. 2019 cell-line mixtures (CEL-seq2): each cell's type (its cell line) is known from SNPs (demuxlet).
#: The mirror keeps the files in ``single_cell/sc_mixology/``; upstream they are in ``data/csv/`` of the repository.
SC_MIXOLOGY = Dataset(
    name="sc_mixology",
    mirror="single_cell/sc_mixology",
    base_url=f"https://raw.githubusercontent.com/LuyiTian/sc_mixology/{_MIXOLOGY_COMMIT}/data/csv/",
    files=read_registry(Path(__file__).with_name("files") / "sc_mixology.txt"),
    licence="MIT (LuyiTian/sc_mixology)",
    citation=(
        "Tian L, Dong X, Freytag S, et al. Benchmarking single cell RNA-sequencing analysis pipelines using "
        "mixture control experiments. Nature Methods 16:479-487 (2019). GEO GSE118767."
    ),
    description="CEL-seq2 UMI counts of lung-cancer cell lines: 3 lines (274 cells) and 5 lines (plate 1, ~300 cells)",
)

#: both t-SNEs take it; a parameter, not the cell's share of cores: openTSNE's layout changes with its thread count
N_JOBS = Param("n_jobs", int, 1, "threads for t-SNE (UMAP runs single-threaded)", minimum=1)


def dataset_id(size, options):
    """pbmc68k_reduced, sc_mixology/<experiment> or synthetic_splat; None for a user's file (user:<hash>)."""
    source = BUDGETS[size].auto_source if options["source"] == "auto" else options["source"]
    named = {"pbmc68k": "pbmc68k_reduced", "mixology": f"sc_mixology/{options['mixology_experiment']}"}
    return None if options["data_path"] else named.get(source, "synthetic_splat")


TASK = Task(
    name="single_cell",
    dataset_id=dataset_id,
    summary="Can cells of the same type be found from their gene-expression profiles in a 2-D map?",
    citation=(
        "Kobak D, Berens P. The art of using t-SNE for single-cell transcriptomics. "
        "Nature Communications 10:5416 (2019)."
    ),
    version=2,
    metrics=(
        Metric("knn", Direction.HIGHER, "fraction",
               "share of each cell's 10 nearest neighbours in 50-D PCA space kept among its 10 nearest in 2-D", ideal=1.0),
        Metric("knc", Direction.HIGHER, "fraction",
               "share of each cell type's nearest type means (50-D) kept in 2-D"),
        Metric("cpd", Direction.HIGHER, "Spearman rho",
               "rank correlation of pairwise distances (50-D vs 2-D) among 1,000 random cells; Open Problems' "
               "distance_correlation on the 50 PCs"),
        # Open Problems dimensionality reduction (v2 coranking component, R coRanking; Lee & Verleysen 2009),
        # all from one co-ranking of up to 5,000 cells
        Metric("trustworthiness", Direction.HIGHER, "fraction",
               "Venna & Kaski 2001 trustworthiness, k = 15 (Open Problems v1; scikit-learn's value)"),
        Metric("trustworthiness_k30", Direction.HIGHER, "fraction",
               "trustworthiness at k = 30 (Open Problems trustworthiness_at_k30): 2-D neighbours that are far in 50-D"),
        Metric("continuity_k30", Direction.HIGHER, "fraction",
               "continuity at k = 30 (Venna & Kaski 2001; Open Problems continuity_at_k30): 50-D neighbours "
               "torn apart"),
        Metric("qnx_k30", Direction.HIGHER, "fraction",
               "Q_NX(30), Lee & Verleysen 2009 (Open Problems qnx_at_k30): share of 30 nearest kept"),
        Metric("lcmc_k30", Direction.HIGHER, "fraction",
               "LCMC(30) = Q_NX(30) - 30/(n-1), Chen & Buja 2009 (Open Problems lcmc_at_k30)"),
        Metric("qnx_auc", Direction.HIGHER, "fraction",
               "mean Q_NX(k) over k = 1..n-1 (Open Problems qnx_auc), n = up to 5,000 cells"),
        Metric("qlocal", Direction.HIGHER, "fraction",
               "mean Q_NX(k) for k up to the LCMC peak K_max (Lee & Verleysen 2009; Open Problems qlocal)"),
        Metric("qglobal", Direction.HIGHER, "fraction",
               "mean Q_NX(k) for K_max < k < n (Lee & Verleysen 2009; Open Problems qglobal)"),
        Metric("density_preservation", Direction.HIGHER, "Pearson r",
               "correlation of log local radii, 50-D vs 2-D (densMAP's R_i, k = 30; Narayan et al. 2021; "
               "Open Problems density_preservation)"),
    ),
    sizes=DESCRIPTIONS,
    budgets=BUDGETS,
    methods=(
        Method("pca", MethodKind.CONTROL, f"{_M}.methods:control_pca", "PC1 and PC2 of the 50-D PCA space"),
        Method("scanpy_tsne", MethodKind.BASELINE, f"{_M}.methods:baseline_scanpy_tsne",
               "sc.tl.tsne defaults: scikit-learn Barnes-Hut, perplexity 30, learning rate 1000",
               params=(N_JOBS,)),
        Method("opentsne_kb", MethodKind.MODEL, f"{_M}.methods:model_opentsne",
               "openTSNE (FFT) with the paper's recipe: perplexity 30 + n/100, PCA init, learning rate n/12",
               params=(
                   N_JOBS,
                   Param("large_n", int, 50_000,
                         "above this many cells, the paper's downsample-then-place recipe", minimum=1),
                   Param("late_exaggeration", float, None,
                         "exaggeration after the early phase in the large-data recipe (default: 4 from 1,000,000 "
                         "cells, else 1)", minimum=0, exclusive_minimum=True),
               )),
        Method("umap", MethodKind.BASELINE, f"{_M}.methods:umap_default",
               "umap-learn defaults (15 neighbours, min_dist 0.1)"),
        Method("densmap", MethodKind.BASELINE, f"{_M}.methods:densmap",
               "densMAP: umap-learn densmap=True, its defaults otherwise (Narayan et al. 2021; leads Open Problems)"),
    ),
    load=f"{_M}.data:load",
    method_input=f"{_M}.data:method_input",
    test_targets=f"{_M}.data:test_targets",
    output=Output("float array (n_cells, 2) of finite numbers: each cell's position in the 2-D map, in the order of "
                  "data.pcs", f"{_M}.metrics:check_embedding"),
    evaluate=f"{_M}.metrics:evaluate",
    figure=f"{_M}.figure:figure",
    options=(
        Option("source", str, "auto",
               "where the cells come from (auto: synthetic for smoke and full, pbmc68k for default)",
               choices=("auto", "pbmc68k", "mixology", "synthetic")),
        Option("data_path", Path, None,
               "your data: an AnnData .h5ad or .zarr store, a 10x Genomics .h5, or <name>.count.csv[.gz] "
               "(sc_mixology layout)"),
        Option("label_column", str, None,
               "cell-type column (.obs of an .h5ad or .zarr, the labels CSV of a 10x .h5, the metadata CSV of "
               "sc_mixology)"),
        Option("counts_layer", str, None, "AnnData layer holding raw counts (default: .X)"),
        Option("labels_csv", Path, None,
               "for a 10x .h5: CSV with cell barcodes in the first column and label_column"),
        Option("n_cells", int, None, "number of synthetic cells (the size's: 2,000 smoke, 20,000 default, "
               "100,000 full; at least 31: trustworthiness uses 15 neighbours, "
               "scanpy's t-SNE perplexity 30)", minimum=31, budget=True),
        Option("n_genes", int, 1000,
               "genes kept by the paper's gene selection before PCA (count data; pbmc68k has its 765 genes; "
               "at least 2: a 2-D map needs 2 principal components)", minimum=2),
        Option("mixology_experiment", str, "sc_celseq2_5cl_p1",
               "sc_mixology data set: sc_celseq2_5cl_p1 (5 cell lines) or sc_celseq2 (3 cell lines)",
               choices=("sc_celseq2_5cl_p1", "sc_celseq2")),
    ),
    datasets=(SC_MIXOLOGY,),
    checklist=Checklist(
        question="Can cells of the same type be found from their gene-expression profiles in a 2-D map, and does "
                 "Kobak & Berens' t-SNE recipe keep more of each cell's neighbours and of the layout of cell types "
                 "than the t-SNE and UMAP defaults most users run?",
        data="Single-cell RNA-seq expression of cells labelled with their type, reduced to 50 principal components "
             "(the reference of every metric). Default: scanpy's pbmc68k_reduced, 700 real blood cells, 765 genes, "
             "10 labelled types (no download); smoke and full simulate Splat-like counts (2,000 and 100,000 cells, "
             "up to 1,000,000), and options read Tian et al.'s cell-line mixtures or a user's own file.",
        success="KNN (primary, higher is better): the share of each cell's 10 nearest neighbours in the 50-D PCA "
                "space that are also among its 10 nearest in the 2-D map. KNC (cell-type means), CPD (rank "
                "correlation of distances) and Open Problems' co-ranking and density metrics are reported beside it.",
        baselines="scanpy's default t-SNE (what Open Problems and most users run), UMAP with its defaults, and "
                  "densMAP, the leading method of Open Problems' dimensionality-reduction task; PC1 and PC2 are the "
                  "control.",
        toplines=(
            Topline("Kobak & Berens 2019 (Nat Commun 10:5416), their recipe run with FIt-SNE: KNN 0.41, KNC 0.68, "
                    "CPD 0.51 (values printed on the paper's Fig. 2)",
                    "published", "tasic2018_visp_alm",
                    "Tasic et al. 2018 mouse cortex (Smart-seq2, 23,822 cells), 50 PCs of 3,000 genes",
                    short="Kobak & Berens' KNN 0.41, KNC 0.68 and CPD 0.51"),
            Topline("Open Problems v1 control true_features, the full log-CP10k matrix used as the 'embedding': "
                    "trustworthiness, continuity, Q_NX AUC and density preservation all 1.000 (website results, "
                    "Feb 2023 runs)",
                    "control", "openproblems/tenx_5k_pbmc",
                    "10x 5k PBMC (5,247 cells); metrics on the full log-CP10k matrix, not 50 PCs; not a 2-D map"),
        ),
    ),
    # on smoke's cells the t-SNEs keep several times more neighbours than the first two PCs
    smoke_shows=(Shows("opentsne_kb", "pca", "knn", margin=0.1), Shows("scanpy_tsne", "pca", "knn", margin=0.1)),
    headline=("knc", "cpd", "trustworthiness"),
    answer_note="Kobak & Berens' recipe claims a better global structure (KNC, CPD) at an equal KNN, which is about "
                "the same for every t-SNE",
)
