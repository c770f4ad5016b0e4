"""Fixtures of the pose tests: the real open-field project through fetch, and small synthetic projects."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A fresh data cache, with the shared mirror when there is one."""
    mirror = Path(os.environ.get("BENCHMARKS_MIRROR") or ROOT.parent / "shared" / "data")
    monkeypatch.setenv("BENCHMARKS_MIRROR", str(mirror))
    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path / "cache"))
    return mirror


@pytest.fixture
def openfield(data_env: Path) -> Path:
    """The open-field project folder, fetched from the mirror (skips without one)."""
    from benchmarks.data import DataUnavailable, fetch
    from benchmarks.tasks.pose import OPENFIELD, OPENFIELD_PROJECT

    if not (data_env / "pose").is_dir():
        pytest.skip(f"no pose mirror at {data_env}/pose")
    try:
        return fetch(OPENFIELD) / OPENFIELD_PROJECT
    except DataUnavailable as error:
        pytest.skip(str(error))
