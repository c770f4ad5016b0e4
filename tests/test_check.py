"""``check_task`` passes a task that keeps the contract and names every way a task can break it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from benchmarks.check import TaskCheckError, check_task, dataset_problems, room_problems
from benchmarks.contract.registry import discover
from benchmarks.task import Method, MethodKind


@pytest.fixture
def toy(toy_tasks):
    task = discover().get("toy")
    return dataclasses.replace(task, methods=tuple(m for m in task.methods if m.name != "broken"))


def _with(task, name, fn, kind=MethodKind.MODEL):
    return dataclasses.replace(task, methods=(*task.methods, Method(name, kind, fn)))


def test_a_task_that_keeps_the_contract_passes(toy):
    report = check_task(toy)
    assert report.ok and {m.method for m in report.methods} == {"zero", "mean", "median"}
    assert all(0 <= m.seconds < 60 for m in report.methods)
    assert "keeps the contract" in report.summary()


def _mutating(data, ctx):
    data["samples"][0, 0] += 1.0  # methods share one loaded copy: this corrupts the next method's data
    return data["samples"].mean(axis=1)


def _unseeded(data, ctx):
    return data["samples"].mean(axis=1) + np.random.default_rng().normal(0, 1e-3, len(data["samples"]))


def _failing(data, ctx):
    raise ValueError("no")


@pytest.mark.parametrize("fn, problem", [
    (_mutating, "changed the data it was given"),
    (_unseeded, "differs between two runs with seed 0"),
    (_failing, "method failed: ValueError: no"),
])
def test_each_broken_promise_is_named(toy, fn, problem):
    with pytest.raises(TaskCheckError, match=problem):
        check_task(_with(toy, "bad", fn), methods=["bad"])


def test_a_slow_smoke_cell_fails(toy):
    report = check_task(toy, methods=["mean"], max_seconds=-1.0, raise_on_failure=False)
    assert not report.ok and "the smoke cell took" in report.all_problems[0] and "the limit is" in report.all_problems[0]


def test_a_model_that_returns_the_controls_answer_fails_what_smoke_shows(toy):
    from benchmarks.task import Shows

    declared = dataclasses.replace(toy, smoke_shows=(Shows("mean", "zero", margin=0.1),))
    assert check_task(declared, methods=["mean", "zero"], raise_on_failure=False).ok
    lazy = dataclasses.replace(declared, methods=tuple(
        dataclasses.replace(m, fn="toy.methods:zero", params=()) if m.name == "mean" else m for m in declared.methods))
    with pytest.raises(TaskCheckError, match="smoke shows mean better than zero on abs_error by >= 0.1"):
        check_task(lazy, methods=["mean", "zero"])


def test_a_figure_that_writes_nothing_fails(toy):
    silent = dataclasses.replace(toy, figure=lambda data, output, path: None)
    with pytest.raises(TaskCheckError, match=r"figure failed: figure\(\) wrote no file"):
        check_task(silent, methods=["mean"])


def test_functions_outside_their_rooms_are_named(toy):
    moved = dataclasses.replace(toy, load="toy.methods:zero", evaluate="toy.data:load")
    problems = room_problems(moved)
    assert "load lives in toy.methods; it belongs in the task's data.py" in problems
    assert "evaluate lives in toy.data; it belongs in the task's metrics.py" in problems
    report = check_task(moved, methods=[], raise_on_failure=False)
    assert not report.ok


def test_a_dataset_id_that_cannot_name_default_data_is_named(toy):
    assert dataset_problems(dataclasses.replace(toy, dataset_id="toy_data")) == []
    assert dataset_problems(dataclasses.replace(toy, dataset_id=lambda size, options: f"toy_{size}")) == []
    empty = dataset_problems(dataclasses.replace(toy, dataset_id=lambda size, options: None))
    assert "dataset_id names size 'smoke''s default data 'user:" in empty[0]
    broken = dataset_problems(dataclasses.replace(toy, dataset_id=lambda size, options: options["missing"]))
    assert broken[0] == "dataset_id fails for size 'smoke': KeyError: 'missing'"


def test_an_explained_nan_is_the_same_nan_twice(toy):
    import math

    from benchmarks.task import Evaluation

    def nan_evaluate(data, estimates):
        return Evaluation({"abs_error": math.nan, "squared_error": 0.0}, notes={"abs_error": "not defined here"})

    assert check_task(dataclasses.replace(toy, evaluate=nan_evaluate), methods=["mean"], raise_on_failure=False).methods[0].problems == []
