"""Loading the pyloric task: the shipped smoke bank, the split, user observations and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.context import make_context
from benchmarks.task import OptionError
from tasks.pyloric import TASK
from tasks.pyloric import circuit as M
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
    assert len(data.x_train) + len(data.x_heldout) == 26
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


@pytest.mark.parametrize("damage", ["truncate", "version"])
def test_damaged_or_outdated_smoke_bank_is_rebuilt(damage, tmp_path, monkeypatch) -> None:
    from tasks.pyloric import bank
    from tasks.pyloric import data as D

    with np.load(D.SMOKE_BANK, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    path = tmp_path / "smoke_bank.npz"
    if damage == "version":
        arrays["simulator_version"] = np.array(M.SIMULATOR_VERSION + 1)
        np.savez(path, **arrays)
    else:
        path.write_bytes(D.SMOKE_BANK.read_bytes()[:50_000])
    calls = []

    def fake_bank(n, seed, **_):
        calls.append((n, seed))
        return bank.Bank(theta=arrays["theta"], noise_seeds=arrays["noise_seeds"], stats=arrays["stats"],
                         counts=arrays["counts"], diverged=arrays["diverged"])

    monkeypatch.setattr(bank, "simulation_bank", fake_bank)
    with pytest.warns(UserWarning, match="afresh"):
        rebuilt = D._smoke_bank(path)
    assert calls == [(2000, 0)] and rebuilt["theta"].shape == (2000, 31)
    assert D._smoke_bank(D.SMOKE_BANK)["theta"].shape == (2000, 31) and len(calls) == 1


def test_default_size_reads_the_bank(monkeypatch) -> None:
    """Sizes other than smoke take the bank of ``simulation_bank(n, bank_seed)`` (stubbed here:
    the real 2,500 simulations take ~8 core-minutes)."""
    from tasks.pyloric import bank
    from tasks.pyloric import data as D

    with np.load(D.SMOKE_BANK, allow_pickle=False) as z:
        arrays = {k: z[k] for k in ("theta", "noise_seeds", "stats", "counts", "diverged")}
    calls = []

    def fake_bank(n, seed, **_):
        calls.append((n, seed))
        return bank.Bank(**arrays)

    monkeypatch.setattr(bank, "simulation_bank", fake_bank)
    data = _load("default", 3, bank_seed=7)
    assert calls == [(2000, 7)] and len(data.predictive_seeds) == BUDGETS["default"].n_predictive
    assert len(data.theta_train) + len(data.theta_heldout) == 26
    # the invalid simulations travel with the data: the restriction classifier learns from them
    assert len(data.theta_invalid) == len(data.x_invalid) == 2000 - 26 and np.isnan(data.x_invalid).any(axis=1).all()


def test_shipped_rows_are_the_first_rows_of_bank_zero() -> None:
    """The shipped file stands in for the seed-0 bank's first chunks: the same prior draws and
    noise seeds (its statistics are those chunks' simulations)."""
    from tasks.pyloric import bank
    from tasks.pyloric import data as D

    with np.load(D.SMOKE_BANK, allow_pickle=False) as z:
        theta, seeds = z["theta"], z["noise_seeds"]
        assert int(z["bank_seed"]) == D.SHIPPED_BANK_SEED
    size = bank.DEFAULT_CHUNK_SIZE
    for c in range(len(theta) // size):
        chunk_theta, chunk_seeds = bank._chunk_draws(D.SHIPPED_BANK_SEED, c, size, size)
        np.testing.assert_array_equal(theta[c * size:(c + 1) * size], chunk_theta)
        np.testing.assert_array_equal(seeds[c * size:(c + 1) * size], chunk_seeds)


def test_bank_zero_simulates_only_beyond_the_shipped_rows(monkeypatch) -> None:
    from tasks.pyloric import bank
    from tasks.pyloric import data as D

    with np.load(D.SMOKE_BANK, allow_pickle=False) as z:
        shipped = {k: z[k] for k in ("theta", "noise_seeds", "stats", "counts", "diverged")}
    calls = []

    def fake_bank(n, seed, *, start=0, **_):
        calls.append((n, seed, start))
        return bank.Bank(**{k: v[: n - start] for k, v in shipped.items()})

    monkeypatch.setattr(bank, "simulation_bank", fake_bank)
    theta, stats = D.load_bank(BUDGETS["default"], 1500, 0)
    assert calls == [] and np.array_equal(theta, shipped["theta"][:1500])
    theta, stats = D.load_bank(BUDGETS["full"], 2600, 0)
    assert calls == [(2600, 0, 2000)] and theta.shape == (2600, 31) and stats.shape == (2600, 18)
    np.testing.assert_array_equal(theta[:2000], shipped["theta"])
    np.testing.assert_array_equal(theta[2000:], shipped["theta"][:600])  # the fake bank's rows
    # a GPU bank draws its own noise, so it simulates every row
    gpu = make_context(TASK, "default", 0, {}, device="cuda")
    D.load_bank(BUDGETS["default"], 2600, 0, gpu)
    assert calls[-1] == (2600, 0, 0)


def test_prepare_splits_the_bank_into_chunks_for_a_job_array():
    from benchmarks.task import resolve
    from tasks.pyloric import TASK
    from tasks.pyloric import data as D
    from tasks.pyloric.bank import DEFAULT_CHUNK_SIZE

    options = TASK.resolve_options()
    assert resolve(TASK.prepare)("smoke", options) == []  # shipped with the task
    n = BUDGETS["full"].n_simulations
    steps = resolve(TASK.prepare)("full", options)  # bank 0: the shipped rows are not simulated
    shipped = BUDGETS["smoke"].n_simulations
    assert len(steps) == -(-(n - shipped) // DEFAULT_CHUNK_SIZE)
    assert steps[0].args == (n, D.SHIPPED_BANK_SEED, shipped // DEFAULT_CHUNK_SIZE)
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
