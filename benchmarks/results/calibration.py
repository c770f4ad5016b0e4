"""A short, fixed CPU workload whose time compares this machine with the one that recorded the reference runs.

The workload mixes what cells spend their time on (dense linear algebra and plain Python) on
one BLAS thread (a threaded product of this size mostly measures thread wake-ups); its best
time of 20 repetitions was stable to about 5 % across processes, against 20-40 % for the best
of 5 with threads. Its time on
the recording machine is kept in ``baselines/recorded-machine.json``, so that an estimate
from a recorded run scales by ``this machine's time / the recording machine's``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

#: Beside ``recorded/`` (inside it, it would be read as a run record).
CALIBRATION_FILE = "recorded-machine.json"


def _workload() -> float:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((160, 160))
    for _ in range(8):
        a = np.tanh(a @ a.T / 160.0)
    total = 0
    for i in range(60_000):
        total += i % 7
    return float(a.sum()) + total


def measure(repeats: int = 20) -> float:
    """Seconds of the workload on this machine: the best of ``repeats`` runs (under a hundredth of a second each on a laptop core)."""
    from threadpoolctl import threadpool_limits

    best = float("inf")
    with threadpool_limits(1):
        for _ in range(repeats):
            start = time.perf_counter()
            _workload()
            best = min(best, time.perf_counter() - start)
    return best


def read(baselines: Path) -> float | None:
    """The recording machine's workload seconds kept in the ``baselines`` folder, or None when absent or unreadable."""
    try:
        value = json.loads((Path(baselines) / CALIBRATION_FILE).read_text(encoding="utf-8"))["seconds"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return float(value) if isinstance(value, (int, float)) and value > 0 else None
