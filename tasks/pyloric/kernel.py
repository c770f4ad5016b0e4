"""The numba integration kernel of the pyloric network: one parameter set, one noise stream.

Exponential Euler for V, [Ca] and the gates (gates and synapses see the previous step's V),
forward Euler for the graded synapses, in the order of the reference Cython code. Every exp of
a step is gathered into two arrays and evaluated by a branch-free exp that LLVM vectorises
(libm's exp is a scalar call), so results differ from the reference arithmetic
(``kernel_libm.integrate_libm``) by rounding only. Only the current state is kept; the caller
chooses which voltage samples to record.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from tasks.pyloric import _jit_cache  # noqa: F401  (drops stale numba caches)

from tasks.pyloric import circuit as M

_JIT = dict(cache=True, error_model="numpy")

# Bound as module constants so numba freezes them into the compiled code.
_DT = M.DT
_C = M.CAPACITANCE
_E_NA, _E_K, _E_H, _E_LEAK = M.E_NA, M.E_K, M.E_H, M.E_LEAK
_CA_F, _CA_0, _CA_OUT, _TAU_CA = M.CA_F, M.CA_0, M.CA_OUT, M.TAU_CA
_SYN_POST, _SYN_PRE, _SYN_E = M.SYN_POST, M.SYN_PRE, M.SYN_E
_SYN_KMINUS = M.SYN_KMINUS
_V_TH, _DELTA = -35.0, 5.0  # hard-coded in the reference (its arguments are ignored)
_V_BOUND = 1.0e4  # |V| beyond this (or NaN) means the integration diverged

STATUS_OK = 0
STATUS_DIVERGED = 1



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


# Per neuron, 27 exponentials of (V * p + a) / b (this form reproduces the reference's
# arguments exactly, including the H time constant and the synaptic (V_th - V) / Delta).
_NT = 27
_TERMS = np.array([
    # p, a, b
    (1.0, 25.5, -5.29),  # 0 m_Na inf
    (1.0, 120.0, -25.0),  # 1 m_Na tau
    (1.0, 27.1, -7.2),  # 2 m_CaT inf
    (1.0, 68.1, -20.5),  # 3 m_CaT tau
    (1.0, 33.0, -8.1),  # 4 m_CaS inf
    (1.0, 27.0, 10.0),  # 5 m_CaS tau (first exp)
    (1.0, 70.0, -13.0),  # 6 m_CaS tau (second exp)
    (1.0, 27.2, -8.7),  # 7 m_A inf
    (1.0, 32.9, -15.2),  # 8 m_A tau
    (1.0, 28.3, -12.6),  # 9 m_KCa inf (times Ca / (Ca + 3))
    (1.0, 46.0, -22.7),  # 10 m_KCa tau
    (1.0, 12.3, -11.8),  # 11 m_Kd inf
    (1.0, 28.3, -19.2),  # 12 m_Kd tau
    (1.0, 75.0, 5.5),  # 13 m_H inf
    (-0.086, -14.59, 1.0),  # 14 m_H tau (first exp)
    (0.0701, -1.87, 1.0),  # 15 m_H tau (second exp)
    (1.0, 48.9, 5.18),  # 16 h_Na inf
    (1.0, 62.9, -10.0),  # 17 h_Na tau (first sigmoid)
    (1.0, 34.9, 3.6),  # 18 h_Na tau (second sigmoid)
    (1.0, 32.1, 5.5),  # 19 h_CaT inf
    (1.0, 55.0, -16.9),  # 20 h_CaT tau
    (1.0, 60.0, 6.2),  # 21 h_CaS inf
    (1.0, 55.0, 9.0),  # 22 h_CaS tau (first exp)
    (1.0, 65.0, -16.0),  # 23 h_CaS tau (second exp)
    (1.0, 56.9, 4.9),  # 24 h_A inf
    (1.0, 38.9, -26.5),  # 25 h_A tau
    (1.0, -_V_TH, -_DELTA),  # 26 synaptic s_inf, exp((V_th - V) / Delta)
])
_TP = np.ascontiguousarray(np.tile(_TERMS[:, 0], 3))
_TA = np.ascontiguousarray(np.tile(_TERMS[:, 1], 3))
_TB = np.ascontiguousarray(np.tile(_TERMS[:, 2], 3))


@numba.njit(**_JIT)
def integrate(
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
) -> int:
    """Integrate the network for ``n_steps`` steps of 0.025 ms from the default initial state.

    gbar: (3, 8) maximal conductances in mS (area and temperature applied); gsyn: (7,) synaptic
    conductances in mS (temperature applied); fac_*: Q10 factors dividing the time constants;
    noise: (3, n_steps) current in uA added at each step, or shape (3, 0) for none.
    V at steps rec_start, rec_start + rec_stride, ... is written to vrec (3, n_rec) until full.
    Returns STATUS_OK, or STATUS_DIVERGED when V left +-1e4 mV or became NaN.
    """
    dt = _DT
    use_noise = noise.shape[1] > 0
    n_rec = vrec.shape[1]
    exp_ca = math.exp(-dt * fac_tau_ca / _TAU_CA)
    tp, ta, tb = _TP, _TA, _TB
    nt = _NT
    fac = np.empty(11)  # time-constant factors of the 11 gates
    for g in range(7):
        fac[g] = fac_tau_m[g]
    for g in range(4):
        fac[7 + g] = fac_tau_h[g]

    v = np.full(3, _E_LEAK)
    ca = np.full(3, _CA_0)
    x = np.zeros(33)  # gates of neuron n at 11n..11n+10: m Na CaT CaS A KCa Kd H, h Na CaT CaS A
    s = np.zeros(7)
    arg1 = np.empty(3 * nt)
    e1 = np.empty(3 * nt)
    bits1 = np.empty(3 * nt, dtype=np.int64)
    scale1 = bits1.view(np.float64)
    arg2 = np.empty(36)  # 33 gate decays, then 3 membrane decays
    e2 = np.empty(36)
    bits2 = np.empty(36, dtype=np.int64)
    scale2 = bits2.view(np.float64)
    x_inf = np.empty(33)
    tau = np.empty(33)
    sig = np.empty(3 * nt)
    neg_dt_fac = np.empty(33)
    for j in range(33):
        neg_dt_fac[j] = -dt * fac[j % 11]
    g_tot = np.empty(3)
    i_tot = np.empty(3)
    ca_new = np.empty(3)
    g_syn = np.empty(3)
    i_syn = np.empty(3)

    k_rec = 0
    next_rec = rec_start
    if next_rec == 0 and n_rec > 0:
        for n in range(3):
            vrec[n, 0] = v[n]
        k_rec = 1
        next_rec = rec_stride

    for i in range(1, n_steps):
        # All voltage-dependent exponentials of the previous step's V, at once.
        for n in range(3):
            vn = v[n]
            for j in range(nt * n, nt * (n + 1)):
                arg1[j] = (vn * tp[j] + ta[j]) / tb[j]
        vexp(arg1, e1, bits1, scale1)
        for j in range(3 * nt):
            sig[j] = 1.0 / (1.0 + e1[j])

        for n in range(3):
            g_syn[n] = 0.0
            i_syn[n] = 0.0
        for k in range(7):
            post = _SYN_POST[k]
            g_syn[post] += gsyn[k] * s[k]
            i_syn[post] += gsyn[k] * s[k] * _SYN_E[k]

        for n in range(3):
            o = 11 * n
            m0, m1, m2, m3 = x[o], x[o + 1], x[o + 2], x[o + 3]
            m4, m5 = x[o + 4], x[o + 5]
            c_na = gbar[n, 0] * (m0 * m0 * m0) * x[o + 7]
            c_cat = gbar[n, 1] * (m1 * m1 * m1) * x[o + 8]
            c_cas = gbar[n, 2] * (m2 * m2 * m2) * x[o + 9]
            c_a = gbar[n, 3] * (m3 * m3 * m3) * x[o + 10]
            c_kca = gbar[n, 4] * (m4 * m4 * m4 * m4)
            c_kd = gbar[n, 5] * (m5 * m5 * m5 * m5)
            c_h = gbar[n, 6] * x[o + 6]
            c_leak = gbar[n, 7]
            e_ca = rt_over_zf * math.log(_CA_OUT / ca[n])
            i_ca = (c_cat + c_cas) * (v[n] - e_ca)
            ca_inf = _CA_0 - _CA_F * i_ca
            ca_new[n] = ca_inf + (ca[n] - ca_inf) * exp_ca
            gt = g_syn[n] + c_na + c_cat + c_cas + c_a + c_kca + c_kd + c_h + c_leak
            it = (
                i_syn[n] + c_na * _E_NA + c_cat * e_ca + c_cas * e_ca + c_a * _E_K
                + c_kca * _E_K + c_kd * _E_K + c_h * _E_H + c_leak * _E_LEAK
            )
            if use_noise:
                it += noise[n, i]
            g_tot[n] = gt
            i_tot[n] = it
            arg2[33 + n] = -dt * gt / _C

            # Steady states and time constants of the gates at the previous V (and [Ca]),
            # in the reference's arithmetic: tau = c0 + c1 * sigmoid, decay exp(-dt f / tau).
            b = nt * n
            x_inf[o] = sig[b]
            tau[o] = 2.64 - 2.52 * sig[b + 1]
            x_inf[o + 1] = sig[b + 2]
            tau[o + 1] = 43.4 - 42.6 * sig[b + 3]
            x_inf[o + 2] = sig[b + 4]
            tau[o + 2] = 2.8 + 14.0 * (1.0 / (e1[b + 5] + e1[b + 6]))
            x_inf[o + 3] = sig[b + 7]
            tau[o + 3] = 23.2 - 20.8 * sig[b + 8]
            x_inf[o + 4] = (ca[n] / (ca[n] + 3.0)) * sig[b + 9]
            tau[o + 4] = 180.6 - 150.2 * sig[b + 10]
            x_inf[o + 5] = sig[b + 11]
            tau[o + 5] = 14.4 - 12.8 * sig[b + 12]
            x_inf[o + 6] = sig[b + 13]
            tau[o + 6] = 2.0 / (e1[b + 14] + e1[b + 15])
            x_inf[o + 7] = sig[b + 16]
            tau[o + 7] = (1.34 * sig[b + 17]) * (1.5 + sig[b + 18])
            x_inf[o + 8] = sig[b + 19]
            tau[o + 8] = 210.0 - 179.6 * sig[b + 20]
            x_inf[o + 9] = sig[b + 21]
            tau[o + 9] = 120.0 + 300.0 * (1.0 / (e1[b + 22] + e1[b + 23]))
            x_inf[o + 10] = sig[b + 24]
            tau[o + 10] = 77.2 - 58.4 * sig[b + 25]

        for j in range(33):
            arg2[j] = neg_dt_fac[j] / tau[j]
        vexp(arg2, e2, bits2, scale2)
        for j in range(33):
            x[j] = x_inf[j] + (x[j] - x_inf[j]) * e2[j]

        # Graded synapses, forward Euler, at the previous presynaptic V.
        for k in range(7):
            pre = _SYN_PRE[k]
            s_inf = sig[nt * pre + 26]
            s_tau = _SYN_KMINUS[k] * (1.0 - s_inf) / fac_tau_syn[k]
            s[k] = s[k] + (s_inf - s[k]) * dt / s_tau
            if dt > s_tau:
                s[k] = s_inf

        diverged = False
        for n in range(3):
            if g_tot[n] == 0.0:
                v[n] = v[n] + dt * i_tot[n] / _C
            else:
                vi = i_tot[n] / g_tot[n]
                v[n] = vi + (v[n] - vi) * e2[33 + n]
            ca[n] = ca_new[n]
            if not (abs(v[n]) < _V_BOUND):
                diverged = True
        if diverged:
            return STATUS_DIVERGED

        if i == next_rec and k_rec < n_rec:
            for n in range(3):
                vrec[n, k_rec] = v[n]
            k_rec += 1
            next_rec += rec_stride
    return STATUS_OK
