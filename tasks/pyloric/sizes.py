"""The budget of each size of the pyloric task, and its description (light module, imported by ``__init__``).

A simulation costs 0.25-0.4 core-seconds (statistics included) and about 1 % of prior
simulations are valid, so valid training simulations are the bottleneck: 2,000 -> ~26,
2,500 -> ~30, 100,000 -> ~1,000 (Goncalves et al. trained on 174,000 valid of ~18 M; Deistler et
al. on 438,608 valid of 9 M, over three rounds). ``npe_restricted`` spends ``rounds`` more
simulations after the bank, each round drawn from the prior restricted by a classifier of valid
parameters, where more of them are valid.

What a default run spends (measured from a cold cache on 2 free cores: 9.3 min; training takes
seconds): the bank 2,000 simulations (6.4 min at 0.19 s wall each, cached), ``npe_restricted``'s
rounds 2 x 300 (1.8 min, every run), the predictive checks 4 methods x 60 (~10 s each).
Simulation is ~95 % of the task: each simulation in this budget is paid for out of the 9
minutes of a laptop's default run. At this budget the classifier learns from ~21 valid
simulations and its region still holds the whole prior, so the rounds add prior draws.

What full spends, at the ~0.38 core-s a simulation measured here with both cores busy (0.25 on
one core of a quiet machine): the bank 100,000 (~10.5 core-hours; ``prepare`` returns its 400
chunks as steps, which ``--executor slurm`` runs as a job array before any cell),
``npe_restricted``'s rounds 2 x 100,000 (~21 core-hours inside its cell, which cannot be
prepared because each round needs the classifier of the last: give that job many cores, e.g.
32 cores ~ 20 min a round), predictive checks 4 x 1,000 (0.4 core-hours).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """What one cell of a size spends (``ctx.budget``; ``--set pyloric.max_epochs=N`` overrides the cap)."""

    n_simulations: int  # prior simulations in the bank (valid and invalid)
    n_predictive: int  # posterior-predictive simulations per method (0.25-0.4 core-s each)
    n_posterior_samples: int  # posterior samples given x_o
    n_heldout_samples: int  # posterior samples per held-out observation (calibration)
    max_epochs: int  # NPE training epochs at most (sbi stops earlier on a validation plateau)
    rounds: tuple[int, ...] = ()  # npe_restricted: simulations of each round after the bank
    classifier_epochs: int = 100  # npe_restricted: classifier epochs at most per round


BUDGETS = {
    "smoke": Budget(2_000, 12, 1_000, 100, 30, rounds=(100,), classifier_epochs=30),
    "default": Budget(2_000, 60, 1_000, 200, 500, rounds=(300, 300), classifier_epochs=100),
    "full": Budget(100_000, 1_000, 10_000, 500, 1_000, rounds=(100_000, 100_000), classifier_epochs=300),
}

DESCRIPTIONS = {
    "smoke": "2,000 shipped prior simulations (26 valid: ~20 to train, ~5 held out), one restricted round of "
             "100, 12 predictive simulations: a pipeline check, the posterior is barely narrower than the prior",
    "default": "2,000 prior simulations (~26 valid; cached) and two restricted rounds of 300, 60 predictive "
               "simulations per method: a weak posterior, what ~9 minutes of 2 cores buy",
    "full": "100,000 prior simulations (~1,000 valid) and two restricted rounds of 100,000 (~32 core-hours "
            "at ~0.38 core-s each: a cluster, whose prepare steps build the bank as a job array), 1,000 "
            "predictive simulations; the papers used 9-18 M simulations (175k-440k valid)",
}
