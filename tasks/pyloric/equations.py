"""The equations of one step of the pyloric network, written once.

Each function is one equation of the model (Prinz et al. 2004 as in the mackelab ``pyloric``
simulator, spec: ``circuit``) in the reference's order of operations. They take and return
numbers, so the numba kernel (``kernel``) inlines them lane by lane, and the torch simulator
(``torch_simulator``) calls their Python form (``fn.py_func``) on whole tensors: the two share
every formula and differ only in how a step is laid out. Exponentials and the logarithm of
[Ca] are the caller's (a vectorised exp on the CPU, ``torch.exp`` on a GPU).

A step, from the previous step's state (V, [Ca], gates, synapses):

1. the 27 exponentials exp((V p + a) / b) per neuron of ``TERMS`` and their logistic 1 / (1 + e);
2. channel conductances from the gates; [Ca] relaxes towards its steady state; V relaxes
   (exponential Euler) towards the reversal potential weighted by the conductances;
3. every gate relaxes towards its steady state at the previous V (``GATES``: which term gives
   its steady state, and which form and constants its time constant);
4. the graded synapses take a forward-Euler step towards the presynaptic steady state.
"""

from __future__ import annotations

import numba
import numpy as np

from benchmarks.tasks.pyloric import circuit as M

_INLINE = dict(inline="always", cache=True, error_model="numpy")

V_TH, DELTA = -35.0, 5.0  # synaptic threshold and slope, hard-coded in the reference

#: Per neuron, the arguments (V p + a) / b of the step's 27 exponentials (this form reproduces
#: the reference's arguments bit for bit, including the H time constant and (V_th - V) / Delta).
TERMS = np.array([
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
    (1.0, -V_TH, -DELTA),  # 26 synaptic s_inf, exp((V_th - V) / Delta)
])
N_TERMS = len(TERMS)
SYNAPSE_TERM = 26

# Forms of a gate's time constant, from the logistic s or the exponentials e of its terms t1, t2.
TAU_LINEAR = 0  # c0 + c1 s[t1]
TAU_INVERSE_SUM = 1  # c0 + c1 (1 / (e[t1] + e[t2]))
TAU_RATIO = 2  # c1 / (e[t1] + e[t2])
TAU_PRODUCT = 3  # (c1 s[t1]) (c0 + s[t2])

#: The 11 gates of a neuron, in state order m Na CaT CaS A KCa Kd H, h Na CaT CaS A:
#: (term of the steady state, form of tau, t1, t2, c0, c1). KCa's steady state is also scaled
#: by [Ca] / ([Ca] + 3) (``kca_steady_state``).
GATES = (
    (0, TAU_LINEAR, 1, 1, 2.64, -2.52),
    (2, TAU_LINEAR, 3, 3, 43.4, -42.6),
    (4, TAU_INVERSE_SUM, 5, 6, 2.8, 14.0),
    (7, TAU_LINEAR, 8, 8, 23.2, -20.8),
    (9, TAU_LINEAR, 10, 10, 180.6, -150.2),
    (11, TAU_LINEAR, 12, 12, 14.4, -12.8),
    (13, TAU_RATIO, 14, 15, 0.0, 2.0),
    (16, TAU_PRODUCT, 17, 18, 1.5, 1.34),
    (19, TAU_LINEAR, 20, 20, 210.0, -179.6),
    (21, TAU_INVERSE_SUM, 22, 23, 120.0, 300.0),
    (24, TAU_LINEAR, 25, 25, 77.2, -58.4),
)
N_GATES = len(GATES)
KCA_GATE = 4

#: Channel reversal potentials (mV); the calcium channels' E_Ca is set per step.
CHANNEL_E = (M.E_NA, 0.0, 0.0, M.E_K, M.E_K, M.E_K, M.E_H, M.E_LEAK)


@numba.njit(**_INLINE)
def exponent(v, p, a, b):
    """The argument (V p + a) / b of one term's exponential."""
    return (v * p + a) / b


@numba.njit(**_INLINE)
def logistic(e):
    """1 / (1 + e): a steady state from its exponential."""
    return 1.0 / (1.0 + e)


@numba.njit(**_INLINE)
def time_constant(form, c0, c1, s1, s2, e1, e2):
    """A gate's time constant (ms) in one of the ``TAU_*`` forms (before Q10 factors)."""
    if form == TAU_LINEAR:
        return c0 + c1 * s1
    if form == TAU_INVERSE_SUM:
        return c0 + c1 * (1.0 / (e1 + e2))
    if form == TAU_RATIO:
        return c1 / (e1 + e2)
    return (c1 * s1) * (c0 + s2)


@numba.njit(**_INLINE)
def kca_steady_state(ca, s):
    """KCa activation: calcium-dependent, from [Ca] of the previous step."""
    return (ca / (ca + 3.0)) * s


@numba.njit(**_INLINE)
def relax(x, target, decay):
    """Exponential Euler: x moves towards target, ``decay`` = exp(-dt / tau)."""
    return target + (x - target) * decay


@numba.njit(**_INLINE)
def decay_exponent(neg_dt_factor, tau):
    """-dt Q10 / tau, the exponent of a gate's decay (neg_dt_factor = -dt Q10)."""
    return neg_dt_factor / tau


@numba.njit(**_INLINE)
def m3h(g, m, h):
    """Conductance of a channel with three activation gates and one inactivation gate."""
    return g * (m * m * m) * h


@numba.njit(**_INLINE)
def m4(g, m):
    """Conductance of a channel with four activation gates."""
    return g * (m * m * m * m)


@numba.njit(**_INLINE)
def calcium_steady_state(c_cat, c_cas, v, e_ca):
    """[Ca] steady state from the calcium current I_Ca = (g_CaT + g_CaS) (V - E_Ca)."""
    return M.CA_0 - M.CA_F * ((c_cat + c_cas) * (v - e_ca))


@numba.njit(**_INLINE)
def total_conductance(g_syn, c0, c1, c2, c3, c4, c5, c6, c7):
    """Sum of synaptic and channel conductances (mS), in the reference's order."""
    return g_syn + c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7


@numba.njit(**_INLINE)
def total_current(i_syn, c0, c1, c2, c3, c4, c5, c6, c7, e_ca):
    """Sum of g E over synapses and channels (uA); calcium channels at E_Ca."""
    return (i_syn + c0 * M.E_NA + c1 * e_ca + c2 * e_ca + c3 * M.E_K
            + c4 * M.E_K + c5 * M.E_K + c6 * M.E_H + c7 * M.E_LEAK)


@numba.njit(**_INLINE)
def membrane_exponent(g_tot):
    """-dt G / C, the exponent of the membrane's decay."""
    return -M.DT * g_tot / M.CAPACITANCE


@numba.njit(**_INLINE)
def forward_euler_voltage(v, i_tot):
    """The step of V when no conductance is open (G = 0)."""
    return v + M.DT * i_tot / M.CAPACITANCE


@numba.njit(**_INLINE)
def synapse_tau(s_inf, k_minus, q10):
    """Time constant (ms) of a graded synapse: k_minus (1 - s_inf), over its Q10 factor."""
    return k_minus * (1.0 - s_inf) / q10


@numba.njit(**_INLINE)
def synapse_euler(s, s_inf, tau):
    """Forward-Euler step of a synapse (the caller sets s = s_inf when dt > tau)."""
    return s + (s_inf - s) * M.DT / tau
