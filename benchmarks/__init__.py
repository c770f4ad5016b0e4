"""Benchmarks from real scientific use cases of machine learning.

The runner, in layers (each sub-package imports only those before it): ``contract`` (what a task
declares), ``records`` (the run record), ``data`` (datasets and data ids), ``results`` (leaderboards and
their renderings), ``running`` (cells, workers, cluster jobs, the conformance check) and ``cli``
(``python -m benchmarks``). For notebooks and a user's own methods: ``benchmarks.load_task(name)``,
``benchmarks.method`` and ``benchmarks.Param``. Task packages import ``benchmarks.task``, ``benchmarks.context``,
``benchmarks.check``, ``benchmarks.data`` and ``benchmarks.results``.
"""

__version__ = "0.1.0"

__all__ = ["Param", "load_task", "method"]


def __getattr__(name: str):  # light: ``import benchmarks`` loads nothing until these are used
    if name == "load_task":
        from benchmarks.running.api import load_task

        return load_task
    if name == "method":
        from benchmarks.contract.outside import method

        return method
    if name == "Param":
        from benchmarks.contract.options import Param

        return Param
    raise AttributeError(f"module 'benchmarks' has no attribute {name!r}")
