"""The reference arithmetic: the kernel with libm's exp, in the Cython code's order of operations.

About 1.5x slower than ``kernel.integrate``; noise-free traces agree with the reference
implementation to about 1e-7 mV. Used by ``simulate(..., exact=True)`` and to check the fast kernel.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from tasks.pyloric.kernel import (
    _C, _CA_0, _CA_F, _CA_OUT, _DELTA, _DT, _E_H, _E_K, _E_LEAK, _E_NA, _JIT, _SYN_E,
    _SYN_KMINUS, _SYN_POST, _SYN_PRE, _TAU_CA, _V_BOUND, _V_TH, STATUS_DIVERGED, STATUS_OK,
)


@numba.njit(inline="always", **_JIT)
def _sig(v: float, a: float, b: float) -> float:
    return 1.0 / (1.0 + math.exp((v + a) / b))


@numba.njit(inline="always", **_JIT)
def _sig2(v: float, a1: float, b1: float, a2: float, b2: float) -> float:
    return 1.0 / (math.exp((v + a1) / b1) + math.exp((v + a2) / b2))


@numba.njit(**_JIT)
def integrate_libm(
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

    The readable form of the equations; arguments and result as ``kernel.integrate``.

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

    v = np.full(3, _E_LEAK)
    ca = np.full(3, _CA_0)
    m = np.zeros((3, 7))  # Na CaT CaS A KCa Kd H; all gates start at 0
    h = np.zeros((3, 4))  # Na CaT CaS A
    s = np.zeros(7)
    v_new = np.empty(3)
    ca_new = np.empty(3)
    g_syn = np.empty(3)
    i_syn = np.empty(3)
    s_inf_pre = np.empty(3)
    s_tau_pre = np.empty(3)

    k_rec = 0
    next_rec = rec_start
    if next_rec == 0 and n_rec > 0:
        for n in range(3):
            vrec[n, 0] = v[n]
        k_rec = 1
        next_rec = rec_stride

    for i in range(1, n_steps):
        for n in range(3):
            g_syn[n] = 0.0
            i_syn[n] = 0.0
        for k in range(7):
            post = _SYN_POST[k]
            g_syn[post] += gsyn[k] * s[k]
            i_syn[post] += gsyn[k] * s[k] * _SYN_E[k]

        for n in range(3):
            c_na = gbar[n, 0] * m[n, 0] ** 3 * h[n, 0]
            c_cat = gbar[n, 1] * m[n, 1] ** 3 * h[n, 1]
            c_cas = gbar[n, 2] * m[n, 2] ** 3 * h[n, 2]
            c_a = gbar[n, 3] * m[n, 3] ** 3 * h[n, 3]
            c_kca = gbar[n, 4] * m[n, 4] ** 4
            c_kd = gbar[n, 5] * m[n, 5] ** 4
            c_h = gbar[n, 6] * m[n, 6]
            c_leak = gbar[n, 7]
            e_ca = rt_over_zf * math.log(_CA_OUT / ca[n])
            i_ca = (c_cat + c_cas) * (v[n] - e_ca)
            ca_inf = _CA_0 - _CA_F * i_ca
            ca_new[n] = ca_inf + (ca[n] - ca_inf) * exp_ca

            g_tot = g_syn[n] + c_na + c_cat + c_cas + c_a + c_kca + c_kd + c_h + c_leak
            i_tot = (
                i_syn[n] + c_na * _E_NA + c_cat * e_ca + c_cas * e_ca + c_a * _E_K
                + c_kca * _E_K + c_kd * _E_K + c_h * _E_H + c_leak * _E_LEAK
            )
            if use_noise:
                i_tot += noise[n, i]
            if g_tot == 0.0:
                v_new[n] = v[n] + dt * i_tot / _C
            else:
                v_inf = i_tot / g_tot
                v_new[n] = v_inf + (v[n] - v_inf) * math.exp(-dt * g_tot / _C)

        # Gates use V and [Ca] of the previous step.
        for n in range(3):
            vo = v[n]
            fm = fac_tau_m
            fh = fac_tau_h
            x_inf = _sig(vo, 25.5, -5.29)
            tau = 2.64 - 2.52 * _sig(vo, 120.0, -25.0)
            m[n, 0] = x_inf + (m[n, 0] - x_inf) * math.exp(-dt * fm[0] / tau)
            x_inf = _sig(vo, 27.1, -7.2)
            tau = 43.4 - 42.6 * _sig(vo, 68.1, -20.5)
            m[n, 1] = x_inf + (m[n, 1] - x_inf) * math.exp(-dt * fm[1] / tau)
            x_inf = _sig(vo, 33.0, -8.1)
            tau = 2.8 + 14.0 * _sig2(vo, 27.0, 10.0, 70.0, -13.0)
            m[n, 2] = x_inf + (m[n, 2] - x_inf) * math.exp(-dt * fm[2] / tau)
            x_inf = _sig(vo, 27.2, -8.7)
            tau = 23.2 - 20.8 * _sig(vo, 32.9, -15.2)
            m[n, 3] = x_inf + (m[n, 3] - x_inf) * math.exp(-dt * fm[3] / tau)
            x_inf = (ca[n] / (ca[n] + 3.0)) * _sig(vo, 28.3, -12.6)
            tau = 180.6 - 150.2 * _sig(vo, 46.0, -22.7)
            m[n, 4] = x_inf + (m[n, 4] - x_inf) * math.exp(-dt * fm[4] / tau)
            x_inf = _sig(vo, 12.3, -11.8)
            tau = 14.4 - 12.8 * _sig(vo, 28.3, -19.2)
            m[n, 5] = x_inf + (m[n, 5] - x_inf) * math.exp(-dt * fm[5] / tau)
            x_inf = _sig(vo, 75.0, 5.5)
            tau = 2.0 / (math.exp(-14.59 - 0.086 * vo) + math.exp(-1.87 + 0.0701 * vo))
            m[n, 6] = x_inf + (m[n, 6] - x_inf) * math.exp(-dt * fm[6] / tau)

            x_inf = _sig(vo, 48.9, 5.18)
            tau = (1.34 / (1.0 + math.exp((vo + 62.9) / -10.0))) * (
                1.5 + 1.0 / (1.0 + math.exp((vo + 34.9) / 3.6))
            )
            h[n, 0] = x_inf + (h[n, 0] - x_inf) * math.exp(-dt * fh[0] / tau)
            x_inf = _sig(vo, 32.1, 5.5)
            tau = 210.0 - 179.6 * _sig(vo, 55.0, -16.9)
            h[n, 1] = x_inf + (h[n, 1] - x_inf) * math.exp(-dt * fh[1] / tau)
            x_inf = _sig(vo, 60.0, 6.2)
            tau = 120.0 + 300.0 * _sig2(vo, 55.0, 9.0, 65.0, -16.0)
            h[n, 2] = x_inf + (h[n, 2] - x_inf) * math.exp(-dt * fh[2] / tau)
            x_inf = _sig(vo, 56.9, 4.9)
            tau = 77.2 - 58.4 * _sig(vo, 38.9, -26.5)
            h[n, 3] = x_inf + (h[n, 3] - x_inf) * math.exp(-dt * fh[3] / tau)

        # Graded synapses, forward Euler; s_inf depends only on the presynaptic V.
        for n in range(3):
            s_inf_pre[n] = 1.0 / (1.0 + math.exp((_V_TH - v[n]) / _DELTA))
            s_tau_pre[n] = 1.0 - s_inf_pre[n]
        for k in range(7):
            pre = _SYN_PRE[k]
            s_inf = s_inf_pre[pre]
            tau = _SYN_KMINUS[k] * s_tau_pre[pre] / fac_tau_syn[k]
            s[k] = s[k] + (s_inf - s[k]) * dt / tau
            if dt > tau:
                s[k] = s_inf

        diverged = False
        for n in range(3):
            v[n] = v_new[n]
            ca[n] = ca_new[n]
            if not (abs(v_new[n]) < _V_BOUND):
                diverged = True
        if diverged:
            return STATUS_DIVERGED

        if i == next_rec and k_rec < n_rec:
            for n in range(3):
                vrec[n, k_rec] = v[n]
            k_rec += 1
            next_rec += rec_stride
    return STATUS_OK
