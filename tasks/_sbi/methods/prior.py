"""Control: the prior as posterior."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from benchmarks.tasks._sbi.data import SBIInput

if TYPE_CHECKING:
    from benchmarks.context import RunContext

PRIOR_STREAM = 1  # the random stream version 1 of the tasks drew with


def prior(data: SBIInput, ctx: RunContext) -> dict:
    """Control: prior draws as posterior samples, the same for every observation."""
    rng = ctx.rng(PRIOR_STREAM)
    samples = np.stack([data.problem.sample_prior(ctx.budget.num_samples, rng) for _ in data.observations])
    return {"samples": samples}
