"""The budget of each size of the pyloric task, and its description (light module, imported by ``__init__``).

A simulation costs about 0.1 core-seconds in the bank's groups of 8 (noise and statistics
included; 0.12 alone, up to 1.7x more on busy shared cores) and about 0.96 % of prior
simulations are valid, so valid training simulations are the bottleneck: 2,000 -> 26,
100,000 -> 964 (Goncalves et al. trained on 174,000 valid of ~18 M; Deistler et al. on
438,608 valid of 9 M, over three rounds). ``npe_restricted`` spends ``rounds`` more simulations
after the bank, each round drawn from the prior restricted by a classifier of valid parameters.

The first rows of bank 0 ship with the code (``shipped_bank``, up to 100,000, about 3 core-hours):
smoke and default read their 2,000 and full reads all that shipped instead of simulating them.

What a default run spends (2 cores, cold data cache, 2 min 16 s in all): reading the bank (1 s),
the predictive checks 4 methods x 200 (~12 s each), ``npe_restricted``'s rounds 2 x 300 (~19 s
each) and three classifier trainings (~30-55 s), NPE training (5-7 s). Measured there (task
version 5, seed 0): predictive valid fraction 0.105 for npe, 0.09-0.15 for npe_restricted
(false_negatives 0.1, 0, 0.2; 95 % intervals 0.05-0.21), 0.755 for rejection ABC (which returns
valid bank parameters), 0.005 for the prior; close fraction 0 for all. The posterior is calibrated
(error 0.01-0.03) but broad: ~790 valid simulations do not concentrate it on the thin valid set.
NPE's valid fraction grew from 0.05 (79 valid) to 0.07 (231, 301) and 0.105 (~790); Goncalves et
al. reached 0.79 with 174,000 valid and Deistler et al. 0.85 with 438,608. The classifier does
enrich (``python -m benchmarks.tasks.pyloric.enrichment``, on 20,000 held-out bank rows, false_negatives
0.1 / 0.2): 1.8 / 2.0x from 99 valid, 2.3 / 3.0x from 376, 2.1 / 2.9x from 767 (Deistler: 5.3x from
29,193), and the rounds ran at 2.3-5.3 % valid against the prior's 0.96 %, but 600 round
simulations add ~20 valid to ~790: a valid fraction of 0.5 needs the full size's rounds.

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
    """What one cell of a size spends (``ctx.budget``; ``--method 'npe[max_epochs=N]'`` overrides the cap)."""

    n_simulations: int  # prior simulations in the bank (valid and invalid)
    n_predictive: int  # posterior-predictive simulations per method (~0.1 core-s each)
    n_posterior_samples: int  # posterior samples given x_o
    n_heldout_samples: int  # posterior samples per held-out observation (calibration)
    max_epochs: int  # NPE training epochs at most (sbi stops earlier on a validation plateau)
    rounds: tuple[int, ...] = ()  # npe_restricted: simulations of each round after the bank
    classifier_epochs: int = 100  # npe_restricted: classifier epochs at most per round
    # False: the bank is the shipped rows (up to n_simulations) whatever the bank seed and device; it is never simulated
    simulate_bank: bool = True


BUDGETS = {
    "smoke": Budget(2_000, 12, 1_000, 100, 30, rounds=(100,), classifier_epochs=30, simulate_bank=False),
    "default": Budget(100_000, 200, 1_000, 200, 500, rounds=(300, 300), classifier_epochs=100, simulate_bank=False),
    "full": Budget(100_000, 1_000, 10_000, 500, 1_000, rounds=(100_000, 100_000), classifier_epochs=300),
}

DESCRIPTIONS = {
    "smoke": "the first 2,000 shipped prior simulations (26 valid: ~20 to train, ~5 held out), one restricted "
             "round of 100, 12 predictive simulations: a pipeline check, the posterior is barely narrower than "
             "the prior",
    "default": "the 100,000 shipped prior simulations (964 valid: ~770 to train, ~190 held out), two restricted "
               "rounds of 300, 200 predictive simulations per method: a calibrated but broad posterior (about "
               "10% of its predictive simulations are valid; the papers trained on 175k-440k valid)",
    "full": "the 100,000 shipped prior simulations (another bank_seed: simulated, as a job array of prepare steps) "
            "and two restricted rounds of 100,000 (for a cluster), 1,000 predictive simulations; the papers used "
            "9-18 M simulations (175k-440k valid)",
}
