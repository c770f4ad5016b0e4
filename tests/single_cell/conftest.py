"""Fixtures shared by the single_cell tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def single_cell_mirror(monkeypatch, tmp_path):
    """Point fetch at the shared data mirror (skip when this checkout has none) and at a fresh cache."""
    mirror = Path(os.environ.get("BENCHMARKS_MIRROR") or Path(__file__).resolve().parents[3] / "shared" / "data")
    if not (mirror / "single_cell").is_dir():
        pytest.skip(f"no single_cell data mirror at {mirror}")
    monkeypatch.setenv("BENCHMARKS_MIRROR", str(mirror))
    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path / "cache"))
    return mirror
