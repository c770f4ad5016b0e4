"""Prior bounds, parameter validation and the observation x_o."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from benchmarks.tasks.pyloric import circuit as M
from benchmarks.tasks.pyloric.observation import X_O, read_observation_csv
from benchmarks.tasks.pyloric.prior import LOWER, UPPER, box_uniform, check_parameters, sample_prior

MIRROR = Path(
    os.environ.get("BENCHMARKS_MIRROR") or Path(__file__).resolve().parents[3] / "shared" / "data"
) / "pyloric"


def test_bounds_follow_the_spec_table() -> None:
    names = M.PARAMETER_NAMES
    lo = dict(zip(names, LOWER))
    hi = dict(zip(names, UPPER))
    assert (lo["AB/PD_Kd"], hi["AB/PD_Kd"]) == (25.0, 150.0)
    assert (lo["LP_CaS"], hi["LP_CaS"]) == (2.0, 12.0)
    assert (lo["PY_A"], hi["PY_A"]) == (30.0, 60.0)
    assert hi["LP_H"] == pytest.approx(0.06) and lo["LP_Leak"] == pytest.approx(0.01)
    assert hi["PY_Na"] == 600.0 and hi["AB/PD_CaT"] == 7.5
    assert lo["Synapses_PY-LP"] == pytest.approx(math.log(1e-8), abs=1e-6)
    assert hi["Synapses_AB-LP"] == pytest.approx(math.log(1e-2), abs=1e-6)
    assert hi["Synapses_LP-PD"] == pytest.approx(math.log(1e-3), abs=1e-6)
    assert (LOWER < UPPER).all() and len(LOWER) == 31


def test_prior_draws_are_float32_values_within_bounds() -> None:
    theta = sample_prior(2000, np.random.default_rng(0))
    assert theta.shape == (2000, 31)
    assert ((theta >= LOWER) & (theta <= UPPER)).all()
    np.testing.assert_array_equal(theta, theta.astype(np.float32))
    # uniform: the mean of each coordinate is near the box centre
    z = (theta.mean(0) - (LOWER + UPPER) / 2) / ((UPPER - LOWER) / math.sqrt(12 * 2000))
    assert np.abs(z).max() < 5
    np.testing.assert_array_equal(theta, sample_prior(2000, np.random.default_rng(0)))


def test_box_uniform_matches_the_bounds() -> None:
    prior = box_uniform()
    inside = torch.as_tensor(sample_prior(5, np.random.default_rng(1)), dtype=torch.float32)
    assert torch.isfinite(prior.log_prob(inside)).all()
    outside = inside.clone()
    outside[:, 0] = -1.0
    assert torch.isinf(prior.log_prob(outside)).all()


def test_check_parameters_accepts_vectors_batches_and_tensors() -> None:
    theta = sample_prior(3, np.random.default_rng(2))
    assert check_parameters(theta[0]).shape == (1, 31)
    np.testing.assert_array_equal(check_parameters(torch.as_tensor(theta)), theta)
    # a float64 value exactly at a bound is accepted although the box is float32
    at_bound = theta[0].copy()
    at_bound[25] = math.log(1e-3)
    check_parameters(at_bound)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t: t[:, :30], r"shape \(31,\) or \(n, 31\)"),
        (lambda t: t[None], "shape"),
        (lambda t: np.where(np.arange(31) == 3, np.nan, t), "NaN.*AB/PD_A"),
        (lambda t: np.where(np.arange(31) == 30, np.inf, t), "infinite"),
        (lambda t: np.where(np.arange(31) == 8, 250.0, t), r"outside the prior.*LP_Na = 250"),
        (lambda t: np.where(np.arange(31) == 24, 0.0, t), "Synapses_AB-LP"),
    ],
)
def test_check_parameters_errors_name_the_problem(change, message) -> None:
    theta = sample_prior(2, np.random.default_rng(3))
    with pytest.raises(ValueError, match=message):
        check_parameters(change(theta))


def test_outside_prior_allowed_when_asked() -> None:
    theta = sample_prior(1, np.random.default_rng(4))
    theta[0, 0] = 1e4
    assert check_parameters(theta, within_prior=False)[0, 0] == 1e4


def test_observation_matches_the_mirrored_csv() -> None:
    path = MIRROR / "xo_prep845_082_0044.csv"
    if not path.is_file():
        pytest.skip(f"mirror not available at {path}")
    np.testing.assert_allclose(read_observation_csv(path), X_O, rtol=1e-5)
    assert X_O.shape == (M.N_STATS,) and (X_O[15:] == 2.5).all()
    # the statistics are consistent with each other: duty cycle = duration / period
    np.testing.assert_allclose(X_O[4:7], X_O[1:4] / X_O[0], rtol=1e-6)
    np.testing.assert_allclose(X_O[13:15], X_O[11:13] / X_O[0], rtol=1e-6)


def test_observation_reader_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="missing.csv"):
        read_observation_csv(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("index,value\n0,1.0\n")
    with pytest.raises(ValueError, match="bad.csv.*value_pyloric_pkg_order"):
        read_observation_csv(bad)
    short = tmp_path / "short.csv"
    short.write_text("value_pyloric_pkg_order\n1.0\nx\n")
    with pytest.raises(ValueError, match="short.csv.*18 finite"):
        read_observation_csv(short)
