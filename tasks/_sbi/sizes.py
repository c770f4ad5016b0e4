"""The budget of each size of the SBI reference tasks, and its description (light module: no numpy).

``default`` is ``1k`` and ``full`` is ``100k``; the paper's 10^6 budget is left out (days of CPU
for NPE). ``default`` is the 1k budget because it is the published sbibm setting that fits a
laptop's run: on 2 shared cores single-round NPE alone took 216 s (two_moons), 82 s
(gaussian_linear) and 271 s (slcp) at 10k, but 14-27 s at 1k.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Observations the benchmark ships per task (``num_observation_1`` .. ``num_observation_10``).
N_OBSERVATIONS = 10


@dataclass(frozen=True)
class Budget:
    """What one size spends (``ctx.budget``; ``--set TASK.num_simulations=N`` and ``max_epochs`` override).

    ``c2st_max_iter`` is no budget of the methods: it caps the epochs of the C2ST classifier, so
    it is part of the metric's definition at this size. ``load`` hands it to ``evaluate`` in
    :class:`~tasks._sbi.data.SBIData` (as ``c2st_max_iter``), and every method of the size is
    scored with the same classifier.
    """

    num_simulations: int  # prior draws and their simulations, shared by every method of a cell
    num_observations: int  # benchmark observations evaluated (1..N_OBSERVATIONS)
    num_samples: int  # posterior samples each method draws per observation (and C2ST compares)
    max_epochs: int  # training epochs at most of the neural methods, per round for snpe (sbi stops earlier on a validation plateau)
    c2st_max_iter: int = 10_000  # the metric's classifier epoch cap (sbibm's value; lower only at smoke)
    snpe_rounds: int = 10  # rounds of sequential NPE per observation, sharing the simulations (sbibm's 10)
    mcmc_chains: int = 100  # slice-sampling chains per observation of NLE and NRE (sbibm's 100)
    mcmc_warmup: int = 100  # steps each chain discards first (sbibm's 100)
    mcmc_thin: int = 1  # keep every n-th step (sbi's default 1; sbibm's 10 costs 3.7x for no C2ST gain here)


BUDGETS = {
    # smoke: on 500 samples the C2ST classifier otherwise trains for thousands of epochs
    "smoke": Budget(500, 1, 500, 20, c2st_max_iter=50, snpe_rounds=3, mcmc_chains=20, mcmc_warmup=20),
    "1k": Budget(1_000, N_OBSERVATIONS, 10_000, 1_000),
    "10k": Budget(10_000, N_OBSERVATIONS, 10_000, 1_000),
    "100k": Budget(100_000, N_OBSERVATIONS, 10_000, 1_000),
}
BUDGETS["default"] = BUDGETS["1k"]
BUDGETS["full"] = BUDGETS["100k"]

DESCRIPTIONS = {
    "smoke": "500 simulations, observation 1 only, 500 posterior samples for C2ST, networks <= 20 epochs, 3 SNPE rounds, 20 MCMC chains with 20 warmup steps, C2ST classifier <= 50 epochs (pipeline check, not comparable to the paper)",
    "1k": "10^3 simulations; the 10 benchmark observations, 10,000 posterior samples each (benchmark setting)",
    "10k": "10^4 simulations; the 10 benchmark observations, 10,000 posterior samples each (benchmark setting)",
    "100k": "10^5 simulations; the 10 benchmark observations, 10,000 posterior samples each (benchmark setting)",
}
DESCRIPTIONS["default"] = "same as 1k: " + DESCRIPTIONS["1k"]
DESCRIPTIONS["full"] = ("same as 100k: " + DESCRIPTIONS["100k"]
                        + "; the paper's 10^6 budget is not included (days of CPU for NPE)")
