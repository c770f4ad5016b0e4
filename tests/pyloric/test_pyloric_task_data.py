"""Loading the pyloric task: the split of the shipped bank, user observations and bad input
(the shipped bank itself: test_pyloric_shipped_bank)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.context import make_context
from benchmarks.task import OptionError
from benchmarks.tasks.pyloric import TASK
from benchmarks.tasks.pyloric import circuit as M
from benchmarks.tasks.pyloric import shipped_bank
from benchmarks.tasks.pyloric.data import PyloricData, check_observation, load, method_input, read_user_observation
from benchmarks.tasks.pyloric.methods import from_unbounded, to_unbounded
from benchmarks.tasks.pyloric.observation import X_O
from benchmarks.tasks.pyloric.prior import LOWER, UPPER, sample_prior
from benchmarks.tasks.pyloric.sizes import BUDGETS


def _load(size: str = "smoke", seed: int = 0, **options) -> PyloricData:
    return load(size, seed, make_context(TASK, size, seed, options))


def test_smoke_load_splits_valid_simulations_by_seed() -> None:
    data = _load()
    again, other = _load(), _load(seed=1)
    assert data.n_simulations == 2000
    assert not np.isnan(data.x_train).any() and not np.isnan(data.x_heldout).any()
    n_valid = int((~np.isnan(shipped_bank.read(2000).stats).any(axis=1)).sum())
    assert len(data.x_train) + len(data.x_heldout) == n_valid > 5
    assert len(data.theta_invalid) == 2000 - n_valid
    np.testing.assert_array_equal(data.theta_train, again.theta_train)
    np.testing.assert_array_equal(data.predictive_seeds, again.predictive_seeds)
    assert not np.array_equal(data.theta_heldout, other.theta_heldout)
    np.testing.assert_array_equal(data.x_o, X_O)


@pytest.mark.parametrize("values, problem", [(X_O[:15], "expected 18"), (np.r_[X_O[:17], np.nan], "NaN")])
def test_bad_observation_is_refused(values, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        check_observation(values, "my_xo.csv")


def test_user_observation_files(tmp_path) -> None:
    good = tmp_path / "xo.csv"
    good.write_text(",".join(M.STAT_NAMES) + "\n" + ",".join(map(str, X_O)) + "\n")
    np.testing.assert_allclose(read_user_observation(good), X_O)
    assert _load(observation=str(good)).x_o.shape == (18,)
    short = tmp_path / "short.csv"
    short.write_text(",".join(M.STAT_NAMES[:15]) + "\n" + ",".join(map(str, X_O[:15])) + "\n")
    with pytest.raises(ValueError, match="short.csv"):
        read_user_observation(short)
    nan = tmp_path / "nan.csv"
    nan.write_text(",".join(M.STAT_NAMES) + "\n" + ",".join(map(str, X_O[:17])) + ",nan\n")
    with pytest.raises(ValueError, match="nan.csv.*plateau_PY"):
        read_user_observation(nan)
    with pytest.raises(FileNotFoundError, match="missing.csv"):
        read_user_observation(tmp_path / "missing.csv")


def test_logit_box_round_trip() -> None:
    theta = sample_prior(100, np.random.default_rng(0))
    assert np.all(np.abs(from_unbounded(to_unbounded(theta)) - theta) <= 2e-6 * (UPPER - LOWER))
    assert np.isfinite(to_unbounded(np.stack([LOWER, UPPER]))).all()


def test_prepare_splits_the_bank_into_chunks_for_a_job_array():
    from benchmarks.task import resolve
    from benchmarks.tasks.pyloric import TASK
    from benchmarks.tasks.pyloric.bank import DEFAULT_CHUNK_SIZE

    options = TASK.resolve_options()
    assert resolve(TASK.prepare)("smoke", options) == []  # shipped with the task
    n = BUDGETS["full"].n_simulations
    steps = resolve(TASK.prepare)("full", options)  # bank 0: the shipped rows are not simulated
    shipped = min(n, shipped_bank.shipped_rows())
    assert len(steps) == -(-(n - shipped) // DEFAULT_CHUNK_SIZE)
    if steps:
        assert steps[0].args == (n, shipped_bank.SEED, shipped // DEFAULT_CHUNK_SIZE)
    other = resolve(TASK.prepare)("full", TASK.resolve_options({"bank_seed": 4}))
    assert len(other) == -(-n // DEFAULT_CHUNK_SIZE) and other[0].args == (n, 4, 0)


def test_bad_options_are_refused_before_any_cell() -> None:
    with pytest.raises(OptionError, match="bank_seed"):
        TASK.resolve_options({"bank_seed": -1})
    with pytest.raises(OptionError, match="bank_seed"):
        TASK.resolve_options({"bank_seed": 1.5})


@pytest.mark.parametrize("method, name, value", [("npe", "max_epochs", 0), ("npe", "hidden_features", 0),
                                                 ("npe_restricted", "max_epochs", "ten"),
                                                 ("npe_restricted", "false_negatives", 0.95),
                                                 ("npe_restricted", "false_negatives", -0.1)])
def test_bad_method_parameters_are_refused(method, name, value) -> None:
    with pytest.raises(OptionError, match=name):
        make_context(TASK, "smoke", method=method, params={name: value})


def test_max_epochs_parameter_overrides_the_budget() -> None:
    assert make_context(TASK, "smoke", method="npe").params["max_epochs"] == 30
    capped = make_context(TASK, "smoke", method="npe", params={"max_epochs": "5"})
    assert capped.params["max_epochs"] == capped.budget.max_epochs == 5
    assert make_context(TASK, "default", method="npe_restricted").budget.max_epochs == 500


def test_methods_see_no_test_targets() -> None:
    """The view holds the training and held-out statistics, not the held-out truths or predictive seeds."""
    from benchmarks.running.check import withheld_problems

    data = _load()
    view = method_input(data)
    assert withheld_problems(TASK, data) == []
    assert view.x_heldout is data.x_heldout and view.theta_train is data.theta_train
    assert view.n_predictive == len(data.predictive_seeds)
    assert not hasattr(view, "theta_heldout") and not hasattr(view, "predictive_seeds")
