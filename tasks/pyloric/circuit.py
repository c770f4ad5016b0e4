"""Constants, names and temperature factors of the Prinz et al. (2004) pyloric network.

Units: V in mV, t in ms, conductances in mS, currents in uA, capacitance in uF, [Ca] in uM.
Neurons: 0 = AB/PD, 1 = LP, 2 = PY. Values follow the mackelab ``pyloric`` simulator
(Goncalves et al. 2020; Deistler et al. 2022).
"""

from __future__ import annotations

import numpy as np

#: Frozen: the shipped bank (``shipped_bank``) holds 100,000 simulations of version 1, which a test
#: reproduces bit for bit. A change to the equations, their order of operations, the settings or
#: the statistics that alters any output needs a new version, and so a new shipped bank (3 core-hours).
SIMULATOR_VERSION = 1

NEURONS = ("AB/PD", "LP", "PY")
CHANNELS = ("Na", "CaT", "CaS", "A", "KCa", "Kd", "H", "Leak")
SYNAPSES = ("AB-LP", "PD-LP", "AB-PY", "PD-PY", "LP-PD", "LP-PY", "PY-LP")

#: The 31 parameters: 24 maximal membrane conductances (mS/cm^2), then 7 synapses (ln mS).
PARAMETER_NAMES = tuple(f"{n}_{c}" for n in NEURONS for c in CHANNELS) + tuple(
    f"Synapses_{s}" for s in SYNAPSES
)
N_PARAMETERS = len(PARAMETER_NAMES)

#: The 18 summary statistics in the order of the current ``pyloric`` package.
STAT_NAMES = (
    "cycle_period",
    "burst_duration_ABPD",
    "burst_duration_LP",
    "burst_duration_PY",
    "duty_cycle_ABPD",
    "duty_cycle_LP",
    "duty_cycle_PY",
    "start_phase_LP",
    "start_phase_PY",
    "delay_ABPD_LP",
    "delay_LP_PY",
    "gap_ABPD_LP",
    "gap_LP_PY",
    "phase_gap_ABPD_LP",
    "phase_gap_LP_PY",
    "plateau_ABPD",
    "plateau_LP",
    "plateau_PY",
)
N_STATS = len(STAT_NAMES)

# Integration settings (ms).
DT = 0.025
T_MAX = 11000.0
T_BURN_IN = 1000.0
N_STEPS = 440_000  # len(np.arange(0, 11000, 0.025))
N_BURN_IN = 40_000  # int(1000 / 0.025)
NOISE_STD = 0.001  # uA (1 nA) per neuron and step, not scaled with dt

AREA = 0.628e-3  # cm^2: membrane conductance mS/cm^2 -> mS
CAPACITANCE = 0.6283e-3  # uF (kept as in the reference, not 0.628)

# Reversal potentials (mV).
E_NA, E_K, E_H, E_LEAK = 50.0, -80.0, -20.0, -50.0
# Calcium buffer.
TAU_CA = 200.0  # ms
CA_F = 14961.0  # uM / uA
CA_0 = 0.05  # uM
CA_OUT = 3000.0  # uM
R_GAS = 8.31451e3  # mJ / (mol K)
FARADAY = 96485.3415  # C / mol

# Synapses: (postsynaptic neuron, presynaptic neuron, reversal mV, k_minus ms).
SYN_POST = np.array([1, 1, 2, 2, 0, 2, 1], dtype=np.int64)
SYN_PRE = np.array([0, 0, 0, 0, 1, 1, 2], dtype=np.int64)
_GLUT, _CHOL = (-70.0, 40.0), (-80.0, 100.0)
_SYN_TYPES = (_GLUT, _CHOL, _GLUT, _CHOL, _GLUT, _GLUT, _GLUT)
SYN_E = np.array([e for e, _ in _SYN_TYPES])
SYN_KMINUS = np.array([k for _, k in _SYN_TYPES])

# Default Q10 values; they matter only away from 283 K.
Q10_GBAR_MEMBRANE = 1.5
Q10_GBAR_SYNAPSE = 1.5
Q10_TAU_M = np.array([2.4, 2.4, 2.0, 2.4, 1.6, 2.4, 2.4])  # Na CaT CaS A KCa Kd H
Q10_TAU_H = 2.8  # Na CaT CaS A
Q10_TAU_CA = 2.0
Q10_TAU_SYNAPSE = 1.7
REFERENCE_TEMPERATURE = 283.0  # K


def temperature_factors(temperature: float = REFERENCE_TEMPERATURE) -> dict[str, np.ndarray]:
    """Q10 factors at ``temperature`` (K): conductances are multiplied, time constants divided.

    Returns a dict of float64 arrays: ``gbar`` (8,), ``syn_gbar`` (7,), ``tau_m`` (7,),
    ``tau_h`` (4,), ``tau_ca`` (1,), ``syn_tau`` (7,), ``rt_over_zf`` (1,) in mV.
    """
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a positive number of kelvin, got {temperature!r}")
    x = (float(temperature) - REFERENCE_TEMPERATURE) / 10.0
    return {
        "gbar": np.full(8, Q10_GBAR_MEMBRANE**x),
        "syn_gbar": np.full(7, Q10_GBAR_SYNAPSE**x),
        "tau_m": Q10_TAU_M**x,
        "tau_h": np.full(4, Q10_TAU_H**x),
        "tau_ca": np.array([Q10_TAU_CA**x]),
        "syn_tau": np.full(7, Q10_TAU_SYNAPSE**x),
        "rt_over_zf": np.array([R_GAS * float(temperature) / (2.0 * FARADAY)]),
    }
