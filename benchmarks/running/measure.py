"""Timings and peak memory of a stage of a cell.

A record's ``peak_rss_mb`` is the peak resident memory of the process that ran the cell, reset when its load
and its method start (:func:`reset_peak_rss`): the larger of the load's peak and the method and evaluate's.
A ``--jobs`` worker runs cell after cell, so the peak holds what the worker has (the interpreter, imported
libraries, the data the cell runs on), not what its earlier cells used; a cell whose data the worker kept
from an earlier cell reports that load's peak, as with ``--jobs 1``."""

from __future__ import annotations

import re
import resource
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

_STATUS = "/proc/self/status"


@dataclass
class Timing:
    """Wall and CPU seconds of one stage."""
    wall_s: float = 0.0
    cpu_s: float = 0.0  # process CPU time, all threads: core-seconds


@contextmanager
def timed() -> Iterator[Timing]:
    """Wall and CPU time of the block, filled in when it ends (also when it raises)."""
    timing = Timing()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield timing
    finally:
        timing.wall_s = time.perf_counter() - wall
        timing.cpu_s = time.process_time() - cpu


def reset_peak_rss() -> bool:
    """Reset the process's peak resident set to its current size (Linux); False where unsupported.

    This lets one process measure the peak of each cell it runs in turn, not the peak so far.
    """
    try:
        with open("/proc/self/clear_refs", "w") as stream:
            stream.write("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    """Peak resident memory of this process since start or the last :func:`reset_peak_rss`, in MiB."""
    try:
        with open(_STATUS) as stream:
            match = re.search(r"VmHWM:\s+(\d+) kB", stream.read())
        if match:
            return int(match.group(1)) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def reset_peak_gpu(device: str) -> None:
    """Start measuring the GPU's peak memory afresh (no-op on CPU)."""
    if device.startswith("cuda"):
        import torch

        torch.cuda.reset_peak_memory_stats(device)


def peak_gpu_mb(device: str) -> float | None:
    """Peak GPU memory allocated by torch since the last reset, in MiB; None on CPU."""
    if not device.startswith("cuda"):
        return None
    import torch

    return torch.cuda.max_memory_allocated(device) / 2**20
