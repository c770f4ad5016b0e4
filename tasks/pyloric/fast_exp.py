"""exp for whole rows of arguments: a branch-free polynomial that LLVM vectorises, or libm's.

libm's exp is a scalar call per element; ``vexp`` evaluates 4 (AVX2) or 8 (AVX-512) at once and
differs from it by rounding only (relative error <= 2.3e-16).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from benchmarks.tasks.pyloric import _jit_cache  # noqa: F401  (drops stale numba caches)

_JIT = dict(cache=True, error_model="numpy")

_LOG2E = 1.4426950408889634
_LN2_HI = 6.93145751953125e-1  # Cody-Waite split of ln 2
_LN2_LO = 1.42860682030941723212e-6


@numba.njit(**_JIT)
def vexp(x: np.ndarray, out: np.ndarray, bits: np.ndarray, scale: np.ndarray) -> None:
    """out = exp(x) elementwise (relative error <= 2.3e-16).

    bits: int64 scratch of the same length and scale its float64 view (``bits.view(float)``),
    made once by the caller because a view per call costs as much as the exps.

    Arguments are clamped to [-708, 709] (no overflow, no subnormals); NaN is not propagated,
    the caller checks V for divergence instead.
    """
    for i in range(x.shape[0]):
        xi = min(max(x[i], -708.0), 709.0)
        k = math.floor(xi * _LOG2E + 0.5)
        r = (xi - k * _LN2_HI) - k * _LN2_LO  # |r| <= ln2 / 2
        # Taylor polynomial of degree 13: truncation error < 5e-18 on |r| <= 0.347
        p = 1.0 / 6227020800.0
        p = p * r + 1.0 / 479001600.0
        p = p * r + 1.0 / 39916800.0
        p = p * r + 1.0 / 3628800.0
        p = p * r + 1.0 / 362880.0
        p = p * r + 1.0 / 40320.0
        p = p * r + 1.0 / 5040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        out[i] = p * r + 1.0
        bits[i] = (np.int64(k) + 1023) << 52  # 2**k as float64 bits
    for i in range(x.shape[0]):
        out[i] *= scale[i]


@numba.njit(**_JIT)
def libm_exp_row(x: np.ndarray, out: np.ndarray) -> None:
    """out = exp(x) with libm's exp, one call per element (the reference's arithmetic)."""
    for i in range(x.shape[0]):
        out[i] = math.exp(x[i])
