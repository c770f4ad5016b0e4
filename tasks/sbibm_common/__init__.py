"""Shared code of the SBI benchmark reference tasks (``two_moons``, ``gaussian_linear``, ``slcp``).

After Lueckmann et al. (2021), "Benchmarking Simulation-Based Inference" (AISTATS; package
``sbibm`` 1.1.0). Priors and simulators are written here from the paper's task definitions
(``problems``); observations and reference posterior samples are the benchmark's files, fetched
through ``benchmarks.data`` (``references``). The metric is the benchmark's C2ST (``c2st``).
This package has no ``TASK``, so the registry skips it; each task folder builds its ``TASK``
with ``tasks.sbibm_common.task:make_task``.
"""
