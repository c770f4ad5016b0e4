"""The integration of the pyloric network: a group of L simulations, one SIMD lane each.

Exponential Euler for V, [Ca] and the gates (gates and synapses see the previous step's V),
forward Euler for the graded synapses, in the order of the reference Cython code; every formula
is ``equations``'. Every state variable is a row of 3 x L values (neuron-major, lanes innermost),
and each step is a sequence of innermost loops over a row that LLVM turns into vector
instructions: all exponentials of a step go through ``fast_exp`` at once, then the gates,
one loop per gate. Each lane performs the same operations in the same order whatever L (no fused
multiply-adds), so a simulation's result does not depend on its group; L = 1 is the single
simulation of ``simulator.simulate_voltage``. The one scalar call left is libm's log of [Ca].

Why rows: numba cannot tell LLVM that arrays do not overlap, so LLVM vectorises a loop only
behind run-time overlap checks, and gives up on a loop that stores into an array it also reads
at another offset, or that touches too many arrays: a loop over neurons doing a whole step stays
scalar. Only the current state is kept; the caller chooses which voltage samples to record.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from benchmarks.tasks.pyloric import _jit_cache  # noqa: F401  (drops stale numba caches)
from benchmarks.tasks.pyloric import circuit as M
from benchmarks.tasks.pyloric import equations as E
from benchmarks.tasks.pyloric.fast_exp import libm_exp_row, vexp

_JIT = dict(cache=True, error_model="numpy")

STATUS_OK = 0
STATUS_DIVERGED = 1
V_BOUND = 1.0e4  # |V| beyond this (or NaN) means the integration diverged

#: Simulations per group (8 ran faster than 16 here: 500 against 555 ns per simulation and step).
LANES = 8

_P, _A, _B = (np.ascontiguousarray(E.TERMS[:, k]) for k in range(3))


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
    status: np.ndarray,
    libm: bool,
) -> None:
    """Integrate L networks for ``n_steps`` steps of 0.025 ms from the default initial state.

    gbar (L, 3, 8) maximal conductances in mS (area and temperature applied) and gsyn (L, 7) in
    mS (temperature applied); fac_*: Q10 factors dividing the time constants (shared by the
    group); noise (L, 3, n_steps) uA added at each step, or shape (L, 3, 0) for none; vrec
    (L, 3, n_rec) receives V at steps rec_start, rec_start + rec_stride, ... until full; status
    (L,) receives STATUS_OK, or STATUS_DIVERGED when V left +-1e4 mV or became NaN (that lane
    stops recording and is parked at rest so that it cannot poison the others). libm: libm's exp
    (the reference's arithmetic) instead of the vectorised one.
    """
    L = gbar.shape[0]
    W = 3 * L  # one row: neuron n, lane l at n * L + l
    nt = E.N_TERMS
    ng = E.N_GATES
    use_noise = noise.shape[2] > 0
    n_rec = vrec.shape[2]
    exp_ca = math.exp(-M.DT * fac_tau_ca / M.TAU_CA)

    gb = np.empty((8, W))
    for c in range(8):
        for n in range(3):
            for l in range(L):
                gb[c, n * L + l] = gbar[l, n, c]
    gs = np.empty((7, L))
    for k in range(7):
        for l in range(L):
            gs[k, l] = gsyn[l, k]
    neg_dt_fac = np.empty(ng * W)  # -dt * Q10 factor of each gate, per row element
    for g in range(ng):
        f = fac_tau_m[g] if g < 7 else fac_tau_h[g - 7]
        for q in range(W):
            neg_dt_fac[g * W + q] = -M.DT * f

    v = np.full(W, M.E_LEAK)
    ca = np.full(W, M.CA_0)
    x = np.zeros(ng * W)  # gates m Na CaT CaS A KCa Kd H, h Na CaT CaS A; gate g at g * W
    s = np.zeros((7, L))
    arg1 = np.empty(nt * W)  # term t at t * W
    e1 = np.empty(nt * W)
    bits1 = np.empty(nt * W, dtype=np.int64)
    scale1 = bits1.view(np.float64)
    sig = np.empty(nt * W)
    arg2 = np.empty((ng + 1) * W)  # the gates' decays, then the membrane's
    e2 = np.empty((ng + 1) * W)
    bits2 = np.empty((ng + 1) * W, dtype=np.int64)
    scale2 = bits2.view(np.float64)
    x_inf = np.empty(ng * W)
    tau = np.empty(ng * W)
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
        status[l] = STATUS_OK
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
        # 1. every voltage-dependent exponential of the previous step's V, and its logistic
        for t in range(nt):
            p, a, b = _P[t], _A[t], _B[t]
            o = t * W
            for q in range(W):
                arg1[o + q] = E.exponent(v[q], p, a, b)
        if libm:
            libm_exp_row(arg1, e1)
        else:
            vexp(arg1, e1, bits1, scale1)
        for q in range(nt * W):
            sig[q] = E.logistic(e1[q])

        # 2. synaptic and channel conductances, [Ca], and the membrane's decay
        for q in range(W):
            g_syn[q] = 0.0
            i_syn[q] = 0.0
        for k in range(7):
            o = M.SYN_POST[k] * L
            e_syn = M.SYN_E[k]
            for l in range(L):
                g_syn[o + l] += gs[k, l] * s[k, l]
                i_syn[o + l] += gs[k, l] * s[k, l] * e_syn
        for q in range(W):  # libm's log (not vectorised)
            e_ca[q] = rt_over_zf * math.log(M.CA_OUT / ca[q])
        if use_noise:
            for n in range(3):
                for l in range(L):
                    noise_now[n * L + l] = noise[l, n, i]

        for c in range(4):  # Na CaT CaS A: m^3 h
            mo, ho = c * W, (7 + c) * W
            for q in range(W):
                cond[c, q] = E.m3h(gb[c, q], x[mo + q], x[ho + q])
        for c in range(4, 6):  # KCa Kd: m^4
            mo = c * W
            for q in range(W):
                cond[c, q] = E.m4(gb[c, q], x[mo + q])
        for q in range(W):  # H: m; leak
            cond[6, q] = gb[6, q] * x[6 * W + q]
            cond[7, q] = gb[7, q]
        for q in range(W):
            ca_inf = E.calcium_steady_state(cond[1, q], cond[2, q], v[q], e_ca[q])
            ca_new[q] = E.relax(ca[q], ca_inf, exp_ca)
        for q in range(W):
            g_tot[q] = E.total_conductance(g_syn[q], cond[0, q], cond[1, q], cond[2, q], cond[3, q],
                                           cond[4, q], cond[5, q], cond[6, q], cond[7, q])
        for q in range(W):
            i_tot[q] = E.total_current(i_syn[q], cond[0, q], cond[1, q], cond[2, q], cond[3, q], cond[4, q],
                                       cond[5, q], cond[6, q], cond[7, q], e_ca[q])
        if use_noise:
            for q in range(W):
                i_tot[q] += noise_now[q]
        for q in range(W):
            arg2[ng * W + q] = E.membrane_exponent(g_tot[q])

        # 3. the gates' steady states and time constants at the previous V (and [Ca]); one call
        # per gate, so that each gate's constants are known when the call is compiled (a loop
        # over the gate table ran 8 % slower)
        _gate_rows(0, x_inf, tau, sig, e1, ca, W)
        _gate_rows(1, x_inf, tau, sig, e1, ca, W)
        _gate_rows(2, x_inf, tau, sig, e1, ca, W)
        _gate_rows(3, x_inf, tau, sig, e1, ca, W)
        _gate_rows(4, x_inf, tau, sig, e1, ca, W)
        _gate_rows(5, x_inf, tau, sig, e1, ca, W)
        _gate_rows(6, x_inf, tau, sig, e1, ca, W)
        _gate_rows(7, x_inf, tau, sig, e1, ca, W)
        _gate_rows(8, x_inf, tau, sig, e1, ca, W)
        _gate_rows(9, x_inf, tau, sig, e1, ca, W)
        _gate_rows(10, x_inf, tau, sig, e1, ca, W)
        for q in range(ng * W):
            arg2[q] = E.decay_exponent(neg_dt_fac[q], tau[q])
        if libm:
            libm_exp_row(arg2, e2)
        else:
            vexp(arg2, e2, bits2, scale2)
        for q in range(ng * W):
            x[q] = E.relax(x[q], x_inf[q], e2[q])

        # 4. graded synapses, forward Euler, at the previous presynaptic V
        for k in range(7):
            o = E.SYNAPSE_TERM * W + M.SYN_PRE[k] * L
            kminus, fac = M.SYN_KMINUS[k], fac_tau_syn[k]
            for l in range(L):
                s_inf = sig[o + l]
                s_tau = E.synapse_tau(s_inf, kminus, fac)
                euler = E.synapse_euler(s[k, l], s_inf, s_tau)
                s[k, l] = s_inf if M.DT > s_tau else euler

        # V last: every update above used the previous V
        for q in range(W):
            gt, it, vq = g_tot[q], i_tot[q], v[q]
            relaxed = E.relax(vq, it / gt, e2[ng * W + q])
            v[q] = E.forward_euler_voltage(vq, it) if gt == 0.0 else relaxed
        for q in range(W):
            ca[q] = ca_new[q]

        for l in range(L):
            if alive[l] and not (abs(v[l]) < V_BOUND and abs(v[L + l]) < V_BOUND
                                 and abs(v[2 * L + l]) < V_BOUND):
                alive[l] = False
                status[l] = STATUS_DIVERGED
                n_alive -= 1
            if not alive[l]:  # park the lane at rest: finite, and never recorded again
                for n in range(3):
                    v[n * L + l] = M.E_LEAK
                    ca[n * L + l] = M.CA_0
        if n_alive == 0:
            return

        if i == next_rec and k_rec < n_rec:
            for l in range(L):
                for n in range(3):
                    vrec[l, n, k_rec] = v[n * L + l]
            k_rec += 1
            next_rec += rec_stride


@numba.njit(inline="always", **_JIT)
def _gate_rows(g, x_inf, tau, sig, e1, ca, w):
    """Gate g's steady state and time constant (``equations.GATES[g]``) for every row element."""
    inf_term, form, t1, t2, c0, c1 = E.GATES[g]
    o, oi, o1, o2 = g * w, inf_term * w, t1 * w, t2 * w
    if g == E.KCA_GATE:
        for q in range(w):
            x_inf[o + q] = E.kca_steady_state(ca[q], sig[oi + q])
    else:
        for q in range(w):
            x_inf[o + q] = sig[oi + q]
    if form == E.TAU_LINEAR:
        for q in range(w):
            tau[o + q] = E.time_constant(E.TAU_LINEAR, c0, c1, sig[o1 + q], 0.0, 0.0, 0.0)
    elif form == E.TAU_INVERSE_SUM:
        for q in range(w):
            tau[o + q] = E.time_constant(E.TAU_INVERSE_SUM, c0, c1, 0.0, 0.0, e1[o1 + q], e1[o2 + q])
    elif form == E.TAU_RATIO:
        for q in range(w):
            tau[o + q] = E.time_constant(E.TAU_RATIO, c0, c1, 0.0, 0.0, e1[o1 + q], e1[o2 + q])
    else:
        for q in range(w):
            tau[o + q] = E.time_constant(E.TAU_PRODUCT, c0, c1, sig[o1 + q], sig[o2 + q], 0.0, 0.0)
