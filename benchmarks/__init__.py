"""Benchmarks from real scientific use cases of machine learning.

The runner, in layers (each sub-package imports only those before it): ``contract`` (what a task
declares), ``records`` (the run record), ``data`` (datasets and data ids), ``results`` (leaderboards and
their renderings), ``running`` (cells, workers, cluster jobs, the conformance check) and ``cli``
(``python -m benchmarks``). Task packages import ``benchmarks.task``, ``benchmarks.context``,
``benchmarks.check``, ``benchmarks.data`` and ``benchmarks.results``.
"""

__version__ = "0.1.0"
