"""Loading, user observations, and the methods' ordering at smoke size."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from sbibm_env import use_mirror
from tasks.sbibm_common.data import load
from tasks.sbibm_common.methods import npe, prior, rejection_abc
from tasks.sbibm_common.metrics import evaluate

CPU = torch.device("cpu")


def test_smoke_load_is_deterministic_and_shaped(monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    data = load("slcp", "smoke", 0, {})
    again = load("slcp", "smoke", 0, {})
    other = load("slcp", "smoke", 1, {})
    assert data.theta.shape == (500, 5) and data.x.shape == (500, 8)
    assert data.observations.shape == (1, 8) and data.reference_samples.shape == (1, 10000, 5)
    np.testing.assert_array_equal(data.x, again.x)
    assert not np.array_equal(data.x, other.x)


def test_user_observations(monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    good = tmp_path / "obs.csv"
    good.write_text("data_1,data_2\n0.1,0.2\n-0.3,0.0\n")
    data = load("two_moons", "smoke", 0, {"observations": str(good)})
    assert data.observations.shape == (2, 2) and data.reference_samples is None
    result = evaluate(data, prior(data, device=CPU, seed=0, options={}))
    assert np.isnan(result.metrics["c2st"]) and "reference" in result.notes["c2st"]
    assert np.isfinite(result.metrics["median_distance"])


@pytest.mark.parametrize("text, problem", [("a,b,c\n1,2,3\n", "expected"), ("a,b\n1,nan\n", "NaN"),
                                           ("a,b\n1,x\n", "numeric")])
def test_bad_user_observations_are_refused(text, problem, monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=problem) as error:
        load("two_moons", "smoke", 0, {"observations": str(path)})
    assert "bad.csv" in str(error.value)
    with pytest.raises(FileNotFoundError, match="missing.csv"):
        load("two_moons", "smoke", 0, {"observations": str(tmp_path / "missing.csv")})


def test_npe_beats_abc_beats_prior_on_gaussian_linear(monkeypatch, tmp_path) -> None:
    use_mirror(monkeypatch, tmp_path)
    data = load("gaussian_linear", "smoke", 0, {})
    theta_before = data.theta.copy()
    scores = {fn.__name__: evaluate(data, fn(data, device=CPU, seed=0, options={})).metrics["c2st"]
              for fn in (prior, rejection_abc, npe)}
    np.testing.assert_array_equal(data.theta, theta_before)  # methods leave the data alone
    assert scores["npe"] < scores["rejection_abc"] < scores["prior"], scores
