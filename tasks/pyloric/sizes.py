"""The budget of each size of the pyloric task, and its description (light module, imported by ``__init__``).

The bank costs about 0.2 core-seconds per prior simulation and about 1 % are valid, so the
budget of valid training simulations is the bottleneck: 2,000 -> ~26, 8,000 -> ~80,
100,000 -> ~1,000 (Goncalves et al. trained on 174,000 valid of ~18 M; Deistler et al. on 438,608
valid of 9 M, over three rounds).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """What one cell of a size spends (``ctx.budget``; ``--set pyloric.max_epochs=N`` overrides the cap)."""

    n_simulations: int  # prior simulations in the bank (valid and invalid)
    n_predictive: int  # posterior-predictive simulations per method (0.2 core-s each)
    n_posterior_samples: int  # posterior samples given x_o
    n_heldout_samples: int  # posterior samples per held-out observation (calibration)
    max_epochs: int  # NPE training epochs at most (sbi stops earlier on a validation plateau)


BUDGETS = {
    "smoke": Budget(2_000, 6, 1_000, 100, 30),
    "default": Budget(8_000, 200, 1_000, 200, 500),
    "full": Budget(100_000, 1_000, 10_000, 500, 1_000),
}

DESCRIPTIONS = {
    "smoke": "2,000 shipped prior simulations (26 valid: ~20 to train, ~5 held out), 6 predictive "
             "simulations: a pipeline check, the posterior is barely narrower than the prior",
    "default": "8,000 prior simulations (~80 valid; ~13 min on 2 free cores the first time, then cached), "
               "200 predictive simulations: a weak posterior, what an honest CPU budget buys",
    "full": "100,000 prior simulations (~1,000 valid; ~6 core-hours, cluster), 1,000 predictive simulations; "
            "the papers used 9-18 M simulations (175k-440k valid)",
}
