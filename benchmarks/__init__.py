"""Benchmarks from real scientific use cases of machine learning.

The runner: task contract (:mod:`benchmarks.task`), registry, execution, result store,
leaderboard and the command line (``python -m benchmarks``).
"""

__version__ = "0.1.0"
