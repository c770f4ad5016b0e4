"""The pyloric integration across a group of simulations at once, one SIMD lane per simulation.

``kernel.integrate`` vectorises the exponentials of one simulation; the rest of a step (gates,
currents, synapses, about half the time) stays scalar. Here every state variable is an array
over L simulations, each step's arithmetic is an innermost loop over the lanes that LLVM turns
into vector instructions, and every lane performs exactly ``kernel.integrate``'s operations in
its order (the same ``vexp``, no fused multiply-adds), so each simulation's result is bit for bit
the single-simulation kernel's. The one scalar call left is libm's log of [Ca] (3 per lane and step).

Layout: every quantity is a row of 3 x L values (neuron-major, lanes innermost), and each
innermost loop writes one row of one array while reading others. numba cannot tell LLVM that
arrays do not overlap, so LLVM vectorises a loop only behind run-time overlap checks, and gives
up on a loop that stores into an array it also reads at another offset, or that touches too
many arrays: the straightforward per-neuron loop stayed scalar. Rows keep it vectorised.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from tasks.pyloric import _jit_cache  # noqa: F401  (drops stale numba caches)
from tasks.pyloric import kernel as K

_JIT = dict(cache=True, error_model="numpy")

_DT, _C = K._DT, K._C
_E_NA, _E_K, _E_H, _E_LEAK = K._E_NA, K._E_K, K._E_H, K._E_LEAK
_CA_F, _CA_0, _CA_OUT, _TAU_CA = K._CA_F, K._CA_0, K._CA_OUT, K._TAU_CA
_SYN_POST, _SYN_PRE, _SYN_E, _SYN_KMINUS = K._SYN_POST, K._SYN_PRE, K._SYN_E, K._SYN_KMINUS
_V_BOUND = K._V_BOUND
_NT = K._NT
_P, _A, _B = (np.ascontiguousarray(K._TERMS[:, k]) for k in range(3))
#: channel reversal potentials (the two calcium channels use E_Ca, set per step)

#: Simulations per group (8 ran faster than 16 here: 500 against 555 ns per simulation and step).
LANES = 8


@numba.njit(**_JIT)
def integrate_group(
    gbar: np.ndarray,
    gsyn: np.ndarray,
    fac_tau_m: np.ndarray,
    fac_tau_h: np.ndarray,
    fac_tau_ca: float,
    fac_tau_syn: np.ndarray,
    rt_over_zf: float,
    noise: np.ndarray,
    n_steps: int,
    rec_start: int,
    rec_stride: int,
    vrec: np.ndarray,
    status: np.ndarray,
) -> None:
    """``kernel.integrate`` for L simulations at once.

    gbar (L, 3, 8) and gsyn (L, 7) in mS; fac_*: Q10 factors (shared by the group); noise
    (L, 3, n_steps) uA or shape (L, 3, 0) for none; vrec (L, 3, n_rec) receives V at steps
    rec_start, rec_start + rec_stride, ...; status (L,) receives STATUS_OK or STATUS_DIVERGED
    (a diverged lane stops recording and is parked at rest so that it cannot poison the others).
    """
    L = gbar.shape[0]
    W = 3 * L  # one row: neuron n, lane l at n * L + l
    dt = _DT
    nt = _NT
    use_noise = noise.shape[2] > 0
    n_rec = vrec.shape[2]
    exp_ca = math.exp(-dt * fac_tau_ca / _TAU_CA)

    gb = np.empty((8, W))
    for c in range(8):
        for n in range(3):
            for l in range(L):
                gb[c, n * L + l] = gbar[l, n, c]
    gs = np.empty((7, L))
    for k in range(7):
        for l in range(L):
            gs[k, l] = gsyn[l, k]
    neg_dt_fac = np.empty(11 * W)  # -dt * Q10 factor of each gate, per row element
    for g in range(11):
        f = fac_tau_m[g] if g < 7 else fac_tau_h[g - 7]
        for q in range(W):
            neg_dt_fac[g * W + q] = -dt * f

    v = np.full(W, _E_LEAK)
    ca = np.full(W, _CA_0)
    x = np.zeros(11 * W)  # gates m Na CaT CaS A KCa Kd H, h Na CaT CaS A; row g at g * W
    s = np.zeros((7, L))
    arg1 = np.empty(nt * W)  # term t at t * W
    e1 = np.empty(nt * W)
    bits1 = np.empty(nt * W, dtype=np.int64)
    scale1 = bits1.view(np.float64)
    sig = np.empty(nt * W)
    arg2 = np.empty(12 * W)  # 11 gate decays, then the membrane decay
    e2 = np.empty(12 * W)
    bits2 = np.empty(12 * W, dtype=np.int64)
    scale2 = bits2.view(np.float64)
    x_inf = np.empty(11 * W)
    tau = np.empty(11 * W)
    cond = np.empty((8, W))
    g_syn = np.empty(W)
    i_syn = np.empty(W)
    e_ca = np.empty(W)
    ca_new = np.empty(W)
    g_tot = np.empty(W)
    i_tot = np.empty(W)
    noise_now = np.zeros(W)
    alive = np.ones(L, dtype=np.bool_)
    for l in range(L):
        status[l] = K.STATUS_OK
    n_alive = L

    k_rec = 0
    next_rec = rec_start
    if next_rec == 0 and n_rec > 0:
        for l in range(L):
            for n in range(3):
                vrec[l, n, 0] = v[n * L + l]
        k_rec = 1
        next_rec = rec_stride

    for i in range(1, n_steps):
        # every voltage-dependent exponential of the previous step's V
        for t in range(nt):
            p, a, b = _P[t], _A[t], _B[t]
            o = t * W
            for q in range(W):
                arg1[o + q] = (v[q] * p + a) / b
        K.vexp(arg1, e1, bits1, scale1)
        for q in range(nt * W):
            sig[q] = 1.0 / (1.0 + e1[q])

        for q in range(W):
            g_syn[q] = 0.0
            i_syn[q] = 0.0
        for k in range(7):
            o = _SYN_POST[k] * L
            e_syn = _SYN_E[k]
            for l in range(L):
                g_syn[o + l] += gs[k, l] * s[k, l]
                i_syn[o + l] += gs[k, l] * s[k, l] * e_syn
        for q in range(W):  # libm's log, as kernel.integrate (not vectorised)
            e_ca[q] = rt_over_zf * math.log(_CA_OUT / ca[q])
        if use_noise:
            for n in range(3):
                for l in range(L):
                    noise_now[n * L + l] = noise[l, n, i]

        # channel conductances: m^3 h (Na, CaT, CaS, A), m^4 (KCa, Kd), m (H), leak
        for c in range(4):
            mo, ho = c * W, (7 + c) * W
            for q in range(W):
                mc = x[mo + q]
                cond[c, q] = gb[c, q] * (mc * mc * mc) * x[ho + q]
        for c in range(4, 6):
            mo = c * W
            for q in range(W):
                mc = x[mo + q]
                cond[c, q] = gb[c, q] * (mc * mc * mc * mc)
        for q in range(W):
            cond[6, q] = gb[6, q] * x[6 * W + q]
            cond[7, q] = gb[7, q]
        for q in range(W):
            i_ca = (cond[1, q] + cond[2, q]) * (v[q] - e_ca[q])
            ca_inf = _CA_0 - _CA_F * i_ca
            ca_new[q] = ca_inf + (ca[q] - ca_inf) * exp_ca
        for q in range(W):
            g_tot[q] = (g_syn[q] + cond[0, q] + cond[1, q] + cond[2, q] + cond[3, q] + cond[4, q]
                        + cond[5, q] + cond[6, q] + cond[7, q])
        for q in range(W):
            eca = e_ca[q]
            i_tot[q] = (i_syn[q] + cond[0, q] * _E_NA + cond[1, q] * eca + cond[2, q] * eca + cond[3, q] * _E_K
                        + cond[4, q] * _E_K + cond[5, q] * _E_K + cond[6, q] * _E_H + cond[7, q] * _E_LEAK)
        if use_noise:
            for q in range(W):
                i_tot[q] += noise_now[q]
        for q in range(W):
            arg2[11 * W + q] = -dt * g_tot[q] / _C

        # gate steady states and time constants at the previous V and [Ca] (kernel.integrate's terms)
        _sig_row(x_inf, 0, sig, 0, W)
        _sig_row(x_inf, 1, sig, 2, W)
        _sig_row(x_inf, 2, sig, 4, W)
        _sig_row(x_inf, 3, sig, 7, W)
        for q in range(W):
            x_inf[4 * W + q] = (ca[q] / (ca[q] + 3.0)) * sig[9 * W + q]
        _sig_row(x_inf, 5, sig, 11, W)
        _sig_row(x_inf, 6, sig, 13, W)
        _sig_row(x_inf, 7, sig, 16, W)
        _sig_row(x_inf, 8, sig, 19, W)
        _sig_row(x_inf, 9, sig, 21, W)
        _sig_row(x_inf, 10, sig, 24, W)
        _linear_row(tau, 0, sig, 1, 2.64, -2.52, W)
        _linear_row(tau, 1, sig, 3, 43.4, -42.6, W)
        for q in range(W):
            tau[2 * W + q] = 2.8 + 14.0 * (1.0 / (e1[5 * W + q] + e1[6 * W + q]))
        _linear_row(tau, 3, sig, 8, 23.2, -20.8, W)
        _linear_row(tau, 4, sig, 10, 180.6, -150.2, W)
        _linear_row(tau, 5, sig, 12, 14.4, -12.8, W)
        for q in range(W):
            tau[6 * W + q] = 2.0 / (e1[14 * W + q] + e1[15 * W + q])
        for q in range(W):
            tau[7 * W + q] = (1.34 * sig[17 * W + q]) * (1.5 + sig[18 * W + q])
        _linear_row(tau, 8, sig, 20, 210.0, -179.6, W)
        for q in range(W):
            tau[9 * W + q] = 120.0 + 300.0 * (1.0 / (e1[22 * W + q] + e1[23 * W + q]))
        _linear_row(tau, 10, sig, 25, 77.2, -58.4, W)

        for q in range(11 * W):
            arg2[q] = neg_dt_fac[q] / tau[q]
        K.vexp(arg2, e2, bits2, scale2)
        for q in range(11 * W):
            x[q] = x_inf[q] + (x[q] - x_inf[q]) * e2[q]

        # graded synapses, forward Euler, at the previous presynaptic V
        for k in range(7):
            o = 26 * W + _SYN_PRE[k] * L
            kminus, fac = _SYN_KMINUS[k], fac_tau_syn[k]
            for l in range(L):
                s_inf = sig[o + l]
                s_tau = kminus * (1.0 - s_inf) / fac
                euler = s[k, l] + (s_inf - s[k, l]) * dt / s_tau
                s[k, l] = s_inf if dt > s_tau else euler

        for q in range(W):
            gt, it, vq = g_tot[q], i_tot[q], v[q]
            vi = it / gt
            relaxed = vi + (vq - vi) * e2[11 * W + q]
            v[q] = vq + dt * it / _C if gt == 0.0 else relaxed
        for q in range(W):
            ca[q] = ca_new[q]

        for l in range(L):
            if alive[l] and not (abs(v[l]) < _V_BOUND and abs(v[L + l]) < _V_BOUND
                                 and abs(v[2 * L + l]) < _V_BOUND):
                alive[l] = False
                status[l] = K.STATUS_DIVERGED
                n_alive -= 1
            if not alive[l]:  # park the lane at rest: finite, and never recorded again
                for n in range(3):
                    v[n * L + l] = _E_LEAK
                    ca[n * L + l] = _CA_0
        if n_alive == 0:
            return

        if i == next_rec and k_rec < n_rec:
            for l in range(L):
                for n in range(3):
                    vrec[l, n, k_rec] = v[n * L + l]
            k_rec += 1
            next_rec += rec_stride


@numba.njit(inline="always", **_JIT)
def _sig_row(out: np.ndarray, row: int, sig: np.ndarray, term: int, w: int) -> None:
    o, t = row * w, term * w
    for q in range(w):
        out[o + q] = sig[t + q]


@numba.njit(inline="always", **_JIT)
def _linear_row(out: np.ndarray, row: int, sig: np.ndarray, term: int, c0: float, c1: float, w: int) -> None:
    """out row = c0 + c1 * sig term (the reference's ``c0 - |c1| * sigmoid`` time constants)."""
    o, t = row * w, term * w
    for q in range(w):
        out[o + q] = c0 + c1 * sig[t + q]
