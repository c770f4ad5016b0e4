"""Where a result came from: code, packages, machine. Computed once per run, stored in every record."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

#: Packages whose versions change results; a task's own extra packages can be added by the runner.
TRACKED_PACKAGES = (
    "science-benchmarks", "numpy", "scipy", "pandas", "scikit-learn", "torch", "torchvision", "sbi",
    "scanpy", "anndata", "openTSNE", "umap-learn", "numba", "matplotlib", "pooch",
)


def package_versions(names: tuple[str, ...] = TRACKED_PACKAGES) -> dict[str, str | None]:
    """Installed versions of ``names`` (None for a package that is missing)."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_state(folder: Path) -> dict[str, Any]:
    """Commit and dirty flag of the checkout holding ``folder``; None where it is no git checkout."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=folder, capture_output=True, text=True, timeout=30, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def cpu_model() -> str:
    """The CPU's model name, from /proc/cpuinfo or platform."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def gpu_name(device: str) -> str | None:
    """The GPU's name for a CUDA device, None for the CPU."""
    if not device.startswith("cuda"):
        return None
    import torch

    return torch.cuda.get_device_name(torch.device(device))


def collect(device: str) -> dict[str, Any]:
    """The provenance block of a run record (without the per-cell task version and data hash)."""
    import benchmarks

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "packages": package_versions(),
        "git": git_state(Path(benchmarks.__file__).resolve().parent.parent),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_cores": cores,
        "gpu": gpu_name(device),
        "hostname": platform.node(),
    }
