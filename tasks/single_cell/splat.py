"""Synthetic UMI count matrices after the Splat model (Zappia, Phipson & Oshlack 2017, Genome Biol 18:174).

Steps and defaults follow Splatter's ``SplatParams``: gamma gene means with expression outliers,
log-normal library sizes, log-normal differential-expression factors per group, gamma-Poisson
(negative binomial) biological variation with Splat's BCV formula. Two additions make the cell types
look like a real atlas: a two-level hierarchy (types within a family share the family's DE genes)
and unequal type frequencies down to rare types of a fraction of a percent. No dropout step
(Splat's default ``dropout.type = "none"``).

Cells are drawn in blocks, each from its own child of the seed, so memory stays bounded at 10^6 cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class SplatParams:
    """Parameters of the generator (Splatter names in brackets; defaults = Splatter's unless noted)."""

    n_genes: int = 2_000  # fewer than Splatter's 10,000 so that 10^6 cells stay affordable
    mean_shape: float = 0.6  # [mean.shape]
    mean_rate: float = 0.3  # [mean.rate]
    out_prob: float = 0.05  # [out.prob]
    out_fac_loc: float = 4.0  # [out.facLoc]
    out_fac_scale: float = 0.5  # [out.facScale]
    lib_loc: float = 8.3  # [lib.loc]; Splatter's 11 (~60k counts) is too deep for UMI data: e^8.3 ~ 4k UMIs
    lib_scale: float = 0.2  # [lib.scale]
    n_families: int = 4  # hierarchy: families of related types (addition)
    types_per_family: int = 4
    family_de_prob: float = 0.1  # family-level DE: stronger than type-level so families separate first
    family_de_loc: float = 0.5
    family_de_scale: float = 0.5
    de_prob: float = 0.1  # [de.prob]
    de_down_prob: float = 0.5  # [de.downProb]
    de_fac_loc: float = 0.1  # [de.facLoc]
    de_fac_scale: float = 0.4  # [de.facScale]
    frequency_decay: float = 0.75  # type frequencies proportional to decay**rank: the rarest ~0.3 % at 16 types
    bcv_common: float = 0.1  # [bcv.common]
    bcv_df: float = 60.0  # [bcv.df]

    @property
    def n_types(self) -> int:
        return self.n_families * self.types_per_family


@dataclass(frozen=True)
class SplatData:
    """A simulated data set: ``counts`` (n_cells, n_genes) CSR float32 UMI counts, ``labels`` (n_cells,) int
    type codes, ``type_names`` the names of the codes (``"F<family>.T<type>"``), ``family`` (n_types,) the family
    of each type."""

    counts: sp.csr_matrix
    labels: np.ndarray
    type_names: tuple[str, ...]
    family: np.ndarray


def _de_factors(rng: np.random.Generator, n_groups: int, n_genes: int, prob: float, loc: float, scale: float,
                down_prob: float) -> np.ndarray:
    """(n_groups, n_genes) multiplicative DE factors: 1 for non-DE genes, LogNormal(loc, scale) for DE genes,
    inverted with probability ``down_prob`` (down-regulation)."""
    is_de = rng.random((n_groups, n_genes)) < prob
    factor = rng.lognormal(loc, scale, size=(n_groups, n_genes))
    down = rng.random((n_groups, n_genes)) < down_prob
    factor = np.where(down, 1.0 / factor, factor)
    return np.where(is_de, factor, 1.0)


def type_profiles(params: SplatParams, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-type expression proportions (n_types, n_genes; rows sum to 1), type frequencies (n_types,) and the
    family of each type (n_types,)."""
    gene_mean = rng.gamma(params.mean_shape, 1.0 / params.mean_rate, size=params.n_genes)
    outlier = rng.random(params.n_genes) < params.out_prob
    outlier_factor = rng.lognormal(params.out_fac_loc, params.out_fac_scale, size=params.n_genes)
    gene_mean = np.where(outlier, np.median(gene_mean) * outlier_factor, gene_mean)

    family_factor = _de_factors(rng, params.n_families, params.n_genes, params.family_de_prob,
                                params.family_de_loc, params.family_de_scale, params.de_down_prob)
    type_factor = _de_factors(rng, params.n_types, params.n_genes, params.de_prob, params.de_fac_loc,
                              params.de_fac_scale, params.de_down_prob)
    family = np.repeat(np.arange(params.n_families), params.types_per_family)
    means = gene_mean[None, :] * family_factor[family] * type_factor
    proportions = means / means.sum(axis=1, keepdims=True)

    weights = params.frequency_decay ** rng.permutation(params.n_types)  # which types are rare depends on the seed
    return proportions, weights / weights.sum(), family


def _simulate_chunk(params: SplatParams, proportions: np.ndarray, bcv_gene: np.ndarray, labels: np.ndarray,
                    rng: np.random.Generator) -> sp.csr_matrix:
    library = rng.lognormal(params.lib_loc, params.lib_scale, size=len(labels))
    mean = library[:, None] * proportions[labels]  # Splat step 6: means sum to the library size
    bcv = (params.bcv_common + 1.0 / np.sqrt(mean)) * bcv_gene[None, :]  # Splat step 7
    shape = 1.0 / bcv**2
    true_mean = rng.gamma(shape, mean / shape)  # Gamma(1/BCV^2, scale mu*BCV^2): mean mu, CV = BCV
    counts = rng.poisson(true_mean).astype(np.float32)  # Splat step 8: gamma-Poisson = negative binomial
    return sp.csr_matrix(counts)


def simulate(n_cells: int, seed: int, params: SplatParams | None = None,
             track: Callable[..., Any] | None = None) -> SplatData:
    """Simulate ``n_cells`` (>= 1) cells, deterministic in ``seed``.

    ``track(iterable, description, total=None)`` (the run context's ``ctx.track``), when given, reports
    progress over the blocks of cells. Cost: about 2 x n_cells x n_genes random draws (~2 s per 10^4 cells at
    2,000 genes on one core).
    """
    params = params or SplatParams()
    root = np.random.SeedSequence([seed, 0x5C])
    profile_seed, label_seed, bcv_seed, cells_seed = root.spawn(4)
    proportions, frequency, family = type_profiles(params, np.random.default_rng(profile_seed))
    labels = np.random.default_rng(label_seed).choice(params.n_types, size=n_cells, p=frequency)
    # Splatter draws the chi-square term of the BCV once per gene
    bcv_gene = np.sqrt(params.bcv_df / np.random.default_rng(bcv_seed).chisquare(params.bcv_df, params.n_genes))

    # blocks of 10,000 cells, each with its own random stream: bounded memory at 10^6 cells
    block = 10_000
    starts = range(0, n_cells, block)
    streams = cells_seed.spawn(len(starts))
    pieces = []
    blocks = list(zip(starts, streams))
    if track is not None:
        blocks = track(blocks, f"simulating {n_cells:,} cells", total=len(blocks))
    for start, stream in blocks:
        stop = min(start + block, n_cells)
        pieces.append(_simulate_chunk(params, proportions, bcv_gene, labels[start:stop],
                                      np.random.default_rng(stream)))
    counts = sp.vstack(pieces, format="csr") if len(pieces) > 1 else pieces[0]
    names = tuple(f"F{family[t]}.T{t}" for t in range(params.n_types))
    return SplatData(counts=counts, labels=labels, type_names=names, family=family)
