"""Pyloric network (Prinz et al. 2004) simulator, summary statistics, prior and simulation bank.

The SBI task itself is assembled elsewhere; this package has no ``TASK`` so the registry skips it.
Modules: ``model`` (constants and names), ``simulator`` (batched numba CPU path, the entry point),
``kernel`` / ``kernel_libm`` (the integration, fast and reference arithmetic), ``noise`` (the
reference's random stream), ``statistics`` (the 18 summary statistics), ``prior`` (box prior,
parameter validation), ``observation`` (x_o), ``bank`` (simulations stored on disk),
``torch_simulator`` (the same equations in torch, for GPUs).
"""
