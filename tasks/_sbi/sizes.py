"""The budget of each size of the SBI reference tasks, and its description (light module: no numpy).

``1k``, ``10k`` and ``100k`` are the paper's settings: C2ST on 10,000 samples per side (the
benchmark's main metric). ``full`` is ``100k``; the paper's 10^6 budget is left out (days of CPU
for NPE).

``default`` is the 1k budget scored with sbibm's other published C2ST, ``C2ST_1K``: the same
classifier on the first 1,000 reference against 1,000 approximate samples. The 10,000-sample C2ST
cannot fit a laptop's run: its classifier trains for 400-650 epochs on 16,000 samples per fold in
10-D, 45-62 s per observation on 2 free cores (the batched torch version, 4x scikit-learn's), so a
gaussian_linear cell spends 8-10 minutes on the metric alone; at 1,000 samples the 10 observations
take 30 s. The rows beside it are the ``C2ST_1K_Z`` values of sbibm's own rerun (sbi 0.23).
Single-round NPE took 216 s (two_moons), 82 s (gaussian_linear) and 271 s (slcp) at 10k
simulations, 14-27 s at 1k.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Observations the benchmark ships per task (``num_observation_1`` .. ``num_observation_10``).
N_OBSERVATIONS = 10


@dataclass(frozen=True)
class Budget:
    """What one size spends (``ctx.budget``; ``--set TASK.num_simulations=N`` overrides the simulations, a neural
    method's ``max_epochs`` parameter its epochs: ``--method 'npe[max_epochs=50]'``).

    ``c2st_max_iter`` is no budget of the methods: it caps the epochs of the C2ST classifier, so
    it is part of the metric's definition at this size. ``load`` hands it to ``evaluate`` in
    :class:`~benchmarks.tasks._sbi.data.SBIData` (as ``c2st_max_iter``), and every method of the size is
    scored with the same classifier.
    """

    num_simulations: int  # prior draws and their simulations, shared by every method of a cell
    num_observations: int  # benchmark observations evaluated (1..N_OBSERVATIONS)
    num_samples: int  # posterior samples each method draws per observation
    max_epochs: int  # training epochs at most of the neural methods, per round for snpe (sbi stops earlier on a validation plateau)
    c2st_max_iter: int = 10_000  # the metric's classifier epoch cap (sbibm's value; lower only at smoke)
    c2st_samples: int = 10_000  # samples per side C2ST compares, the first of each set (sbibm: 10,000; C2ST_1K: 1,000)
    snpe_rounds: int = 10  # rounds of sequential NPE per observation, sharing the simulations (sbibm's 10)
    mcmc_chains: int = 100  # slice-sampling chains per observation of NLE and NRE (sbibm's 100)
    mcmc_warmup: int = 100  # steps each chain discards first (sbibm's 100)
    mcmc_thin: int = 1  # keep every n-th step (sbi's default 1; sbibm's 10 costs 3.7x for no C2ST gain here)


BUDGETS = {
    # smoke: on 500 samples the C2ST classifier otherwise trains for thousands of epochs
    "smoke": Budget(500, 1, 500, 20, c2st_max_iter=50, c2st_samples=500, snpe_rounds=3, mcmc_chains=20,
                    mcmc_warmup=20),
    "1k": Budget(1_000, N_OBSERVATIONS, 10_000, 1_000),
    "10k": Budget(10_000, N_OBSERVATIONS, 10_000, 1_000),
    "100k": Budget(100_000, N_OBSERVATIONS, 10_000, 1_000),
}
# the first 1,000 of sbibm's 10,000 samples are 1,000 draws: every default method samples i.i.d.
BUDGETS["default"] = Budget(1_000, N_OBSERVATIONS, 1_000, 1_000, c2st_samples=1_000)
BUDGETS["full"] = BUDGETS["100k"]

DESCRIPTIONS = {
    "smoke": "500 simulations, observation 1 only, 500 posterior samples for C2ST, networks <= 20 epochs, 3 SNPE rounds, 20 MCMC chains with 20 warmup steps, C2ST classifier <= 50 epochs (pipeline check, not comparable to the paper)",
    "1k": "10^3 simulations; the 10 benchmark observations, C2ST on 10,000 vs 10,000 samples (benchmark setting)",
    "10k": "10^4 simulations; the 10 benchmark observations, C2ST on 10,000 vs 10,000 samples (benchmark setting)",
    "100k": "10^5 simulations; the 10 benchmark observations, C2ST on 10,000 vs 10,000 samples (benchmark setting)",
}
DESCRIPTIONS["default"] = ("10^3 simulations; the 10 benchmark observations, C2ST on 1,000 vs 1,000 samples "
                           "(sbibm's C2ST_1K, published beside its main C2ST; not comparable with the 1k size's "
                           "C2ST on 10,000)")
DESCRIPTIONS["full"] = ("same as 100k: " + DESCRIPTIONS["100k"]
                        + "; the paper's 10^6 budget is not included")
