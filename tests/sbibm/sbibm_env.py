"""The mirror of the benchmark's reference files, for tests (skips when it is absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def mirror() -> Path:
    candidates = [os.environ.get("BENCHMARKS_MIRROR", ""), str(REPO.parent / "shared" / "data")]
    for candidate in candidates:
        if candidate and (Path(candidate) / "sbibm" / "two_moons").is_dir():
            return Path(candidate)
    pytest.skip("no mirror of the sbibm reference files (set BENCHMARKS_MIRROR)")


def use_mirror(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point fetch at the mirror and a fresh cache; returns the mirror."""
    root = mirror()
    monkeypatch.setenv("BENCHMARKS_MIRROR", str(root))
    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path / "cache"))
    return root
