"""Loading, options, user observations, per-observation items, and the methods' ordering at smoke size."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from sbibm_env import use_mirror

from benchmarks.context import make_context
from benchmarks.task import OptionError, resolve
from benchmarks.tasks._sbi.data import load, method_input
from benchmarks.tasks._sbi.methods.npe import npe
from benchmarks.tasks._sbi.methods.prior import prior
from benchmarks.tasks._sbi.methods.rejection_abc import rejection_abc
from benchmarks.tasks._sbi.metrics import check_output, evaluate
from benchmarks.tasks.gaussian_linear import TASK as GAUSSIAN_LINEAR
from benchmarks.tasks.slcp import TASK as SLCP
from benchmarks.tasks.two_moons import TASK as TWO_MOONS


def _load(task, seed=0, options=None):
    return load("smoke", seed, make_context(task, "smoke", seed, options))


def _run(fn, data, task, seed=0, options=None, **params):
    """``fn`` on what the runner hands a method: the data without its test targets."""
    return fn(method_input(data), make_context(task, "smoke", seed, options, method=fn.__name__), **params)


def test_smoke_load_is_deterministic_and_shaped(monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    data = _load(SLCP)
    again = _load(SLCP)
    other = _load(SLCP, seed=1)
    assert data.theta.shape == (500, 5) and data.x.shape == (500, 8)
    assert data.observations.shape == (1, 8) and data.reference_samples.shape == (1, 10000, 5)
    assert (data.c2st_samples, data.c2st_max_iter) == (500, 50)  # the metric's settings at smoke size
    np.testing.assert_array_equal(data.x, again.x)
    assert not np.array_equal(data.x, other.x)


@pytest.mark.parametrize("task", [TWO_MOONS, GAUSSIAN_LINEAR, SLCP])
def test_default_scores_sbibm_c2st_1k_and_the_named_budgets_the_main_c2st(task) -> None:
    default, paper = (make_context(task, size, 0).budget for size in ("default", "1k"))
    assert (default.num_simulations, default.num_observations, default.c2st_samples) == (1_000, 10, 1_000)
    assert default.num_samples >= default.c2st_samples
    for size in ("1k", "10k", "100k", "full"):
        budget = make_context(task, size, 0).budget
        assert (budget.num_observations, budget.num_samples, budget.c2st_samples) == (10, 10_000, 10_000)
    assert paper.num_simulations == default.num_simulations


def test_num_simulations_option_overrides_the_budget(monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    data = _load(TWO_MOONS, options={"num_simulations": "50"})
    assert data.theta.shape == (50, 2) and data.x.shape == (50, 2)


@pytest.mark.parametrize("value", [9, "ten"])
def test_bad_budget_options_are_refused_before_any_cell(value) -> None:
    with pytest.raises(OptionError, match="num_simulations"):
        TWO_MOONS.resolve_options({"num_simulations": value})


def test_max_epochs_is_a_parameter_of_the_neural_methods() -> None:
    # a method's setting, no longer an option of the data: the error says how to set it
    with pytest.raises(OptionError, match=r"parameter of method npe.*--method 'npe\[max_epochs=3\]'"):
        TWO_MOONS.resolve_options({"max_epochs": 3})
    param = TWO_MOONS.method("npe").param("max_epochs")
    assert param.budget and param.default is None and param.parse("30") == 30  # None: the size's max_epochs
    for value in (0, -5):
        with pytest.raises(OptionError, match="max_epochs"):
            param.parse(value)


def test_methods_see_the_simulations_and_observations_but_no_test_target(monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    data = _load(TWO_MOONS)
    view = method_input(data)
    assert view.theta is data.theta and view.x is data.x and view.observations is data.observations  # no copies
    assert view.problem is data.problem and not hasattr(view, "reference_samples") and not hasattr(view, "true_parameters")
    targets = resolve(TWO_MOONS.test_targets)(data)
    assert targets.keys() == {"reference_samples", "true_parameters"}
    assert targets["true_parameters"].shape == (1, 2)


@pytest.mark.parametrize("output, problem", [
    (np.zeros((1, 5, 2)), "dict with 'samples'"),
    ({"theta": np.zeros((1, 5, 2))}, "keys \\['theta'\\]"),
    ({"samples": np.zeros((5, 2))}, "shape \\(1, n, 2\\)"),
    ({"samples": np.zeros((2, 5, 2))}, "got \\(2, 5, 2\\)"),
    ({"samples": np.zeros((1, 0, 2))}, "n >= 1"),
    ({"samples": np.full((1, 5, 2), np.nan)}, "NaN"),
    ({"samples": np.array([[["a", "b"]]])}, "real numbers"),
    ({"samples": [[[0.0, 1.0]], [[0.0]]]}, "no numeric array"),
])
def test_output_check_names_what_is_wrong(output, problem, monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    view = method_input(_load(TWO_MOONS, options={"num_simulations": 50}))
    with pytest.raises(ValueError, match=problem):
        check_output(view, output)
    check_output(view, {"samples": np.zeros((1, 5, 2), dtype=np.float32), "epochs": 3})  # any n, real dtype


def test_user_observations(monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    good = tmp_path / "obs.csv"
    good.write_text("data_1,data_2\n0.1,0.2\n-0.3,0.0\n")
    options = {"observations": str(good)}
    data = _load(TWO_MOONS, options=options)
    assert data.observations.shape == (2, 2) and data.reference_samples is None
    result = evaluate(data, _run(prior, data, TWO_MOONS, options=options))
    assert np.isnan(result.metrics["c2st"]) and "reference" in result.notes["c2st"]
    assert np.isfinite(result.metrics["median_distance"])
    assert result.items is None  # no reference: nothing to pair


@pytest.mark.parametrize("text, problem", [("a,b,c\n1,2,3\n", "expected"), ("a,b\n1,nan\n", "NaN"),
                                           ("a,b\n1,x\n", "numeric")])
def test_bad_user_observations_are_refused(text, problem, monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=problem) as error:
        _load(TWO_MOONS, options={"observations": str(path)})
    assert "bad.csv" in str(error.value)
    with pytest.raises(FileNotFoundError, match="missing.csv"):
        _load(TWO_MOONS, options={"observations": str(tmp_path / "missing.csv")})


def test_items_are_the_c2st_of_each_observation(monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    data = _load(TWO_MOONS, options={"num_simulations": 200})
    # three observations, so that the items are told apart from their mean
    data = dataclasses.replace(data, observations=np.repeat(data.observations, 3, axis=0), numbers=(1, 1, 1),
                               reference_samples=np.repeat(data.reference_samples, 3, axis=0))
    output = _run(rejection_abc, data, TWO_MOONS)
    result = evaluate(data, output)
    items = result.items
    assert items is not None and items.direction.value == "lower" and not items.binary
    assert "observation" in items.description
    np.testing.assert_allclose(items.values, result.details["c2st_per_observation"])
    assert len(items.values) == 3 and np.isfinite(items.values).all()
    assert items.values.mean() == pytest.approx(result.metrics["c2st"])
    assert evaluate(data, output).items.values.tolist() == items.values.tolist()  # deterministic


def test_npe_leaves_torch_global_state_alone(monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    data = _load(TWO_MOONS, options={"num_simulations": 100})
    threads, state = torch.get_num_threads(), torch.get_rng_state()
    first = _run(npe, data, TWO_MOONS, max_epochs=2)
    assert torch.get_num_threads() == threads and torch.equal(torch.get_rng_state(), state)
    again = _run(npe, data, TWO_MOONS, max_epochs=2)
    np.testing.assert_array_equal(first["samples"], again["samples"])  # seeded by the cell's seed
    assert first["epochs"] <= 2 + 1  # the cap holds (sbi's loop runs epochs 0..max_num_epochs)


def test_npe_beats_abc_beats_prior_on_gaussian_linear(monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    data = _load(GAUSSIAN_LINEAR)
    theta_before = data.theta.copy()
    budget = make_context(GAUSSIAN_LINEAR, "smoke", 0).budget
    scores = {fn.__name__: evaluate(data, _run(fn, data, GAUSSIAN_LINEAR, **params)).metrics["c2st"]
              for fn, params in ((prior, {}), (rejection_abc, {}), (npe, {"max_epochs": budget.max_epochs}))}
    np.testing.assert_array_equal(data.theta, theta_before)  # methods leave the data alone
    assert scores["npe"] < scores["rejection_abc"] < scores["prior"], scores


def test_density_levels_enclose_the_asked_mass():
    from benchmarks.tasks._sbi.figure import density_levels

    density = np.array([[4.0, 3.0], [2.0, 1.0]])  # total 10: the top cell holds 40 %, the top two 70 %
    assert density_levels(density, (0.4, 0.7)) == [3.0, 4.0]
