"""The pyloric task's methods at smoke size: shapes, support, and NPE against rejection ABC."""

from __future__ import annotations

import numpy as np
import torch

from tasks.pyloric.data import load
from tasks.pyloric.methods import npe, prior, rejection_abc
from tasks.pyloric.metrics import coverage_error
from tasks.pyloric.prior import LOWER, UPPER

CPU = torch.device("cpu")


def test_methods_at_smoke_size() -> None:
    data = load("smoke", 0, {})
    before = data.theta_train.copy()
    outputs = {fn.__name__: fn(data, device=CPU, seed=0, options={}) for fn in (prior, rejection_abc, npe)}
    np.testing.assert_array_equal(data.theta_train, before)
    for name, out in outputs.items():
        assert out["samples"].shape == (data.n_posterior_samples, 31), name
        assert out["heldout_samples"].shape == (len(data.theta_heldout), data.n_heldout_samples, 31), name
        assert ((out["samples"] >= LOWER) & (out["samples"] <= UPPER)).all(), name
    # rejection ABC only ever returns parameters of valid training simulations
    assert np.isin(outputs["rejection_abc"]["samples"][:, 0], data.theta_train[:, 0]).all()
    # with ~20 valid simulations, ABC's handful of accepted points is badly overconfident;
    # NPE spreads its mass and covers the held-out truths far better
    errors = {name: coverage_error(out["heldout_samples"], data.theta_heldout)[0] for name, out in outputs.items()}
    assert errors["npe"] < errors["rejection_abc"], errors
