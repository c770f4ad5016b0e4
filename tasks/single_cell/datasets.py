"""The downloadable data set of the task (declared here, light to import: no numpy)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.data import Dataset, read_registry

_COMMIT = "7d00ffb0bd043467f365a9358d7312f294f13c9f"

#: Tian et al. 2019 cell-line mixtures (CEL-seq2): each cell's type (its cell line) is known from SNPs (demuxlet).
#: The mirror keeps the files in ``single_cell/sc_mixology/``; upstream they are in ``data/csv/`` of the repository.
SC_MIXOLOGY = Dataset(
    name="sc_mixology",
    mirror="single_cell/sc_mixology",
    base_url=f"https://raw.githubusercontent.com/LuyiTian/sc_mixology/{_COMMIT}/data/csv/",
    files=read_registry(Path(__file__).with_name("files") / "sc_mixology.txt"),
    licence="MIT (LuyiTian/sc_mixology)",
    citation=(
        "Tian L, Dong X, Freytag S, et al. Benchmarking single cell RNA-sequencing analysis pipelines using "
        "mixture control experiments. Nature Methods 16:479-487 (2019). GEO GSE118767."
    ),
    description="CEL-seq2 UMI counts of lung-cancer cell lines: 3 lines (274 cells) and 5 lines (plate 1, ~300 cells)",
)
