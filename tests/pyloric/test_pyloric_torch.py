"""The torch path (meant for GPUs) against the numba path, in float64 on the CPU."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from pyloric_reference import reference_table

from benchmarks.tasks.pyloric.prior import sample_prior
from benchmarks.tasks.pyloric.simulator import simulate, simulate_voltage
from benchmarks.tasks.pyloric.torch_simulator import simulate_torch, statistics_of_batch


def test_noise_free_traces_agree_with_numba() -> None:
    theta, _ = reference_table()
    theta = theta[[0, 2, 3]]
    v, diverged = simulate_torch(theta, noise_std=0.0, t_max=100.0, t_burn_in=0.0)
    assert v.shape == (3, 3, 4000) and not diverged.any()
    for k in range(3):
        _, expected = simulate_voltage(theta[k], noise_std=0.0, t_max=100.0)
        # float32 storage of V on the host: about 4e-6 mV resolution
        np.testing.assert_allclose(v[k], expected, atol=2e-5, rtol=0)


def test_noisy_batch_and_divergence_flags() -> None:
    theta = sample_prior(2, np.random.default_rng(0))
    bad = theta[1].copy()
    bad[7] = -1e4
    v, diverged = simulate_torch(np.stack([theta[0], bad]), seed=1, t_max=60.0,
                                 t_burn_in=10.0, within_prior=False, block_steps=700)
    assert v.shape == (2, 3, 2000)
    np.testing.assert_array_equal(diverged, [False, True])
    assert np.isfinite(v[0]).all() and v[0].std() > 0
    again, _ = simulate_torch(np.stack([theta[0], bad]), seed=1, t_max=60.0, t_burn_in=10.0,
                              within_prior=False, block_steps=700)
    np.testing.assert_array_equal(again[0], v[0])  # seeded (the noise depends on the batch)
    other, _ = simulate_torch(np.stack([theta[0], bad]), seed=2, t_max=60.0, t_burn_in=10.0,
                              within_prior=False, block_steps=700)
    assert np.abs(other[0] - v[0]).max() > 1e-3


def test_statistics_of_batch_match_the_numba_path() -> None:
    theta = sample_prior(1, np.random.default_rng(2))
    sims = simulate(theta, noise_std=0.0)
    _, v = simulate_voltage(theta[0], noise_std=0.0)
    stats, counts = statistics_of_batch(v[None, :, 40_000:], np.array([False]))
    np.testing.assert_array_equal(stats, sims.stats)
    np.testing.assert_array_equal(counts, sims.counts)
    nan_stats, _ = statistics_of_batch(v[None, :, 40_000:], np.array([True]))
    assert np.isnan(nan_stats).all()


@pytest.mark.parametrize("device", ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA device"))])
def test_float32_runs(device: str) -> None:
    # the GPU's arithmetic also runs on the CPU (8 simulations: a few seconds), so a machine without a GPU tests it
    n = 64 if device == "cuda" else 8
    theta = sample_prior(n, np.random.default_rng(3))
    v, diverged = simulate_torch(theta, device=device, dtype=torch.float32, t_max=200.0, t_burn_in=0.0)
    assert v.shape == (n, 3, 8000) and not diverged.any() and np.isfinite(v).all()
