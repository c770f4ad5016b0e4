"""SBI benchmark task ``gaussian_linear`` (Lueckmann et al. 2021): 10-D Gaussian with an analytic posterior.

Prior, simulator, the closed-form posterior and the metric live in ``benchmarks.tasks._sbi``;
``files/registry.txt`` lists the benchmark's observations and reference posterior samples.
"""

from benchmarks.task import Shows, Topline
from benchmarks.tasks._sbi.task import make_task
from benchmarks.tasks.gaussian_linear.sizes import BUDGETS, DESCRIPTIONS

TASK = make_task(
    "gaussian_linear",
    "How many simulations does neural posterior estimation need to match a known 10-D Gaussian posterior?",
    data="10 parameters (Gaussian prior, variance 0.1) and 10-D simulated data, the parameters plus Gaussian noise "
         "of the same variance, so that the posterior is a Gaussian known in closed form.",
    toplines=(
        # the best published C2ST at the default's budget and metric (baselines/published/gaussian_linear.csv, size default)
        Topline("Single-round NLE (MAF likelihood, slice sampling): C2ST 0.570 (sbibm rerun with sbi 0.23, "
                "sbi-benchmark/results re-sbibm_sbi_023.csv)",
                "published", "sbibm/gaussian_linear",
                protocol="C2ST_1K at 1,000 simulations, as the default size; sbibm's own implementation of the method "
                         "(sbi 0.23)"),
        # the best at the paper's main setting (baselines/published/gaussian_linear.csv, size 100k)
        Topline("Single-round NPE (neural spline flow): C2ST 0.506 (Lueckmann et al. 2021, AISTATS; "
                "sbi-benchmark/results main_paper.csv)",
                "published", "sbibm/gaussian_linear",
                protocol="the paper's main setting: 100,000 simulations, C2ST on 10,000 vs 10,000 samples (the suite's "
                         "100k and full sizes)"),
    ),
    budgets=BUDGETS,
    descriptions=DESCRIPTIONS,
    smoke_shows=(Shows("npe", "prior", margin=0.02), Shows("snpe", "prior", margin=0.03)),
)
