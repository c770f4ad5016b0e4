"""The reference simulator's noise: ``np.random.RandomState(seed).normal(scale, size=(3, n))``.

MT19937 seeded as ``RandomState(int)`` and numpy's legacy polar Gaussian, reimplemented in numba
so that each thread of a batch draws its own stream without numba's thread-local generator
(about 3x faster) and bit for bit equal to numpy's for the same seed.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from benchmarks.tasks.pyloric import _jit_cache  # noqa: F401  (drops stale numba caches)

_JIT = dict(cache=True, error_model="numpy")

_MT_N, _MT_M = 624, 397
_MT_MATRIX_A, _MT_UPPER, _MT_LOWER = 0x9908B0DF, 0x80000000, 0x7FFFFFFF


@numba.njit(**_JIT)
def _mt_twist(key: np.ndarray) -> None:
    for i in range(_MT_N - _MT_M):
        y = (key[i] & _MT_UPPER) | (key[i + 1] & _MT_LOWER)
        key[i] = key[i + _MT_M] ^ (y >> 1) ^ ((y & 1) * _MT_MATRIX_A)
    for i in range(_MT_N - _MT_M, _MT_N - 1):
        y = (key[i] & _MT_UPPER) | (key[i + 1] & _MT_LOWER)
        key[i] = key[i + _MT_M - _MT_N] ^ (y >> 1) ^ ((y & 1) * _MT_MATRIX_A)
    y = (key[_MT_N - 1] & _MT_UPPER) | (key[0] & _MT_LOWER)
    key[_MT_N - 1] = key[_MT_M - 1] ^ (y >> 1) ^ ((y & 1) * _MT_MATRIX_A)


@numba.njit(**_JIT)
def _mt_block(key: np.ndarray, out: np.ndarray) -> None:
    """Twist the state and write its 624 tempered 32-bit outputs (int64 values) to out."""
    _mt_twist(key)
    for i in range(_MT_N):
        y = key[i]
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        out[i] = y


@numba.njit(inline="always", **_JIT)
def _mt_next(key: np.ndarray, words: np.ndarray, pos: int) -> tuple[int, int]:
    if pos == _MT_N:
        _mt_block(key, words)
        pos = 0
    return words[pos], pos + 1


@numba.njit(**_JIT)
def fill_noise(seed: int, scale: float, out: np.ndarray) -> None:
    """Fill out (3, n) in C order with ``np.random.RandomState(seed).normal(scale=scale)`` draws.

    MT19937 seeded as ``RandomState(int)`` and numpy's legacy polar Gaussian, bit for bit, so
    the noise is the reference simulator's for the same seed (int64 arithmetic on 32-bit words).
    """
    key = np.empty(_MT_N, dtype=np.int64)
    x = seed & 0xFFFFFFFF
    for pos in range(_MT_N):
        key[pos] = x
        x = (1812433253 * (x ^ (x >> 30)) + pos + 1) & 0xFFFFFFFF
    words = np.empty(_MT_N, dtype=np.int64)
    pos = _MT_N
    flat = out.reshape(-1)
    total = flat.shape[0]
    i = 0
    while i < total:
        # two uniform doubles per coordinate, 53 bits each from two 32-bit words
        while True:
            if pos > _MT_N - 4:  # the rare refill falls between the four words
                u0, pos = _mt_next(key, words, pos)
                u1, pos = _mt_next(key, words, pos)
                u2, pos = _mt_next(key, words, pos)
                u3, pos = _mt_next(key, words, pos)
            else:
                u0, u1, u2, u3 = words[pos], words[pos + 1], words[pos + 2], words[pos + 3]
                pos += 4
            x1 = 2.0 * (((u0 >> 5) * 67108864.0 + (u1 >> 6)) / 9007199254740992.0) - 1.0
            x2 = 2.0 * (((u2 >> 5) * 67108864.0 + (u3 >> 6)) / 9007199254740992.0) - 1.0
            r2 = x1 * x1 + x2 * x2
            if r2 < 1.0 and r2 != 0.0:
                break
        f = math.sqrt(-2.0 * math.log(r2) / r2)
        flat[i] = 0.0 + scale * (f * x2)
        if i + 1 < total:
            flat[i + 1] = 0.0 + scale * (f * x1)
        i += 2
