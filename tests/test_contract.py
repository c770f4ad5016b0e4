"""Every registered task keeps the contract at smoke size, checked by ``benchmarks.check``
(the public conformance check, like scikit-learn's ``check_estimator``), one test per method."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.check import check_method, declaration_problems
from benchmarks.contract.registry import discover
from benchmarks.running.check import shows_problems

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


_CHECKS: dict[tuple[str, str], Any] = {}


def _checked(name: str, method: str, smoke_data) -> Any:
    """``check_method`` of one smoke cell, once per worker: the method's own test and its task's
    ``smoke_shows`` read the same run (``loadgroup`` keeps a task's tests on one worker)."""
    if (name, method) not in _CHECKS:
        loaded, _ = smoke_data(name)
        if loaded is None:
            pytest.fail(f"{name}: load failed, see test_load_is_deterministic_in_the_seed")
        _CHECKS[name, method] = check_method(REGISTRY.get(name), method, loaded)
    return _CHECKS[name, method]


@pytest.mark.parametrize("name, method", [_per_task(*pair) for pair in METHODS])
def test_method_at_smoke_size(name, method, smoke_data):
    check = _checked(name, method, smoke_data)
    print(f"{name}/{method}: {check.seconds:.1f} s")  # the smoke cell's time, shown with -s or on failure
    assert check.problems == []


@pytest.mark.parametrize("name", [_per_task(name) for name in TASKS if REGISTRY.get(name).smoke_shows])
def test_smoke_shows_what_the_task_declares(name, smoke_data):
    """A model that returned its control's answer would keep every other contract test; the comparisons each
    task declares its smoke size can show (``Task.smoke_shows``) catch it."""
    task = REGISTRY.get(name)
    methods = {method for shows in task.smoke_shows for method in (shows.better, shows.worse)}
    metrics = {method: _checked(name, method, smoke_data).metrics for method in sorted(methods)}
    print({method: {m.name: values.get(m.name) for m in task.metrics[:1]} for method, values in metrics.items()})
    assert shows_problems(task, metrics) == []


def test_every_task_but_slcp_declares_what_its_smoke_size_shows():
    """slcp's 500 smoke simulations separate no method from the prior (tests/sbibm holds NPE to it on 3,000)."""
    assert sorted(name for name in TASKS if not REGISTRY.get(name).smoke_shows) == ["slcp"]


def test_shows_problems_read_the_metrics_direction_and_margin():
    import dataclasses

    from benchmarks.task import Shows

    task = REGISTRY.get("two_moons")  # c2st: lower is better
    task = dataclasses.replace(task, smoke_shows=(Shows("npe", "prior", margin=0.05),))
    assert shows_problems(task, {"npe": {"c2st": 0.80}, "prior": {"c2st": 0.90}}) == []
    # better by 0.04 only, then worse: both named with their values
    assert "0.86 against 0.9" in shows_problems(task, {"npe": {"c2st": 0.86}, "prior": {"c2st": 0.90}})[0]
    assert len(shows_problems(task, {"npe": {"c2st": 0.95}, "prior": {"c2st": 0.90}})) == 1
    assert "missing" in shows_problems(task, {"npe": {"c2st": float("nan")}, "prior": {"c2st": 0.90}})[0]
    assert shows_problems(task, {"npe": {"c2st": 0.99}}) == []  # the other method not run: nothing to hold it to
    higher = dataclasses.replace(REGISTRY.get("latin"), smoke_shows=(Shows("cnn", "majority", margin=0.2),))
    assert shows_problems(higher, {"cnn": {"macro_f1": 0.5}, "majority": {"macro_f1": 0.1}}) == []
    assert len(shows_problems(higher, {"cnn": {"macro_f1": 0.1}, "majority": {"macro_f1": 0.5}})) == 1


def test_a_declared_comparison_names_methods_run_at_smoke_and_known_metrics():
    import dataclasses

    from benchmarks.task import Shows

    task = REGISTRY.get("two_moons")
    with pytest.raises(ValueError, match=r"\['nope'\].*unknown metric 'accuracy'.*margin -1 must be"):
        dataclasses.replace(task, smoke_shows=(Shows("npe", "nope"), Shows("npe", "prior", "accuracy"),
                                               Shows("npe", "prior", margin=-1)))


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
