"""Results: records as a pandas frame (``frame``, public as ``benchmarks.results.load``), leaderboard tables
(``leaderboard``, ``pairs``, ``summary``) and their renderings (``columns``, ``render``, ``report``), the
reference numbers beside them (``baselines``, ``recorded``, ``calibration``) and ``compare`` of two folders.

>>> from benchmarks.results import load
>>> frame = load("results")
"""

from benchmarks.results.frame import concat, frame_of, load, read

__all__ = ["concat", "frame_of", "load", "read"]
