"""The budget of each size of the pyloric task, and its description (light module, imported by ``__init__``).

A simulation costs about 0.1 core-seconds in the bank's groups of 8 (noise and statistics
included; 0.12 alone, up to 1.7x more on busy shared cores) and about 1.3 % of prior
simulations are valid, so valid training simulations are the bottleneck: 2,000 -> 26,
100,000 -> ~1,300 (Goncalves et al. trained on 174,000 valid of ~18 M; Deistler et al. on
438,608 valid of 9 M, over three rounds). ``npe_restricted`` spends ``rounds`` more simulations
after the bank, each round drawn from the prior restricted by a classifier of valid parameters.

The first rows of bank 0 ship with the code (``shipped_bank``, up to 100,000, about 3 core-hours):
smoke and default read their 2,000 and full reads all that shipped instead of simulating them.

What a default run spends (2 free cores, ~0.19 s wall a simulation): ``npe_restricted``'s rounds
2 x 300 (~1.8 min, every run) and the predictive checks 4 methods x 200 (~2.5 min); training
takes seconds. At this budget the classifier cannot restrict: trained on the bank's 26 valid
simulations it keeps held-out valid and invalid parameters alike (measured over 12 classifier
seeds: at ``false_negatives`` 0 it keeps 66-100 % of the prior and 92 % of held-out valid rows;
tighter thresholds lose valid rows about as fast as invalid ones), so the rounds add prior draws.
The predictive checks are 200 per method so that valid fractions of a few percent are told apart.

What full spends: the bank 100,000 (shipped; the rows not shipped yet are ``prepare``'s chunks,
which ``--executor slurm`` runs as a job array before any cell, ~0.1 core-s each),
``npe_restricted``'s rounds 2 x 100,000 (~6 core-hours inside its cell, which cannot be
prepared because each round needs the classifier of the last: give that job many cores, e.g.
32 cores ~ 10 min a round), predictive checks 4 x 1,000 (0.1 core-hours).
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
    # False: the bank is the shipped rows (up to n_simulations) whatever the bank seed and device; it is never simulated
    simulate_bank: bool = True


BUDGETS = {
    "smoke": Budget(2_000, 12, 1_000, 100, 30, rounds=(100,), classifier_epochs=30, simulate_bank=False),
    "default": Budget(2_000, 200, 1_000, 200, 500, rounds=(300, 300), classifier_epochs=100),
    "full": Budget(100_000, 1_000, 10_000, 500, 1_000, rounds=(100_000, 100_000), classifier_epochs=300),
}

DESCRIPTIONS = {
    "smoke": "2,000 shipped prior simulations (26 valid: ~20 to train, ~5 held out), one restricted round of "
             "100, 12 predictive simulations: a pipeline check, the posterior is barely narrower than the prior",
    "default": "the 2,000 shipped prior simulations (26 valid) and two restricted rounds of 300, 200 predictive "
               "simulations per method: a weak posterior (the classifier cannot restrict from 26 valid "
               "simulations)",
    "full": "100,000 prior simulations (~1,000 valid) and two restricted rounds of 100,000 (for a cluster, "
            "whose prepare steps build the bank as a job array), 1,000 "
            "predictive simulations; the papers used 9-18 M simulations (175k-440k valid)",
}
