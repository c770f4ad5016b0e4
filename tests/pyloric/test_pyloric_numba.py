"""The numba simulator against the reference implementation's outputs (../shared/data/pyloric)."""

from __future__ import annotations

import numpy as np
import pytest
from pyloric_reference import REFERENCE, STATS_SEED_5340, THETA_TEST, reference_table

from benchmarks.tasks.pyloric import kernel as K
from benchmarks.tasks.pyloric.fast_exp import vexp
from benchmarks.tasks.pyloric.noise import fill_noise
from benchmarks.tasks.pyloric.simulator import noise_seeds, simulate, simulate_voltage


def test_noise_free_statistics_match_reference_exact_arithmetic(reference_rows) -> None:
    """Every stable row matches at 1e-3 in the reference's arithmetic; chaotic ones are
    reported by ``reference_rows`` (test_pyloric_chaos) and held to their own spread there."""
    theta, expected, chaotic = reference_rows
    sims = simulate(theta, noise_std=0.0, exact=True)
    assert expected.shape == sims.stats.shape == (21, 18)
    np.testing.assert_array_equal(np.isnan(sims.stats[~chaotic]), np.isnan(expected[~chaotic]))
    np.testing.assert_allclose(sims.stats[~chaotic], expected[~chaotic], rtol=1e-3, equal_nan=True)
    assert not sims.diverged.any()
    # The table covers valid and invalid rhythms, so both branches are exercised.
    assert 0 < sims.valid.sum() < len(theta)


def test_noise_free_statistics_match_reference_fast_kernel(reference_rows) -> None:
    theta, expected, chaotic = reference_rows
    sims = simulate(theta, noise_std=0.0)  # 21 rows: groups of 8 SIMD lanes
    np.testing.assert_array_equal(np.isnan(sims.stats[~chaotic]), np.isnan(expected[~chaotic]))
    np.testing.assert_allclose(sims.stats[~chaotic], expected[~chaotic], rtol=1e-3, equal_nan=True)


def test_noise_free_traces_match_reference() -> None:
    theta, _ = reference_table()
    traces = np.load(REFERENCE / "reference_traces_noise_free.npz")
    t, v0 = simulate_voltage(theta[0], noise_std=0.0, t_max=4000.0, record_every=1.0)
    _, v0_exact = simulate_voltage(theta[0], noise_std=0.0, t_max=4000.0, record_every=1.0,
                                   exact=True)
    assert np.abs(v0_exact - traces["row0"]).max() < 1e-5
    assert v0.shape == traces["row0"].shape == (3, 4000)
    np.testing.assert_array_equal(t[:3], [0.0, 1.0, 2.0])
    assert np.abs(v0 - traces["row0"]).max() < 0.1
    # Row 1: PY sits on an unstable focus near -20 mV from about 1,400 ms, where a difference
    # in the last bit of one exp() grows about 10x per 2 ms (measured); before that the
    # trajectories agree to 1e-9 mV, after it only the statistics are comparable.
    _, v1 = simulate_voltage(theta[1], noise_std=0.0, t_max=1400.0, record_every=1.0)
    assert np.abs(v1 - traces["row1"][:, :1400]).max() < 1e-6


def test_noisy_run_matches_reference_with_same_seed() -> None:
    sims = simulate(THETA_TEST, np.array([5340]))
    np.testing.assert_allclose(sims.stats[0], STATS_SEED_5340, rtol=1e-5)
    np.testing.assert_array_equal(sims.counts[0], [36, 186, 47, 10, 10, 10, 1])


def test_vectorised_exp_is_accurate() -> None:
    x = np.concatenate([np.linspace(-700.0, 700.0, 100_001), np.linspace(-1.0, 1.0, 10_001)])
    out, bits = np.empty_like(x), np.empty(x.shape, dtype=np.int64)
    vexp(x, out, bits, bits.view(np.float64))
    np.testing.assert_allclose(out, np.exp(x), rtol=3e-16, atol=0)


def test_fast_exp_agrees_with_libm_exp_over_a_trace() -> None:
    from benchmarks.tasks.pyloric import circuit as M

    theta, _ = reference_table()
    f = M.temperature_factors()
    out = {}
    for libm in (False, True):
        v, status = np.empty((1, 3, 4000)), np.zeros(1, dtype=np.int64)
        K.integrate(theta[:1, :24].reshape(1, 3, 8) * M.AREA, np.exp(theta[:1, 24:]), f["tau_m"],
                    f["tau_h"], 1.0, f["syn_tau"], float(f["rt_over_zf"][0]), np.zeros((1, 3, 0)),
                    160_000, 0, 40, v, status, libm)
        assert status[0] == K.STATUS_OK
        out[libm] = v
    assert 0 < np.abs(out[False] - out[True]).max() < 1e-5  # rounding only


def test_voltage_trace_is_the_one_behind_the_statistics() -> None:
    from benchmarks.tasks.pyloric.statistics import compute_statistics

    sims = simulate(THETA_TEST, np.array([77]))
    _, v = simulate_voltage(THETA_TEST, 77)
    stats, counts = compute_statistics(v[:, 40_000:])
    np.testing.assert_array_equal(stats, sims.stats[0])
    np.testing.assert_array_equal(counts, sims.counts[0])


def test_flat_depolarised_trace_does_not_overflow() -> None:
    from benchmarks.tasks.pyloric.statistics import compute_statistics

    stats, counts = compute_statistics(np.full((3, 4000), 5.0))
    # nearly every sample of a flat stretch above -10 mV is a maximum (up to rounding of the
    # smoothing), far more than one spike per two samples; they form one burst
    assert counts[0] > 3000 and counts[3] == 1
    assert np.isnan(stats[0]) and stats[1] == pytest.approx(100.0, abs=1.0)


