"""The scheduler's order, and the schedule's length it gives a plan: longest cells first over ``jobs``
workers, a free worker keeping to the data set it holds (pure functions on estimates: the scheduler, the plan
and the progress bar's ETA share them)."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Estimate:
    """A cell's estimated seconds (NaN: unknown) and where the estimate came from; ``load`` of them its data
    set's load (paid by the first cell of a data set in a worker), ``peak_mb`` its expected peak resident memory
    (NaN: unknown), ``data_key`` the :meth:`~benchmarks.running.cells.Cell.data_key` of the cell."""
    label: str
    seconds: float
    source: str  # "this machine", "recorded ×1.3" or "no estimate"
    load: float = 0.0
    peak_mb: float = math.nan
    data_key: Any = None
    work_cpu: float = math.nan  # CPU seconds of method and evaluate (NaN: unknown, taken as their wall time)

    @property
    def work(self) -> float:
        """The seconds of method and evaluate alone (what a cell costs where its worker holds the data)."""
        return self.seconds - self.load if self.load == self.load else self.seconds


def longest_first(estimates: Sequence[Estimate]) -> list[int]:
    """The indices of ``estimates`` in the order the scheduler starts them: longest first (unknown ones last,
    in plan order); equal ones keep the plan's order, so the cells of one data set stay together."""
    return sorted(range(len(estimates)),
                  key=lambda k: (math.isnan(estimates[k].seconds), -_known(estimates[k].seconds), k))


def pick(pending: Sequence[Any], held: Any, key_of: Any) -> int:
    """The index in ``pending`` (ordered longest first) a worker holding data set ``held`` runs next: the first
    cell of that data set where there is one (its data is loaded), else the longest."""
    if held is not None:
        for index, item in enumerate(pending):
            if key_of(item) == held:
                return index
    return 0


def simulate(estimates: Sequence[Estimate], jobs: int, cores: int | None = None) -> float:
    """The seconds the known ``estimates`` take over ``jobs`` workers in the scheduler's order: each free worker
    takes :func:`pick`'s cell, and pays the data set's load unless it holds that data set already. Cells that
    use more threads than one (an evaluation's classifier, a method's ``threads``) slow the cells beside them,
    so the run takes at least its CPU seconds over the ``cores`` (default: those this process may use)."""
    return max(_schedule(estimates, jobs), cpu_bound(estimates, cores or usable_cores()))


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        return os.cpu_count() or 1


def cpu_bound(estimates: Sequence[Estimate], cores: int) -> float:
    """The known estimates' CPU seconds (their loads counted once per data set, as wall time) over ``cores``."""
    known = [e for e in estimates if not math.isnan(e.seconds)]
    loads: dict[Any, float] = {}
    for e in known:
        loads[e.data_key] = max(loads.get(e.data_key, 0.0), _known(e.load))
    work = sum(e.work if math.isnan(e.work_cpu) else max(e.work_cpu, 0.0) for e in known)
    return (work + sum(loads.values())) / max(1, cores)


def _schedule(estimates: Sequence[Estimate], jobs: int) -> float:
    known = [estimates[k] for k in longest_first(estimates) if not math.isnan(estimates[k].seconds)]
    loads: dict[Any, float] = {}
    for e in known:  # the load a data set costs whoever pays it (the plan charged it to its first cell)
        loads[e.data_key] = max(loads.get(e.data_key, 0.0), _known(e.load))
    free = [(0.0, k, None) for k in range(max(1, jobs))]  # (free at, worker, data set held)
    while known:
        free.sort(key=lambda w: (w[0], w[1]))
        at, worker, held = free.pop(0)
        e = known.pop(pick(known, held, lambda e: e.data_key))
        load = _known(e.load) if e.data_key is None else loads[e.data_key] if e.data_key != held else 0.0
        cost = e.work + load
        free.append((at + cost, worker, e.data_key))
    return max(at for at, _, _ in free)


def _known(value: float) -> float:
    return 0.0 if value != value else value
