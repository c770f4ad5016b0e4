"""Methods of the SBI reference tasks, one module per family.

- ``prior``: the prior as posterior (control);
- ``rejection_abc``: rejection ABC with a KDE (baseline);
- ``npe``: single-round NPE, and sequential NPE (SNPE-C / APT, per observation);
- ``fmpe``: flow-matching posterior estimation; ``npse``: score-based posterior estimation;
- ``nle``: neural likelihood estimation; ``nre``: neural ratio estimation (both sampled by MCMC, ``mcmc``);
- ``common``: what the sbi methods share (threads, training, the numpy-seeded MCMC).

Each method is ``fn(data, ctx)``, the neural ones ``fn(data, ctx, *, max_epochs)`` (their parameter), where
``data`` is a ``data.SBIInput`` (simulations and observations, no reference posterior), and returns
``{"samples": (k, num_samples, dim_theta) float64, ...}``: ``ctx.budget.num_samples`` posterior samples for
each of the k observations of the data. Methods time
their phases with ``ctx.phase("train")`` / ``ctx.phase("sample")``; the runner records them. The task names each method by
``"benchmarks.tasks._sbi.methods.<module>:<function>"``; this package re-exports nothing but ``NPE_THREADS``
(a function named like its module would shadow the module as an attribute of the package).
"""

from benchmarks.tasks._sbi.methods.common import THREADS as NPE_THREADS

__all__ = ["NPE_THREADS"]
