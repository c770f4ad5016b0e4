"""Finding tasks in tasks/, entry points and extra folders; clear errors for wrong names."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from benchmarks.contract.names import UnknownName
from benchmarks.contract.registry import discover


def test_tasks_on_the_path_are_found(toy_tasks):
    registry = discover()
    assert "toy" in registry.names()
    assert {m.name for m in registry.get("toy").methods} == {"zero", "mean", "median", "broken"}


def test_a_broken_task_does_not_hide_the_others(tmp_path, monkeypatch, toy_tasks):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "__init__.py").write_text("import not_a_module_anywhere\n")
    monkeypatch.setenv("BENCHMARKS_TASKS_PATH", f"{toy_tasks}:{tmp_path}")
    registry = discover()
    assert "toy" in registry.names()
    assert "not_a_module_anywhere" in registry.broken[str(tmp_path / "bad")]


def test_a_task_folder_without_task_is_reported_not_skipped(tmp_path, monkeypatch, toy_tasks):
    (tmp_path / "calcium").mkdir()
    (tmp_path / "calcium" / "__init__.py").write_text('"""forgot TASK"""\n')
    (tmp_path / "_shared").mkdir()
    (tmp_path / "_shared" / "__init__.py").write_text('"""code tasks share: no TASK, and that is fine"""\n')
    monkeypatch.setenv("BENCHMARKS_TASKS_PATH", f"{toy_tasks}:{tmp_path}")
    registry = discover()
    assert "defines no TASK" in registry.broken[str(tmp_path / "calcium")]
    assert not [origin for origin in registry.broken if "_shared" in origin]


def test_entry_points_register_tasks_of_other_packages(tmp_path, monkeypatch):
    package = tmp_path / "coop_task"
    package.mkdir()
    for module in (Path(__file__).parent / "fixtures" / "tasks" / "toy").glob("*.py"):
        text = module.read_text().replace("toy.", "coop_task.").replace('name="toy"', 'name="cooperation"')
        (package / module.name).write_text(text)
    dist = tmp_path / "coop_task-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: coop-task\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(textwrap.dedent("""
        [benchmarks.tasks]
        cooperation = coop_task
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = discover()
    assert "cooperation" in registry.names(), registry.broken
    assert registry.origins["cooperation"].startswith("entry point")
    sys.modules.pop("coop_task", None)


def test_unknown_task_lists_known_names_and_the_closest(toy_tasks):
    with pytest.raises(UnknownName) as error:
        discover().get("tyo")
    assert "Did you mean 'toy'?" in str(error.value)
    assert "toy" in str(error.value).split("Known:")[1]
