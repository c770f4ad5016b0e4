"""The data of ``two_moons``: the SBI reference tasks' shared loader (``benchmarks.tasks._sbi.data``: the cell's prior
simulations, sbibm's observations and their reference posteriors, and what a method receives of them).

Data of this task alone (another observation file, a simulator setting) goes here: wrap the family's loader.
"""

from benchmarks.tasks._sbi.data import load, method_input, test_targets

__all__ = ["load", "method_input", "test_targets"]
