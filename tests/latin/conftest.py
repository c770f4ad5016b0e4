"""The Latin Library mirror for the latin tests: $BENCHMARKS_MIRROR, else ../shared/data beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def mirror_root() -> Path:
    return Path(os.environ.get("BENCHMARKS_MIRROR") or ROOT.parent / "shared" / "data")


@pytest.fixture(scope="module")
def latin_env(tmp_path_factory):
    """Point fetch at the mirror and a fresh cache (module-wide); skip when the mirror lacks the texts."""
    root = mirror_root()
    if not (root / "latin").is_dir():
        pytest.skip(f"no Latin Library mirror at {root}/latin (set BENCHMARKS_MIRROR)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BENCHMARKS_MIRROR", str(root))
        patch.setenv("BENCHMARKS_DATA", str(tmp_path_factory.mktemp("latin-data")))
        yield root
