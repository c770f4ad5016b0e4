"""Shared code of the SBI benchmark reference tasks (``two_moons``, ``gaussian_linear``, ``slcp``).

After Lueckmann et al. (2021), "Benchmarking Simulation-Based Inference" (AISTATS; package
``sbibm`` 1.1.0). Priors and simulators are written here from the paper's task definitions
(``problems``); observations and reference posterior samples are the benchmark's files, declared as a
dataset in ``task`` (fetched through ``benchmarks.data``) and read by ``references``. The metric is the benchmark's C2ST (``c2st``).
This package has no ``TASK``: its name starts with ``_``, so the registry skips it; each task
folder builds its ``TASK`` with ``benchmarks.tasks._sbi.task:make_task``. Rooms: ``sizes`` (budgets),
``data`` (``load``), ``methods/`` (one module per family), ``metrics`` (``evaluate``), ``figure``; beside them ``problems``
(priors and simulators), ``references`` (readers of the benchmark's files), ``c2st`` (the metric's
classifier) and ``tracker`` (an sbi tracker that logs nothing, shared with the pyloric task).
"""
