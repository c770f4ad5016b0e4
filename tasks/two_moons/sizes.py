"""The sizes of ``two_moons``: the SBI reference tasks' shared budgets (``benchmarks.tasks._sbi.sizes``: the paper's
1k, 10k and 100k simulations, and default, 1k scored with C2ST on 1,000 samples per side).

A size of this task alone, or another budget for it, goes here: copy the family's table and change it.
"""

from benchmarks.tasks._sbi.sizes import BUDGETS, DESCRIPTIONS

__all__ = ["BUDGETS", "DESCRIPTIONS"]
