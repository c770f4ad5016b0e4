"""Batched CPU simulator of the pyloric network: parameters in, 18 summary statistics out.

One numba kernel runs a batch in parallel over the cores (``prange``) in groups of up to 8
simulations integrated side by side in SIMD lanes (``kernel``; a simulation's result does not
depend on its group); each simulation draws its noise, integrates 11 s keeping only
the 10 s of V after burn-in, and is reduced to the statistics in the same pass, so about 27 MB
are in flight per simulation (noise 10.6 MB, V 9.6 MB, smoothing buffers 6.4 MB) and no state
history is returned. With the same integer
seed the noise equals the reference simulator's
``np.random.RandomState(seed).normal(scale=0.001, size=(3, 440000))``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from benchmarks.tasks.pyloric import circuit as M
from benchmarks.tasks.pyloric import kernel as K
from benchmarks.tasks.pyloric import noise as N
from benchmarks.tasks.pyloric import statistics as S
from benchmarks.tasks.pyloric.prior import check_parameters


@dataclass(frozen=True)
class Simulations:
    """Outputs of a batch of n simulations.

    theta (n, 31); stats (n, 18) in ``circuit.STAT_NAMES`` order, NaN where undefined;
    counts (n, 7) in ``statistics.COUNT_NAMES`` order; diverged (n,) bool (state left
    +-1e4 mV or became NaN; all stats NaN); valid (n,) bool: no NaN statistic (the papers'
    criterion for keeping a simulation).
    """

    theta: np.ndarray
    stats: np.ndarray
    counts: np.ndarray
    diverged: np.ndarray

    @property
    def valid(self) -> np.ndarray:
        return ~np.isnan(self.stats).any(axis=1)


@numba.njit(parallel=True, cache=True, error_model="numpy")
def _simulate_batch(gbar, gsyn, fac_tau_m, fac_tau_h, fac_tau_ca, fac_tau_syn, rt_over_zf,
                    seeds, noise_std, n_steps, n_burn_in, exact, lanes, stats, counts, status,
                    interior, head, tail):  # pragma: no cover - compiled
    n = gbar.shape[0]
    n_groups = (n + lanes - 1) // lanes
    for grp in numba.prange(n_groups):
        lo = grp * lanes
        hi = min(lo + lanes, n)
        size = hi - lo
        if noise_std > 0.0:
            noise = np.empty((size, 3, n_steps))
            for b in range(size):
                N.fill_noise(seeds[lo + b], noise_std, noise[b])
        else:
            noise = np.empty((size, 3, 0))
        vrec = np.empty((size, 3, n_steps - n_burn_in))
        K.integrate(gbar[lo:hi], gsyn[lo:hi], fac_tau_m, fac_tau_h, fac_tau_ca, fac_tau_syn, rt_over_zf,
                    noise, n_steps, n_burn_in, 1, vrec, status[lo:hi], exact)
        for b in range(size):
            if status[lo + b] == K.STATUS_OK:
                S.summary_statistics(vrec[b], M.DT, stats[lo + b], counts[lo + b], interior, head, tail)
            else:
                for q in range(stats.shape[1]):
                    stats[lo + b, q] = np.nan
                for q in range(counts.shape[1]):
                    counts[lo + b, q] = 0


def _lanes(n: int, n_threads: int | None, lanes: int | None) -> int:
    """Simulations per group: ``kernel.LANES``, fewer when that would leave threads idle."""
    if lanes is not None:
        if lanes < 1:
            raise ValueError(f"lanes must be >= 1, got {lanes}")
        return lanes
    threads = min(n_threads or numba.get_num_threads(), numba.get_num_threads())
    return max(1, min(K.LANES, -(-n // threads)))


def noise_seeds(seed: int | np.ndarray | None, n: int) -> np.ndarray:
    """Per-simulation noise seeds (n,) int64 in [0, 2**32).

    An int seeds a ``SeedSequence`` that yields n independent seeds; an array gives the seeds
    themselves (as the reference simulator's ``seed`` argument); None draws fresh entropy.
    """
    if seed is None or np.ndim(seed) == 0:
        state = np.random.SeedSequence(None if seed is None else int(seed)).generate_state(n)
        return state.astype(np.int64)
    seeds = np.asarray(seed)
    if seeds.shape != (n,) or not np.issubdtype(seeds.dtype, np.integer):
        raise ValueError(f"seeds must be an int or {n} integers, got {seeds.dtype} {seeds.shape}")
    if (seeds < 0).any() or (seeds > 2**32 - 1).any():
        raise ValueError("noise seeds must lie in [0, 2**32 - 1] (RandomState's range)")
    return seeds.astype(np.int64)


@contextlib.contextmanager
def _threads(n_threads: int | None) -> Iterator[None]:
    if n_threads is None:
        yield
        return
    if n_threads < 1:
        raise ValueError(f"n_threads must be >= 1, got {n_threads}")
    old = numba.get_num_threads()
    # numba's own thread count (ctx.thread_limit covers BLAS, OpenMP and torch, not numba's
    # prange): set for this call only, and restored below.
    numba.set_num_threads(min(n_threads, numba.config.NUMBA_NUM_THREADS))
    try:
        yield
    finally:
        numba.set_num_threads(old)


def _conductances(theta: np.ndarray, temperature: float) -> tuple[np.ndarray, np.ndarray, dict]:
    f = M.temperature_factors(temperature)
    gbar = np.ascontiguousarray((theta[:, :24] * M.AREA * np.tile(f["gbar"], 3)).reshape(-1, 3, 8))
    gsyn = np.ascontiguousarray(np.exp(theta[:, 24:]) * f["syn_gbar"])
    return gbar, gsyn, f


def simulate(
    theta: Any,
    seed: int | np.ndarray | None = 0,
    *,
    noise_std: float = M.NOISE_STD,
    temperature: float = M.REFERENCE_TEMPERATURE,
    within_prior: bool = True,
    exact: bool = False,
    n_threads: int | None = None,
    lanes: int | None = None,
) -> Simulations:
    """Simulate 11 s of the network for each parameter set and compute the statistics.

    theta: (31,) or (n, 31) (``circuit.PARAMETER_NAMES``: mS/cm^2, then ln mS); validated, and
    required to lie in the prior unless ``within_prior=False``. seed: see ``noise_seeds``.
    noise_std: noise current in uA per neuron and 0.025-ms step (0 for deterministic runs).
    temperature in kelvin (Q10 factors are 1 at 283 K). n_threads: cores to use (default all).
    exact: use libm's exp (the reference's arithmetic, about 2x slower) instead of the
    vectorised exp; the two differ by rounding only, which matters solely for chaotic parameter
    sets (where 1-ulp changes of theta matter as much).
    lanes: simulations integrated side by side (default 8, fewer for small batches); the results
    do not depend on it.
    """
    theta = check_parameters(theta, within_prior=within_prior)
    if not np.isfinite(noise_std) or noise_std < 0:
        raise ValueError(f"noise_std must be >= 0 (uA), got {noise_std!r}")
    n = theta.shape[0]
    seeds = noise_seeds(seed, n)
    gbar, gsyn, f = _conductances(theta, temperature)
    stats = np.empty((n, M.N_STATS))
    counts = np.zeros((n, S.N_COUNTS), dtype=np.int64)
    status = np.zeros(n, dtype=np.int64)
    if n:
        with _threads(n_threads):
            _simulate_batch(gbar, gsyn, f["tau_m"], f["tau_h"], float(f["tau_ca"][0]),
                            f["syn_tau"], float(f["rt_over_zf"][0]), seeds, float(noise_std),
                            M.N_STEPS, M.N_BURN_IN, bool(exact), _lanes(n, n_threads, lanes),
                            stats, counts, status,
                            S.SAVGOL_INTERIOR, S.SAVGOL_HEAD, S.SAVGOL_TAIL)
    return Simulations(theta=theta, stats=stats, counts=counts, diverged=status != K.STATUS_OK)


def simulate_voltage(
    theta: Any,
    seed: int | None = 0,
    *,
    noise_std: float = M.NOISE_STD,
    t_max: float = M.T_MAX,
    record_every: float = M.DT,
    temperature: float = M.REFERENCE_TEMPERATURE,
    within_prior: bool = True,
    exact: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Voltage traces of one parameter set (31,), from t = 0 (no burn-in removed).

    Returns (t (m,) in ms, V (3, m) in mV), one sample every ``record_every`` ms (a multiple of
    0.025). seed is the noise seed itself, as the reference's ``RandomState(seed)`` and as
    ``simulate(theta, np.array([seed]))`` (so ``Bank.noise_seeds[k]`` gives the trace behind
    bank row k); None draws fresh entropy. exact: as for ``simulate``. Raises RuntimeError if
    the integration diverges.
    """
    theta = check_parameters(theta, within_prior=within_prior)
    if theta.shape[0] != 1:
        raise ValueError(f"simulate_voltage takes one parameter set, got {theta.shape[0]}")
    stride = int(round(record_every / M.DT))
    if stride < 1 or abs(stride * M.DT - record_every) > 1e-9:
        raise ValueError(f"record_every must be a positive multiple of {M.DT} ms, got {record_every}")
    n_steps = int(round(t_max / M.DT))
    gbar, gsyn, f = _conductances(theta, temperature)
    noise = np.zeros((3, 0))
    if noise_std > 0:
        noise = np.empty((3, n_steps))
        N.fill_noise(int(noise_seeds(seed, 1)[0]) if seed is None else int(seed), float(noise_std), noise)
    n_rec = (n_steps - 1) // stride + 1
    v = np.empty((1, 3, n_rec))
    status = np.zeros(1, dtype=np.int64)
    K.integrate(gbar, gsyn, f["tau_m"], f["tau_h"], float(f["tau_ca"][0]), f["syn_tau"],
                float(f["rt_over_zf"][0]), noise[None], n_steps, 0, stride, v, status, bool(exact))
    if status[0] != K.STATUS_OK:
        raise RuntimeError("pyloric simulation diverged (V left +-1e4 mV or became NaN)")
    return np.arange(n_rec) * stride * M.DT, v[0]