def test_noise_is_the_reference_random_stream() -> None:
    out = np.empty((3, 5000))
    fill_noise(5340, 0.001, out)
    expected = np.random.RandomState(5340).normal(scale=0.001, size=(3, 5000))
    np.testing.assert_array_equal(out, expected)


def test_seeds_determine_the_noise() -> None:
    np.testing.assert_array_equal(noise_seeds(7, 4), noise_seeds(7, 4))
    assert len(set(noise_seeds(7, 100).tolist())) == 100
    with pytest.raises(ValueError, match="seeds"):
        noise_seeds(np.array([1, -2]), 2)
    with pytest.raises(ValueError, match="seeds"):
        noise_seeds(np.array([1, 2, 3]), 2)


def test_divergent_run_is_invalid_and_does_not_spoil_the_batch() -> None:
    theta, expected = reference_table()
    bad = theta[2].copy()
    bad[7] = -1e4  # a negative leak conductance makes V grow without bound
    sims = simulate(np.stack([theta[2], bad]), noise_std=0.0, within_prior=False)
    np.testing.assert_array_equal(sims.diverged, [False, True])
    np.testing.assert_array_equal(sims.valid, [True, False])
    assert np.isnan(sims.stats[1]).all()
    np.testing.assert_allclose(sims.stats[0], expected[2], rtol=1e-3)
    with pytest.raises(RuntimeError, match="diverged"):
        simulate_voltage(bad, noise_std=0.0, t_max=50.0, within_prior=False)


@pytest.mark.parametrize(
    "theta, message",
    [
        (np.zeros(30), "shape"),
        (np.full((2, 31), np.nan), "NaN"),
        (np.zeros((1, 31)), "outside the prior"),
        ("abc", "numeric"),
    ],
)
def test_bad_parameters_are_rejected(theta, message) -> None:
    with pytest.raises(ValueError, match=message):
        simulate(theta)


def test_bad_settings_are_rejected() -> None:
    with pytest.raises(ValueError, match="noise_std"):
        simulate(THETA_TEST, noise_std=-1.0)
    with pytest.raises(ValueError, match="record_every"):
        simulate_voltage(THETA_TEST, record_every=0.01)
    with pytest.raises(ValueError, match="temperature"):
        simulate(THETA_TEST, temperature=-3.0)


def test_empty_batch() -> None:
    sims = simulate(np.empty((0, 31)))
    assert sims.stats.shape == (0, 18) and sims.valid.shape == (0,)


def test_stale_numba_caches_are_dropped(tmp_path, monkeypatch) -> None:
    import shutil

    from benchmarks.tasks.pyloric import _jit_cache

    for name in _jit_cache._SOURCES:
        shutil.copy(_jit_cache._HERE / name, tmp_path / name)
    monkeypatch.setattr(_jit_cache, "_HERE", tmp_path)
    _jit_cache._sync()
    cached = tmp_path / "__pycache__" / "simulator._simulate_batch-1.py311.nbi"
    cached.write_bytes(b"compiled")
    _jit_cache._sync()  # sources unchanged: the cache stays
    assert cached.exists()
    (tmp_path / "kernel.py").write_text((tmp_path / "kernel.py").read_text() + "\n# edited\n")
    _jit_cache._sync()  # a dependency changed: cached code of every function goes
    assert not cached.exists()


def test_simd_groups_equal_single_simulations_bit_for_bit() -> None:
    """The kernel performs the same operations in every lane: the statistics do not depend on
    how a batch is grouped (1, 3 and 8 lanes), with the fast exp and with libm's."""
    theta = np.concatenate([THETA_TEST[None], reference_table()[0][:4]])
    seeds = np.array([5340, 1, 2, 3, 4])
    for exact in (False, True):
        runs = [simulate(theta, seeds, lanes=lanes, n_threads=1, exact=exact) for lanes in (1, 3, 8)]
        for other in runs[1:]:
            np.testing.assert_array_equal(other.stats, runs[0].stats)
            np.testing.assert_array_equal(other.counts, runs[0].counts)
        np.testing.assert_allclose(runs[2].stats[0], STATS_SEED_5340, rtol=1e-5)
    with pytest.raises(ValueError, match="lanes"):
        simulate(THETA_TEST, lanes=0)


def test_diverging_lane_leaves_its_group_untouched() -> None:
    from benchmarks.tasks.pyloric import circuit as M

    theta, _ = reference_table()
    f = M.temperature_factors()
    gbar = np.ascontiguousarray(theta[:3, :24].reshape(3, 3, 8) * M.AREA)
    gbar[1, 0, 7] = -1e4 * M.AREA  # a negative leak conductance: V grows without bound
    gsyn = np.ascontiguousarray(np.exp(theta[:3, 24:]))
    args = (f["tau_m"], f["tau_h"], 1.0, f["syn_tau"], float(f["rt_over_zf"][0]))
    vrec, status = np.empty((3, 3, 200)), np.zeros(3, dtype=np.int64)
    K.integrate(gbar, gsyn, *args, np.zeros((3, 3, 0)), 8000, 0, 40, vrec, status, False)
    np.testing.assert_array_equal(status, [K.STATUS_OK, K.STATUS_DIVERGED, K.STATUS_OK])
    for lane in (0, 2):
        alone, alone_status = np.empty((1, 3, 200)), np.zeros(1, dtype=np.int64)
        K.integrate(gbar[lane:lane + 1], gsyn[lane:lane + 1], *args, np.zeros((1, 3, 0)), 8000, 0, 40, alone,
                    alone_status, False)
        assert alone_status[0] == K.STATUS_OK
        np.testing.assert_array_equal(vrec[lane], alone[0])
