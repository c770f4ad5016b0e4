"""Reference outputs of the mackelab pyloric simulator for the tests (spec section 1.7 and the
data mirror ../shared/data/pyloric)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

# The data mirror (CI sets BENCHMARKS_MIRROR), else ../shared/data beside the checkout.
REFERENCE = Path(
    os.environ.get("BENCHMARKS_MIRROR") or Path(__file__).resolve().parents[3] / "shared" / "data"
) / "pyloric"

# The unit-test parameter set of mackelab/pyloric (spec section 1.7).
THETA_TEST = np.array([
    286.921725, 0.0975099899, 5.53758392, 21.7553840, 12.1938578, 123.777092, 0.00964585042,
    0.00516584517, 167.802913, 0.994858342, 7.71058188, 19.2827439, 7.30915903, 43.3907960,
    0.0503816170, 0.0212142250, 477.249899, 5.10924385, 0.713955321, 39.6705037, 4.89271588,
    59.2566636, 0.0551743568, 0.0121729756, -10.8318439, -10.5837408, -13.8916890, -9.07825715,
    -8.90034224, -15.7819342, -7.23973359,
])
# Cython output for THETA_TEST with RandomState(5340) noise (spec section 1.7, 6 digits).
STATS_SEED_5340 = np.array([
    982.761, 95.15, 196.327, 90.0325, 0.0968191, 0.199771, 0.0916118, 0.432695, 0.665011,
    425.236, 228.311, 332.483, 23.9361, 0.338316, 0.024356, 2.5, 9.3, 2.5,
])


def reference_table() -> tuple[np.ndarray, np.ndarray]:
    """(theta (21, 31), statistics (21, 18)) of the shared table, inputs restored exactly
    (``gpu_check.reference_rows``); skips the test when the mirror is not there."""
    from benchmarks.tasks.pyloric.gpu_check import reference_rows

    path = REFERENCE / "reference_stats_noise_free.csv"
    if not path.is_file():
        pytest.skip(f"reference outputs not available at {path}")
    return reference_rows(REFERENCE.parent)


#: A row is chaotic when a one-ulp change of its inputs moves a statistic by more than this
#: (the tolerance of the reference comparison: below it the row is reproducible at all).
CHAOS_TOLERANCE = 1e-3


def chaotic_rows(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which rows of ``theta`` (n, 31) are chaotic in the reference's own arithmetic.

    Each row is simulated noise-free with ``exact=True`` as given, and with its 24 membrane
    conductances one unit in the last place up and down. Returns (chaotic (n,) bool, largest
    relative change of a statistic (n,); inf where the NaN pattern changed)."""
    from benchmarks.tasks.pyloric.simulator import simulate

    up, down = theta.copy(), theta.copy()
    up[:, :24] = np.nextafter(theta[:, :24], np.inf)
    down[:, :24] = np.nextafter(theta[:, :24], -np.inf)
    stats = simulate(np.concatenate([theta, up, down]), noise_std=0.0, exact=True).stats.reshape(3, len(theta), -1)
    base = stats[0]
    change = np.zeros(len(theta))
    for nudged in stats[1:]:
        same_nan = (np.isnan(nudged) == np.isnan(base)).all(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = np.nanmax(np.where(np.isnan(base), 0.0, np.abs(nudged / base - 1)), axis=1)
        change = np.maximum(change, np.where(same_nan, rel, np.inf))
    return change > CHAOS_TOLERANCE, change
