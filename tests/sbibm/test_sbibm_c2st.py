"""C2ST as the SBI benchmark defines it, on cases whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from tasks._sbi.c2st import c2st


def test_same_distribution_scores_one_half() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(1000, 2)), rng.normal(size=(1000, 2))
    assert c2st(x, y, max_iter=200) == pytest.approx(0.5, abs=0.05)


def test_disjoint_distributions_score_one() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(500, 3)), rng.normal(size=(500, 3)) + 10.0
    assert c2st(x, y, max_iter=200) > 0.99


def test_shifted_distribution_in_between() -> None:
    # Two unit Gaussians one standard deviation apart: the Bayes-optimal accuracy is Phi(0.5) = 0.69.
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(2000, 1)), rng.normal(size=(2000, 1)) + 1.0
    assert c2st(x, y, max_iter=200) == pytest.approx(0.69, abs=0.03)


def test_is_deterministic_and_z_scored() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(400, 2)), rng.normal(size=(400, 2)) + 0.5
    first = c2st(x, y, max_iter=50)
    assert c2st(x, y, max_iter=50) == first
    # z-scoring with x's statistics makes the score invariant to a common affine change of units
    assert c2st(1000 * x + 3, 1000 * y + 3, max_iter=50) == pytest.approx(first, abs=1e-9)


@pytest.mark.parametrize("x, y", [(np.zeros((10, 2)), np.zeros((10, 3))), (np.zeros(10), np.zeros(10)),
                                  (np.full((10, 2), np.nan), np.zeros((10, 2)))])
def test_bad_input_is_refused(x, y) -> None:
    with pytest.raises(ValueError, match="c2st"):
        c2st(x, y)
