"""SBI benchmark task ``slcp`` (Lueckmann et al. 2021): simple likelihood, complex (4-modal) 5-D posterior.

Prior, simulator and metric live in ``benchmarks.tasks._sbi``; ``files/registry.txt`` lists the
benchmark's observations and reference posterior samples.
"""

from benchmarks.task import Topline
from benchmarks.tasks._sbi.task import make_task
from benchmarks.tasks.slcp.sizes import BUDGETS, DESCRIPTIONS

TASK = make_task(
    "slcp",
    "Can neural posterior estimation capture a 5-D posterior with four symmetric modes from a Gaussian simulator?",
    data="5 parameters (uniform prior on [-3, 3]^5) and 8-D simulated data: four 2-D points drawn from a Gaussian "
         "whose mean, scales and correlation the parameters set, so that the posterior has four symmetric modes.",
    toplines=(
        # the best published C2ST at the default's budget and metric (baselines/published/slcp.csv, size default)
        Topline("Single-round NLE (MAF likelihood, slice sampling): C2ST 0.918 (sbibm rerun with sbi 0.23, "
                "sbi-benchmark/results re-sbibm_sbi_023.csv)",
                "published", "sbibm/slcp",
                protocol="C2ST_1K at 1,000 simulations, as the default size; sbibm's own implementation of the method "
                         "(sbi 0.23)"),
        # the best at the paper's main setting (baselines/published/slcp.csv, size 100k)
        Topline("SNPE-C (APT), 10 rounds per observation: C2ST 0.666 (Lueckmann et al. 2021, AISTATS; "
                "sbi-benchmark/results main_paper.csv)",
                "published", "sbibm/slcp",
                protocol="the paper's main setting: 100,000 simulations, C2ST on 10,000 vs 10,000 samples (the suite's "
                         "100k and full sizes)"),
    ),
    budgets=BUDGETS,
    descriptions=DESCRIPTIONS,
    # 500 simulations separate no method from the prior's C2ST (all 0.945-0.961): NPE against the prior on 3,000
    # simulations is tests/sbibm's test_beats_the_prior_on_a_small_budget
    smoke_shows=(),
)
