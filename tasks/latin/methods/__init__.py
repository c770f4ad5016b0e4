"""The latin task's methods, one module per family: ``majority`` (control), ``svm`` (baselines), ``cnn`` (the paper's model).

Each method is ``fn(data, ctx, *, params) -> Prediction``, ``data`` being the
:class:`benchmarks.tasks.latin.data.LatinInput` view (no test authors); none trains another (the runner
pairs cells by their items).
"""
