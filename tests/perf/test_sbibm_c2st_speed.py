"""The SBI tasks' C2ST in torch against the scikit-learn reference, measured in the same run.

`make bench`: 10,000 vs 10,000 samples in 10-D at the benchmark's definition (at most 10,000
epochs), the torch version on 2 threads, scikit-learn's on one BLAS thread as the suite ran it
before; the ratio lands in ``extra_info`` (issue 13's target: >= 10x on 2 cores). The reference
alone takes minutes. `make test` runs both once on a few hundred samples, capped at 20 epochs.
"""

from __future__ import annotations

import os
import time

import numpy as np

from benchmarks.tasks._sbi.c2st import MAX_ITER, c2st, c2st_sklearn

#: below this the torch version has lost its edge, whatever the load of a shared machine (a regression)
MIN_RATIO = 2.0


def test_c2st_torch_against_sklearn(benchmark) -> None:
    # benchmark.disabled, not the benchmark_disable option alone: pyproject's addopts always set that,
    # and --benchmark-enable only overrides it
    samples, dim, max_iter = (10_000, 10, MAX_ITER) if not benchmark.disabled else (300, 3, 20)
    rng = np.random.default_rng(0)
    # half a standard deviation apart: C2ST about 0.6, a fair method's score, trained for hundreds of epochs
    x = rng.normal(size=(samples, dim))
    y = rng.normal(size=(samples, dim)) + 0.5 / np.sqrt(dim)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    reference = c2st_sklearn(x, y, max_iter=max_iter)
    sklearn_seconds = time.perf_counter() - started
    score = benchmark.pedantic(c2st, args=(x, y), kwargs={"max_iter": max_iter, "threads": 2}, rounds=1, iterations=1)
    assert abs(score - reference) <= 0.02, (score, reference)
    if not benchmark.disabled:
        torch_seconds = benchmark.stats.stats.mean
        ratio = sklearn_seconds / torch_seconds
        benchmark.extra_info.update(sklearn_seconds=sklearn_seconds, torch_seconds=torch_seconds, ratio=ratio,
                                    c2st_torch=score, c2st_sklearn=reference,
                                    load_average=[load, os.getloadavg()[0]])
        assert ratio >= MIN_RATIO, f"torch C2ST only {ratio:.1f}x faster than scikit-learn's (target 10x)"
