"""The metrics of ``slcp``: the SBI reference tasks' shared evaluation (``benchmarks.tasks._sbi.metrics``: C2ST against
sbibm's reference posterior samples, the posterior-predictive median distance) and the check of a method's output.

A metric of this task alone goes here: wrap the family's ``evaluate`` and add to its metrics.
"""

from benchmarks.tasks._sbi.metrics import check_output, evaluate

__all__ = ["check_output", "evaluate"]
