"""SBI benchmark task ``slcp`` (Lueckmann et al. 2021): simple likelihood, complex (4-modal) 5-D posterior.

Prior, simulator and metric live in ``tasks._sbi``; ``files/registry.txt`` lists the
benchmark's observations and reference posterior samples.
"""

from tasks._sbi.task import make_task

TASK = make_task(
    "slcp",
    "Can neural posterior estimation capture a 5-D posterior with four symmetric modes from a Gaussian simulator?",
)
