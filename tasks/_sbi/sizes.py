"""The budget of each size of the SBI reference tasks, and its description (light module: no numpy).

``default`` is ``10k`` and ``full`` is ``100k``; the paper's 10^6 budget is left out (days of CPU
for NPE).
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
    max_epochs: int  # NPE training epochs at most (sbi stops earlier on a validation plateau)
    c2st_max_iter: int = 10_000  # the metric's classifier epoch cap (sbibm's value; lower only at smoke)


BUDGETS = {
    # smoke: on 500 samples the C2ST classifier otherwise trains for thousands of epochs
    "smoke": Budget(500, 1, 500, 20, c2st_max_iter=50),
    "1k": Budget(1_000, N_OBSERVATIONS, 10_000, 1_000),
    "10k": Budget(10_000, N_OBSERVATIONS, 10_000, 1_000),
    "100k": Budget(100_000, N_OBSERVATIONS, 10_000, 1_000),
}
BUDGETS["default"] = BUDGETS["10k"]
BUDGETS["full"] = BUDGETS["100k"]

DESCRIPTIONS = {
    "smoke": "500 simulations, observation 1 only, 500 posterior samples for C2ST, NPE <= 20 epochs, C2ST classifier <= 50 epochs (pipeline check, not comparable to the paper)",
    "1k": "10^3 simulations; the 10 benchmark observations, 10,000 posterior samples each (benchmark setting)",
    "10k": "10^4 simulations; the 10 benchmark observations, 10,000 posterior samples each (benchmark setting)",
    "100k": "10^5 simulations; the 10 benchmark observations, 10,000 posterior samples each (benchmark setting)",
}
DESCRIPTIONS["default"] = "same as 10k: " + DESCRIPTIONS["10k"]
DESCRIPTIONS["full"] = ("same as 100k: " + DESCRIPTIONS["100k"]
                        + "; the paper's 10^6 budget is not included (days of CPU for NPE)")
