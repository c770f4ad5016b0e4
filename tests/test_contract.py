"""The contract every registered task must keep, checked at smoke size (cf. scikit-learn's check_estimator).

For each task: a sound declaration, data deterministic in the seed; for each method: the runner
can run it, it returns every declared metric as a finite number or an explained NaN, the same
seed gives the same metrics, and the figure is written when the task declares one.
"""

from __future__ import annotations

import math
import time

import pytest

from benchmarks.cells import Cell
from benchmarks.data import Dataset
from benchmarks.execution import CellContext, load_data, run_cell
from benchmarks.fingerprint import fingerprint
from benchmarks.registry import discover
from benchmarks.store import ResultStore
from benchmarks.task import REQUIRED_SIZES, contract_problems

REGISTRY = discover()
TASKS = REGISTRY.names()
METHODS = [(task, method.name) for task in TASKS for method in REGISTRY.tasks[task].methods]
PROVENANCE = {"packages": {}, "git": {}, "python": "", "cpu": "", "cpu_cores": 0, "gpu": None}


def test_no_task_failed_to_load():
    assert not REGISTRY.broken, "\n\n".join(REGISTRY.broken.values())


@pytest.mark.parametrize("name", TASKS)
def test_declaration(name):
    task = REGISTRY.get(name)
    assert contract_problems(task) == []
    assert task.summary.strip() and task.citation.strip()
    assert all(task.sizes[size].strip() for size in REQUIRED_SIZES), "describe every size"
    assert all(isinstance(dataset, Dataset) for dataset in task.datasets)
    kinds = {method.kind.value for method in task.methods}
    assert {"control", "baseline", "model"} <= kinds, f"{name} lacks a method of kind {({'control', 'baseline', 'model'} - kinds)}"


@pytest.fixture(scope="module")
def smoke_data():
    """Each task's smoke data at seed 0, loaded once for all its methods."""
    cache = {}

    def get(name):
        if name not in cache:
            task = REGISTRY.get(name)
            cache[name] = load_data(task, Cell(name, "", "smoke", 0, task.resolve_options()))
        return cache[name]

    return get


@pytest.mark.parametrize("name", TASKS)
def test_load_is_deterministic_in_the_seed(name, smoke_data):
    task = REGISTRY.get(name)
    again = load_data(task, Cell(name, "", "smoke", 0, task.resolve_options()))
    assert again.data_hash == smoke_data(name).data_hash == fingerprint(again.data)


@pytest.mark.parametrize("name, method", METHODS)
def test_method_at_smoke_size(name, method, smoke_data, tmp_path):
    task = REGISTRY.get(name)
    cell = Cell(name, method, "smoke", 0, task.resolve_options())
    records = []
    for run in ("first", "second"):
        context = CellContext(ResultStore(tmp_path / run, create=True), "cpu", PROVENANCE, run)
        started = time.perf_counter()
        records.append(run_cell(task, cell, context, smoke_data(name)))
        records[-1]["elapsed"] = time.perf_counter() - started
    first, second = records
    assert first["status"] == "ok", first.get("traceback")
    assert second["status"] == "ok", second.get("traceback")
    for metric in task.metrics:
        value = first["metrics"][metric.name]
        assert math.isfinite(value) or metric.name in first["metric_notes"], f"{metric.name} is NaN without a note"
        assert second["metrics"][metric.name] == pytest.approx(value, rel=1e-9, nan_ok=True), (
            f"{metric.name} differs between two runs with seed 0")
    if task.figure is not None:
        assert "figure_error" not in first, first.get("figure_error")
        assert (tmp_path / "first" / cell.key(task).relative_path).with_suffix(".png").stat().st_size > 0
