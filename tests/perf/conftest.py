"""The measurements under tests/perf run only under ``make bench`` (``--benchmark-enable``).

With benchmarks disabled, pytest-benchmark still calls each measured function once, at the
measurement's size: about eight minutes of ``make test`` on 2 cores that check nothing the
ordinary tests do not (each sped-up path is tested against its reference there).
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("benchmark_disable") or config.getoption("benchmark_enable"):
        return
    skip = pytest.mark.skip(reason="a measurement: run with --benchmark-enable (make bench)")
    for item in items:
        if HERE in Path(item.fspath).resolve().parents:
            item.add_marker(skip)
