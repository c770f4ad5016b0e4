"""Every registered task keeps the contract at smoke size, checked by ``benchmarks.check``
(the public conformance check, like scikit-learn's ``check_estimator``), one test per method."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.check import check_method, declaration_problems
from benchmarks.contract.registry import discover

REGISTRY = discover()
TASKS = REGISTRY.names()
METHODS = [(task, method.name) for task in TASKS for method in REGISTRY.tasks[task].methods]


def _per_task(*values: str) -> Any:
    """One worker loads a task's smoke data once and runs all its methods (``make test`` runs with
    ``--dist loadgroup``): tasks run side by side, not one file on one worker."""
    return pytest.param(*values, marks=pytest.mark.xdist_group(f"contract-{values[0]}"))


def test_no_task_failed_to_load():
    assert not REGISTRY.broken, "\n\n".join(REGISTRY.broken.values())


@pytest.mark.parametrize("name", TASKS)
def test_declaration(name):
    assert declaration_problems(REGISTRY.get(name)) == []


@pytest.mark.parametrize("name", [_per_task(name) for name in TASKS])
def test_load_is_deterministic_in_the_seed(name, smoke_data):
    loaded, problems = smoke_data(name)
    assert problems == [] and loaded is not None


@pytest.mark.parametrize("name, method", [_per_task(*pair) for pair in METHODS])
def test_method_at_smoke_size(name, method, smoke_data):
    loaded, _ = smoke_data(name)
    if loaded is None:
        pytest.fail(f"{name}: load failed, see test_load_is_deterministic_in_the_seed")
    check = check_method(REGISTRY.get(name), method, loaded)
    print(f"{name}/{method}: {check.seconds:.1f} s")  # the smoke cell's time, shown with -s or on failure
    assert check.problems == []


def size_name_branches(source: str) -> list[int]:
    """Lines that compare a variable named ``size`` (``if size == "smoke"``, ``size in SYNTHETIC``): behaviour
    chosen by a size's name instead of a field of its budget."""
    import ast

    def names_a_size(node: ast.Compare) -> bool:
        sides = [node.left, *node.comparators]
        if not any(isinstance(side, ast.Name) and side.id == "size" for side in sides):
            return False  # a size that is a number (a chunk's size) is no size name
        words = [side for side in sides if isinstance(side, ast.Constant) and isinstance(side.value, str)]
        return bool(words) or any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)

    return [node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Compare) and names_a_size(node)]


def test_no_task_branches_on_a_sizes_name():
    from pathlib import Path

    assert size_name_branches("def load(size, seed, ctx):\n    if size == 'smoke':\n        pass\n") == [2]
    assert size_name_branches("def load(size, seed, ctx):\n    return size in SYNTHETIC\n") == [2]
    assert size_name_branches("def load(size, seed, ctx):\n    return BUDGETS[size].works\n") == []
    assert size_name_branches("def chunk(size):\n    return size == 1\n") == []
    folder = Path(__file__).resolve().parents[1] / "tasks"
    found = {str(path.relative_to(folder)): lines for path in sorted(folder.rglob("*.py"))
             if (lines := size_name_branches(path.read_text(encoding="utf-8")))}
    assert found == {}, f"branches on a size's name (read a budget field instead): {found}"
