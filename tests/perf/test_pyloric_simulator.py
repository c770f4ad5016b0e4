"""Speed and memory of the pyloric simulator (targets: <= 0.11 core-s and < 50 MB per 11-s
simulation including its noise and statistics, as the bank simulates them: groups of 8 SIMD
lanes; the reference Cython needs about 0.8-1.1 + 0.07 core-s). The 100,000-row shipped bank
took 0.094 core-s a simulation on average; these 32 draws take 0.095-0.103 on the 2-core
development machine, of which about 0.004 is libm's log of [Ca], 0.016 the noise (generated in
the reference's neuron-major order, so held in memory) and 0.007 the statistics. Ratios measured
in the same run: SIMD groups against one simulation at a time (``lanes=1``), and the vectorised
exp against libm's, the reference's arithmetic (``exact=True``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from benchmarks.tasks.pyloric.noise import fill_noise
from benchmarks.tasks.pyloric.prior import sample_prior
from benchmarks.tasks.pyloric.simulator import simulate, simulate_voltage
from benchmarks.tasks.pyloric.statistics import compute_statistics

TARGET_CORE_SECONDS = 0.11
TARGET_MEGABYTES = 50.0
ROOT = Path(__file__).resolve().parents[2]


def _core_seconds_per_simulation(theta: np.ndarray, repeats: int = 2) -> float:
    """CPU time per simulation of a single-threaded batch in groups of 8 (the bank's way), the
    smaller of ``repeats`` runs of the same batch (CPU time: robust to shared cores). Draws
    differ in cost (a diverging lane stops early, spiking traces have more maxima), so the batch
    is 32 prior draws, not the cheapest group."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        simulate(theta, 0, n_threads=1)
        times.append((time.process_time() - start) / len(theta))
    return min(times)


def test_core_seconds_per_simulation(benchmark) -> None:
    theta = sample_prior(32, np.random.default_rng(0))
    simulate(theta[:2], 0, n_threads=1)  # load the compiled kernel outside the measurement
    per_sim = benchmark.pedantic(_core_seconds_per_simulation, args=(theta,), rounds=1,
                                 iterations=1)
    benchmark.extra_info["core_seconds_per_simulation"] = per_sim
    if benchmark.disabled:
        return  # `make test` runs this once to exercise it; the target is checked by `make bench`
    load = os.getloadavg()[0]
    if load > os.cpu_count():
        # Oversubscribed cores (shared hyperthreads and caches) inflate even CPU time by up
        # to 1.7x here, so the target is checked on a machine that is not overloaded.
        pytest.skip(f"load average {load:.1f} > {os.cpu_count()} cores; measured {per_sim:.3f} core-s")
    assert per_sim <= TARGET_CORE_SECONDS, f"{per_sim:.3f} core-s per simulation"


def test_statistics_of_one_simulation(benchmark) -> None:
    theta = sample_prior(1, np.random.default_rng(1))[0]
    _, v = simulate_voltage(theta, 0)
    stats, _ = benchmark(compute_statistics, v[:, 40_000:])
    assert stats.shape == (18,)


def test_noise_generation(benchmark) -> None:
    out = np.empty((3, 440_000))
    benchmark(fill_noise, 1, 0.001, out)
    assert abs(out.std() - 0.001) < 1e-5


# Run in a fresh process: the peak resident size minus the size before the first simulation
# (the kernel comes from numba's on-disk cache, so loading it is included: an overestimate).
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent (pytest, 1 GB).
_MEMORY_PROBE = """
import json, numpy as np, psutil
from benchmarks.tasks.pyloric.prior import sample_prior
from benchmarks.tasks.pyloric.simulator import simulate
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
theta = sample_prior(2, np.random.default_rng(0))
base = psutil.Process().memory_info().rss
simulate(theta, 0, n_threads=2)
print(json.dumps({"base": base, "peak": hwm()}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_memory_per_simulation_in_flight() -> None:
    simulate(sample_prior(1, np.random.default_rng(0)), 0, noise_std=0.0)  # fill numba's cache
    out = subprocess.run([sys.executable, "-c", _MEMORY_PROBE], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=300)
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    # two simulations run at once (two threads)
    per_sim_mb = (probe["peak"] - probe["base"]) / 2 / 2**20
    assert per_sim_mb < TARGET_MEGABYTES, f"{per_sim_mb:.1f} MB per simulation in flight"


def _batch_core_seconds(theta: np.ndarray, lanes: int | None = None, exact: bool = False) -> float:
    start = time.process_time()
    simulate(theta, 3, n_threads=1, lanes=lanes, exact=exact)
    return (time.process_time() - start) / len(theta)


def test_simd_groups_against_single_simulations(benchmark) -> None:
    theta = sample_prior(16, np.random.default_rng(4))
    simulate(theta[:2], 0, n_threads=1, lanes=2)  # load both compiled kernels outside the measurement
    simulate(theta[:1], 0, n_threads=1, lanes=1)
    single = _batch_core_seconds(theta, 1)
    grouped = benchmark.pedantic(_batch_core_seconds, args=(theta, 8), rounds=1, iterations=1)
    benchmark.extra_info.update(single_core_seconds=single, grouped_core_seconds=grouped,
                                ratio=single / grouped, load_average=os.getloadavg()[0])
    if benchmark.disabled:
        return
    # CPU time of one thread, both in this run: a ratio that machine load inflates alike
    assert grouped < single, f"groups {grouped:.3f} core-s against single simulations {single:.3f}"


def test_vectorised_exp_against_the_reference_arithmetic(benchmark) -> None:
    theta = sample_prior(16, np.random.default_rng(5))
    simulate(theta[:2], 0, n_threads=1, exact=True)  # load the compiled kernel outside the measurement
    reference = _batch_core_seconds(theta, exact=True)
    fast = benchmark.pedantic(_batch_core_seconds, args=(theta,), rounds=1, iterations=1)
    benchmark.extra_info.update(libm_core_seconds=reference, fast_core_seconds=fast, ratio=reference / fast,
                                load_average=os.getloadavg()[0])
    if benchmark.disabled:
        return
    assert fast < reference, f"vectorised exp {fast:.3f} core-s against libm's {reference:.3f}"
