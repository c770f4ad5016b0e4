"""SBI benchmark task ``gaussian_linear`` (Lueckmann et al. 2021): 10-D Gaussian with an analytic posterior.

Prior, simulator, the closed-form posterior and the metric live in ``tasks._sbi``;
``files/registry.txt`` lists the benchmark's observations and reference posterior samples.
"""

from tasks._sbi.task import make_task

TASK = make_task(
    "gaussian_linear",
    "How many simulations does neural posterior estimation need to match a known 10-D Gaussian posterior?",
)
