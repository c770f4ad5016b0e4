"""Every registered task's smoke cells against the suite's limit: at most 60 s each with 2 CPU threads.

`make bench` only: a wall-clock limit fails for no fault of the code on a loaded machine, so the
ordinary tests (tests/test_contract.py) run the same check without it. The seconds of each cell land
in ``extra_info`` with the load average.
"""

from __future__ import annotations

import os

import pytest

from benchmarks.check import SMOKE_LIMIT_S, check_method
from benchmarks.contract.registry import discover

REGISTRY = discover()
METHODS = [(task, method.name) for task in REGISTRY.names() for method in REGISTRY.tasks[task].methods]


@pytest.mark.parametrize("name, method", METHODS)
def test_smoke_cell_fits_the_limit(name, method, smoke_data, benchmark) -> None:
    if benchmark.disabled:
        pytest.skip("a wall-clock limit: run with --benchmark-enable (make bench)")
    loaded, problems = smoke_data(name)
    assert loaded is not None, problems
    load = os.getloadavg()[0]
    check = benchmark.pedantic(check_method, args=(REGISTRY.get(name), method, loaded),
                               kwargs={"max_seconds": SMOKE_LIMIT_S}, rounds=1, iterations=1)
    benchmark.extra_info.update(cell_seconds=check.seconds, load_average=[load, os.getloadavg()[0]])
    assert check.problems == []
