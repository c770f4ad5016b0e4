"""Shared fixtures: the toy task of tests/fixtures/tasks on the task path, fresh results folders, and every
registered task's smoke data (loaded once per session for the contract tests and the smoke-time benchmark)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

FIXTURE_TASKS = Path(__file__).parent / "fixtures" / "tasks"


def pytest_configure(config: pytest.Config) -> None:
    """Data as ``make test`` finds it, for a plain ``pytest`` too: the mirror beside the checkout (the offline
    copy of every download), and a data cache of the tests' own, never the user's (~/.cache). The cache
    folder is one per user on this machine, shared by the test workers and kept between sessions (it holds
    what is slow to make again: copied datasets, synthetic pose projects). A variable already set wins."""
    mirror = Path(__file__).resolve().parents[2] / "shared" / "data"
    if "BENCHMARKS_MIRROR" not in os.environ and mirror.is_dir():
        os.environ["BENCHMARKS_MIRROR"] = str(mirror)
    uid = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    os.environ.setdefault("BENCHMARKS_DATA", str(Path(tempfile.gettempdir()) / f"benchmarks-test-data-{uid}"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``make test`` (``--dist loadgroup``) the tests of one file share a worker, so module fixtures load
    once; a test may name a finer group (the contract tests: one per task), so that one long file does not
    keep one worker busy while the other has run out of work. Those finer groups are the long ones, so they
    are handed out first and the short files fill the end of the run."""
    named = {id(item) for item in items if item.get_closest_marker("xdist_group") is not None}
    items.sort(key=lambda item: id(item) not in named)  # stable: each file keeps its order
    for item in items:
        if id(item) not in named:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


@pytest.fixture
def toy_tasks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Put the toy task on the registry's path (also for worker processes, through the environment),
    beside an empty baselines folder: the checkout's recorded runs would add every task to reports."""
    monkeypatch.setenv("BENCHMARKS_TASKS_PATH", str(FIXTURE_TASKS))
    monkeypatch.setenv("BENCHMARKS_BASELINES", str(tmp_path / "no-baselines"))
    return FIXTURE_TASKS


@pytest.fixture
def results(tmp_path: Path) -> Path:
    folder = tmp_path / "results"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def smoke_data():
    """``get(name) -> (LoadedData | None, problems)``: a registered task's smoke data at seed 0, loaded twice
    (to check determinism) once for all its methods."""
    from benchmarks.check import check_load
    from benchmarks.contract.registry import discover

    registry, cache = discover(), {}

    def get(name):
        if name not in cache:
            cache[name] = check_load(registry.get(name))
        return cache[name]

    return get
