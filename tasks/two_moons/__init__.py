"""SBI benchmark task ``two_moons`` (Lueckmann et al. 2021): a 2-D crescent-shaped, bimodal posterior.

Prior, simulator and metric live in ``benchmarks.tasks._sbi``; ``files/registry.txt`` lists the
benchmark's observations and reference posterior samples.
"""

from benchmarks.task import Shows, Topline
from benchmarks.tasks._sbi.task import make_task
from benchmarks.tasks.two_moons.sizes import BUDGETS, DESCRIPTIONS

TASK = make_task(
    "two_moons",
    "Can amortised neural posterior estimation recover a bimodal, crescent-shaped 2-D posterior from simulations alone?",
    data="2 parameters (uniform prior on [-1, 1]^2) and 2-D simulated data: a noisy point on a half circle, shifted "
         "by a non-linear function of the parameters, so that the posterior of each observation is bimodal and "
         "crescent-shaped.",
    toplines=(
        # the best published C2ST at the default's budget and metric (baselines/published/two_moons.csv, size default)
        Topline("SNPE-C (APT), 10 rounds per observation: C2ST 0.633 (sbibm rerun with sbi 0.23, "
                "sbi-benchmark/results re-sbibm_sbi_023.csv)",
                "published", "sbibm/two_moons",
                protocol="C2ST_1K at 1,000 simulations, as the default size; sbibm's own implementation of the method "
                         "(sbi 0.23)"),
        # the best at the paper's main setting (baselines/published/two_moons.csv, size 100k)
        Topline("SNPE-C (APT), 10 rounds per observation: C2ST 0.53 (Lueckmann et al. 2021, AISTATS; "
                "sbi-benchmark/results main_paper.csv)",
                "published", "sbibm/two_moons",
                protocol="the paper's main setting: 100,000 simulations, C2ST on 10,000 vs 10,000 samples (the suite's "
                         "100k and full sizes)"),
    ),
    budgets=BUDGETS,
    descriptions=DESCRIPTIONS,
    # 500 simulations: ABC and sequential NPE already narrow the crescents; single-round NPE does not yet
    smoke_shows=(Shows("rejection_abc", "prior", margin=0.1), Shows("snpe", "prior", margin=0.05)),
)
