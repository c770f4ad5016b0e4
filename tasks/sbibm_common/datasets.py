"""The benchmark's reference files as declared datasets (light imports: no numpy, no pandas)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.data import Dataset, read_registry

#: sbi-benchmark/sbibm commit holding the reference files (same files as the 1.1.0 wheel).
SBIBM_COMMIT = "1a45fa72f7550e6948ba4e46fafd6d9bca085009"
N_OBSERVATIONS = 10
CITATION = "Lueckmann, Boelts, Greenberg, Goncalves & Macke (2021). Benchmarking Simulation-Based Inference. AISTATS."


def sbibm_dataset(task: str) -> Dataset:
    """The reference files of one benchmark task (registry in ``tasks/<task>/files/registry.txt``)."""
    registry = Path(__file__).resolve().parents[1] / task / "files" / "registry.txt"
    return Dataset(
        name=f"sbibm_{task}",
        mirror=f"sbibm/{task}",
        base_url=f"https://raw.githubusercontent.com/sbi-benchmark/sbibm/{SBIBM_COMMIT}/sbibm/tasks/{task}/files/",
        files=read_registry(registry),
        licence="MIT (sbibm)",
        citation=CITATION,
        description=f"{task}: 10 observations, true parameters and 10,000 reference posterior samples each",
    )
