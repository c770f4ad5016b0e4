"""Shared fixtures: the toy task of tests/fixtures/tasks on the task path, fresh results folders."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURE_TASKS = Path(__file__).parent / "fixtures" / "tasks"


@pytest.fixture
def toy_tasks(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put the toy task on the registry's path (also for worker processes, through the environment)."""
    monkeypatch.setenv("BENCHMARKS_TASKS_PATH", str(FIXTURE_TASKS))
    return FIXTURE_TASKS


@pytest.fixture
def results(tmp_path: Path) -> Path:
    folder = tmp_path / "results"
    folder.mkdir()
    return folder
