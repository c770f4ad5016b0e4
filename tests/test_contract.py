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
