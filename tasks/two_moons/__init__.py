"""SBI benchmark task ``two_moons`` (Lueckmann et al. 2021): a 2-D crescent-shaped, bimodal posterior.

Prior, simulator and metric live in ``tasks._sbi``; ``files/registry.txt`` lists the
benchmark's observations and reference posterior samples.
"""

from tasks._sbi.task import make_task

TASK = make_task(
    "two_moons",
    "Can amortised neural posterior estimation recover a bimodal, crescent-shaped 2-D posterior from simulations alone?",
)
