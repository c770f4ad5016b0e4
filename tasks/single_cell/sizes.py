"""What each size of the single_cell task reads (light module, imported by ``__init__``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """The data of one size.

    ``auto_source``: what ``source=auto`` reads at this size (``"synthetic"`` or ``"pbmc68k"``);
    ``n_cells``: how many cells the synthetic source simulates (the ``n_cells`` option overrides it).
    """

    auto_source: str
    n_cells: int


BUDGETS = {
    "smoke": Budget(auto_source="synthetic", n_cells=2_000),
    "default": Budget(auto_source="pbmc68k", n_cells=20_000),
    "full": Budget(auto_source="synthetic", n_cells=100_000),
}

DESCRIPTIONS = {
    "smoke": "2,000 synthetic Splat-like cells (16 types)",
    "default": "scanpy's pbmc68k_reduced: 700 real PBMCs, 10 labelled types, no download "
               "(source=synthetic: 20,000 cells)",
    "full": "100,000 synthetic cells (set n_cells up to 1,000,000); the paper's large-data recipe above 50,000",
}
