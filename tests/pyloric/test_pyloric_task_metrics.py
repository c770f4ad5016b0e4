"""Metrics of the pyloric task on cases whose answer is known by hand."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.tasks.pyloric.data import PyloricInput
from benchmarks.tasks.pyloric.metrics import SIGMA, check_output, close_to_observation, coverage_error, z_distance
from benchmarks.tasks.pyloric.observation import X_O
from benchmarks.tasks.pyloric.prior import UPPER, sample_prior


def _counts(n: int, bursts: int = 10) -> np.ndarray:
    counts = np.zeros((n, 7), dtype=np.int64)
    counts[:, 3:6] = bursts
    counts[:, 6] = 1
    return counts


def test_close_to_observation_criterion() -> None:
    stats = np.repeat(X_O[None], 6, axis=0)
    stats[1, 0] += 0.03 * SIGMA[0]  # cycle period off by 0.03 sigma: c = 0.02 fails
    stats[2, 5] += 0.1 * SIGMA[5]  # duty cycle LP off by 0.1 sigma: c = 0.2 passes
    stats[3, 16] = 3.0  # an LP plateau
    stats[4, 9] = np.nan  # not triphasic
    counts = _counts(6)
    counts[5, 4] = 7  # LP bursts only 7 times in 10 s
    assert close_to_observation(stats, counts, X_O).tolist() == [True, False, True, False, False, False]


def test_z_distance() -> None:
    stats = np.repeat(X_O[None], 2, axis=0)
    stats[1, 0] += 3 * SIGMA[0]
    stats[1, 14] -= 4 * SIGMA[14]
    stats[1, 17] = 100.0  # plateaus are not part of the distance
    np.testing.assert_allclose(z_distance(stats, X_O), [0.0, 5.0])


def test_coverage_of_calibrated_and_overconfident_posteriors() -> None:
    rng = np.random.default_rng(0)
    k, m, d = 400, 300, 3
    # calibrated: the truth is one more draw from the same distribution as the samples
    centres = rng.normal(size=(k, 1, d))
    samples = centres + rng.normal(size=(k, m, d))
    truths = centres[:, 0] + rng.normal(size=(k, d))
    error, coverage = coverage_error(samples, truths)
    assert error < 0.05 and len(coverage) == 19
    # overconfident by a factor 10 in width: nearly every truth falls outside every interval
    error, coverage = coverage_error(centres + 0.1 * rng.normal(size=(k, m, d)), truths)
    assert error > 0.8 and coverage[-1] < 0.15
    # far off: coverage 0 at every level, the largest error is the top level 0.95
    error, _ = coverage_error(samples + 100.0, truths)
    assert error == pytest.approx(0.95)


def test_proportion_interval_is_clopper_pearson() -> None:
    from benchmarks.tasks.pyloric.metrics import proportion_interval

    # none of 200: the upper bound solves (1 - p)^200 = 0.025
    assert proportion_interval(0, 200) == pytest.approx([0.0, 1 - 0.025 ** (1 / 200)])
    # all of 10: the lower bound solves p^10 = 0.025
    assert proportion_interval(10, 10) == pytest.approx([0.025 ** (1 / 10), 1.0])
    low, high = proportion_interval(50, 100)
    assert low < 0.5 < high and high - 0.5 == pytest.approx(0.5 - low)
    assert proportion_interval(0, 0) == [0.0, 1.0]


def _output(n: int = 5, k: int = 3, m: int = 4) -> dict:
    rng = np.random.default_rng(0)
    return {"samples": sample_prior(n, rng), "heldout_samples": sample_prior(k * m, rng).reshape(k, m, 31)}


def _with(key: str, value) -> dict:
    return {**_output(), key: value}


def _nan_sample() -> np.ndarray:
    samples = _output()["samples"]
    samples[2, 7] = np.nan
    return samples


@pytest.mark.parametrize("output, problem", [
    ([1, 2], "returns a dict"),
    ({"samples": _output()["samples"]}, r"no \['heldout_samples'\]"),
    (_output(n=3), r"'samples'\] must have shape \(n, 31\) with n >= 4"),
    (_with("samples", _output()["samples"][:, :30]), r"got \(5, 30\)"),
    (_output(k=2), r"'heldout_samples'\] must have shape \(3, m, 31\)"),
    (_with("samples", _nan_sample()), "NaN or infinite"),
    (_with("heldout_samples", _output()["heldout_samples"] + UPPER), "outside the prior"),
])
def test_check_output_names_what_is_wrong(output, problem) -> None:
    view = PyloricInput("smoke", np.zeros((6, 31)), np.zeros((6, 18)), np.zeros((3, 18)), np.zeros((2, 31)),
                        np.full((2, 18), np.nan), X_O, n_predictive=4, n_simulations=11)
    check_output(view, _output())
    with pytest.raises(ValueError, match=problem):
        check_output(view, output)
