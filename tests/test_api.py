"""``benchmarks.load_task``: the method's view of the data, the runner's evaluation, runs that write records."""

from __future__ import annotations

import numpy as np
import pytest

import benchmarks


def test_load_evaluate_and_run_in_a_notebook(toy_tasks, results):
    task = benchmarks.load_task("toy")
    data = task.load("smoke", seed=0)
    assert "true_mean" not in data  # the test target is withheld
    assert task.evaluate(data, np.full(8, 3.0)).metrics == {"abs_error": 0.0, "squared_error": 0.0}
    with pytest.raises(ValueError, match=r"\(8,\)"):
        task.evaluate(data, np.zeros(2))
    with pytest.raises(ValueError, match="load\\(\\) returned"):
        task.evaluate({"samples": data["samples"]}, np.zeros(8))

    def shrunk_mean(data, ctx, *, shrink: float = 0.5):
        return (1 - shrink) * data["samples"].mean(axis=1)

    frame = task.run(shrunk_mean, size="smoke", seeds=[0, 1], results=results, params={"shrink": 0.0})
    assert sorted(frame["seed"]) == [0, 1] and set(frame["method"]) == {"shrunk_mean[shrink=0]"}
    again = task.run("mean", size="smoke", results=results)
    # the runner's record of the same cell holds what evaluate() gave for the same output
    ctx = task.context("smoke", 0)
    assert again["metric:abs_error"].iloc[0] == pytest.approx(
        task.evaluate(data, data["samples"].mean(axis=1)).metrics["abs_error"])
    assert frame.loc[frame["seed"] == 0, "metric:abs_error"].iloc[0] == pytest.approx(
        again["metric:abs_error"].iloc[0])
    assert ctx.size == "smoke"
