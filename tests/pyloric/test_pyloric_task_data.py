"""Loading the pyloric task: the split of the shipped bank, user observations and bad input
(the shipped bank itself: test_pyloric_shipped_bank)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.context import make_context
from benchmarks.task import OptionError
from tasks.pyloric import TASK
from tasks.pyloric import circuit as M
from tasks.pyloric import shipped_bank
from tasks.pyloric.data import PyloricData, check_observation, load, read_user_observation
from tasks.pyloric.methods import from_unbounded, to_unbounded
from tasks.pyloric.observation import X_O
from tasks.pyloric.prior import LOWER, UPPER, sample_prior
from tasks.pyloric.sizes import BUDGETS


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
    from tasks.pyloric import TASK
    from tasks.pyloric.bank import DEFAULT_CHUNK_SIZE

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


@pytest.mark.parametrize("name, value", [("bank_seed", -1), ("max_epochs", 0), ("hidden_features", 0),
                                         ("max_epochs", "ten"), ("bank_seed", 1.5), ("false_negatives", 0.95),
                                         ("false_negatives", -0.1)])
def test_bad_options_are_refused_before_any_cell(name, value) -> None:
    with pytest.raises(OptionError, match=name):
        TASK.resolve_options({name: value})


def test_max_epochs_option_overrides_the_budget() -> None:
    assert make_context(TASK, "smoke").budget.max_epochs == 30
    assert make_context(TASK, "smoke", options={"max_epochs": "5"}).budget.max_epochs == 5
    assert make_context(TASK, "default", options={"max_epochs": "none"}).budget.max_epochs == 500
