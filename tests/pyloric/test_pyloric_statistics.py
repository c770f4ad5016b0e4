"""Summary statistics on hand-made voltage traces whose answers are known by construction."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import savgol_filter

from benchmarks.tasks.pyloric import statistics as S

DT = 0.025
N = 400_000  # 10 s after burn-in


def _trace(bursts: list[tuple[float, int, float]], *, baseline: float = -60.0,
           plateau_ms: float = 0.0) -> np.ndarray:
    """One neuron: bursts as (first spike ms, number of spikes, spike spacing ms).

    Spikes are Gaussian bumps of 80 mV (width 0.3 ms) centred on a sample, so the smoothed
    maximum sits on that sample; with plateau_ms > 0 V is held at -20 mV from 5 ms before each
    burst's first spike for plateau_ms.
    """
    t = np.arange(N) * DT
    v = np.full(N, baseline)
    for first, n_spikes, spacing in bursts:
        if plateau_ms:
            v[(t >= first - 5.0) & (t < first - 5.0 + plateau_ms)] = -20.0
        for k in range(n_spikes):
            tk = first + k * spacing
            near = np.abs(t - tk) < 3.0
            v[near] += 80.0 * np.exp(-(((t[near] - tk) / 0.3) ** 2))
    return v


def _triphasic(lp_every: int = 1, plateau_py: float = 0.0) -> np.ndarray:
    cycles = [100.0 + 1000.0 * k for k in range(10)]
    pd = _trace([(c, 5, 20.0) for c in cycles])  # bursts of 80 ms
    lp = _trace([(c + 300.0, 4, 25.0) for i, c in enumerate(cycles) if i % lp_every == 0])
    py = _trace([(c + 600.0, 6, 20.0) for c in cycles], plateau_ms=plateau_py)
    return np.stack([pd, lp, py])


def test_savgol_matches_scipy() -> None:
    x = np.random.default_rng(0).normal(size=5000).cumsum()
    out = np.empty_like(x)
    S.smooth(x, S.SAVGOL_INTERIOR, S.SAVGOL_HEAD, S.SAVGOL_TAIL, out)
    np.testing.assert_allclose(out, savgol_filter(x, 21, 3), atol=1e-9)


def test_triphasic_rhythm_known_statistics() -> None:
    stats, counts = S.compute_statistics(_triphasic())
    expected = [
        1000.0, 80.0, 75.0, 100.0,  # period, burst durations
        0.08, 0.075, 0.1,  # duty cycles
        0.3, 0.6,  # start phases LP, PY
        300.0, 300.0,  # start-to-start AB/PD->LP, LP->PY
        220.0, 225.0,  # end-to-start AB/PD->LP, LP->PY
        0.22, 0.225,  # phase gaps
        2.5, 2.5, 2.5,  # no plateaus
    ]
    np.testing.assert_allclose(stats, expected, rtol=1e-9)
    np.testing.assert_array_equal(counts, [50, 40, 60, 10, 10, 10, 1])


def test_plateau_duration() -> None:
    stats, _ = S.compute_statistics(_triphasic(plateau_py=150.0))
    # Each window opens at the first spike, 5 ms into the plateau: 145 ms above -30 mV.
    # The last burst's window ends at its last spike, still on the plateau, and a run not
    # followed by a sample below threshold is not counted (reference quirk): 9 * 145 / 10.
    assert stats[17] == pytest.approx(9 * 145.0 / 10, abs=0.3)
    assert stats[15] == stats[16] == 2.5
    assert np.isfinite(stats).all()


def test_missing_lp_bursts_break_the_triphasic_pattern() -> None:
    stats, counts = S.compute_statistics(_triphasic(lp_every=2))
    assert counts[6] == 0 and counts[4] == 5
    assert np.isnan(stats[7:15]).all()
    np.testing.assert_allclose(stats[[0, 1, 2, 3]], [1000.0, 80.0, 75.0, 100.0], rtol=1e-9)


def test_silent_neuron_and_single_spikes() -> None:
    v = _triphasic()
    v[1] = -60.0  # LP silent
    v[2] = _trace([(100.0 + 1000.0 * k, 1, 0.0) for k in range(10)])  # PY: lone spikes only
    stats, counts = S.compute_statistics(v)
    assert counts[1] == 0 and counts[2] == 10 and counts[5] == 0  # lone spikes are no bursts
    assert np.isnan(stats[[2, 3, 5, 6, 16, 17]]).all()  # LP/PY durations, duty, plateaus
    assert stats[0] == pytest.approx(1000.0) and counts[6] == 0


def test_fewer_than_two_pacemaker_bursts_give_no_period() -> None:
    v = _triphasic()
    v[0] = _trace([(100.0, 5, 20.0)])
    stats, counts = S.compute_statistics(v)
    assert counts[3] == 1
    assert np.isnan(stats[0]) and np.isnan(stats[4:15]).all()
    assert stats[1] == pytest.approx(80.0)


def test_interval_of_150_ms_splits_bursts() -> None:
    v = _triphasic()
    # AB/PD: two 50-ms bursts per cycle, 150 ms apart (last spike to first spike)
    v[0] = _trace([(c + d, 3, 25.0) for c in [100.0 + 1000.0 * k for k in range(10)]
                   for d in (0.0, 200.0)])
    stats, counts = S.compute_statistics(v)
    assert counts[3] == 20
    # starts at 100, 300, 1100, 1300, ..., 9300 ms: T = mean difference = 9200 / 19
    assert stats[1] == pytest.approx(50.0) and stats[0] == pytest.approx(9200.0 / 19)


def test_bad_voltage_shape() -> None:
    with pytest.raises(ValueError, match="shape"):
        S.compute_statistics(np.zeros((2, 100)))
