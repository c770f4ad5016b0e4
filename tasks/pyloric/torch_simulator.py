"""The pyloric network in torch: whole batches per step, for GPUs (``equations``' formulas, as ``kernel``).

Each of the 440,000 steps is a handful of batched tensor operations, so the cost per step is
nearly independent of the batch size on a GPU; on a CPU the numba path is far faster and this
module serves to check the equations (float64 agrees with numba to rounding). V after the burn-in
is copied to host memory block by block and reduced by the numba statistics, so host memory
grows as 4.8 MB (float32) per simulation in a batch. Noise comes from torch's generator: runs
agree with the numba path in distribution, not trajectory by trajectory (the network is chaotic).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from benchmarks.tasks.pyloric import circuit as M
from benchmarks.tasks.pyloric import equations as E
from benchmarks.tasks.pyloric import statistics as S
from benchmarks.tasks.pyloric.prior import check_parameters

# The equations in their Python form: the same formulas as the numba kernel, on tensors.
_exponent, _logistic, _relax = E.exponent.py_func, E.logistic.py_func, E.relax.py_func
_time_constant, _kca_steady_state = E.time_constant.py_func, E.kca_steady_state.py_func
_m3h, _m4 = E.m3h.py_func, E.m4.py_func
_calcium_steady_state, _membrane_exponent = E.calcium_steady_state.py_func, E.membrane_exponent.py_func
_total_conductance, _total_current = E.total_conductance.py_func, E.total_current.py_func
_forward_euler_voltage = E.forward_euler_voltage.py_func
_synapse_tau, _synapse_euler = E.synapse_tau.py_func, E.synapse_euler.py_func


class _Network:
    """Parameters and state of a batch of B networks on one device."""

    def __init__(self, theta: np.ndarray, device: torch.device, dtype: torch.dtype,
                 temperature: float) -> None:
        f = M.temperature_factors(temperature)
        as_t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64), device=device).to(dtype)  # noqa: E731
        self.gbar = as_t(theta[:, :24].reshape(-1, 3, 8) * M.AREA * f["gbar"])  # (B, 3, 8) mS
        self.gsyn = as_t(np.exp(theta[:, 24:]) * f["syn_gbar"])  # (B, 7) mS
        self.neg_dt_fac = as_t(-M.DT * np.concatenate([f["tau_m"], f["tau_h"]]))  # (11,)
        self.fac_syn = as_t(f["syn_tau"])
        self.rt_over_zf = float(f["rt_over_zf"][0])
        self.exp_ca = float(np.exp(-M.DT * f["tau_ca"][0] / M.TAU_CA))
        self.tp, self.ta, self.tb = (as_t(E.TERMS[:, k]) for k in range(3))
        self.post = torch.as_tensor(M.SYN_POST, device=device)
        self.pre = torch.as_tensor(M.SYN_PRE, device=device)
        self.syn_e = as_t(M.SYN_E)
        self.kminus = as_t(M.SYN_KMINUS)
        b = theta.shape[0]
        self.v = torch.full((b, 3), M.E_LEAK, device=device, dtype=dtype)
        self.ca = torch.full((b, 3), M.CA_0, device=device, dtype=dtype)
        self.x = torch.zeros((b, 3, E.N_GATES), device=device, dtype=dtype)  # m x7, h x4
        self.s = torch.zeros((b, 7), device=device, dtype=dtype)

    def step(self, noise: torch.Tensor | None) -> None:
        """One 0.025-ms step; noise (B, 3) uA or None."""
        v, ca, x, s = self.v, self.ca, self.x, self.s
        e = torch.exp(_exponent(v[..., None], self.tp, self.ta, self.tb))  # (B, 3, 27)
        sig = _logistic(e)

        gs = self.gsyn * s  # (B, 7)
        g_syn = torch.zeros_like(v).index_add_(1, self.post, gs)
        i_syn = torch.zeros_like(v).index_add_(1, self.post, gs * self.syn_e)

        g = self.gbar
        c = [_m3h(g[..., k], x[..., k], x[..., 7 + k]) for k in range(4)]
        c += [_m4(g[..., 4], x[..., 4]), _m4(g[..., 5], x[..., 5]), g[..., 6] * x[..., 6], g[..., 7]]
        e_ca = self.rt_over_zf * torch.log(M.CA_OUT / ca)  # as the kernel: libm's log of [Ca]
        ca_new = _relax(ca, _calcium_steady_state(c[1], c[2], v, e_ca), self.exp_ca)
        g_tot = _total_conductance(g_syn, *c)
        i_tot = _total_current(i_syn, *c, e_ca)
        if noise is not None:
            i_tot = i_tot + noise
        closed = g_tot == 0.0
        v_inf = i_tot / torch.where(closed, torch.ones_like(g_tot), g_tot)
        v_new = torch.where(closed, _forward_euler_voltage(v, i_tot),
                            _relax(v, v_inf, torch.exp(_membrane_exponent(g_tot))))

        targets, taus = [], []
        for gate, (inf_term, form, t1, t2, c0, c1) in enumerate(E.GATES):
            target = sig[..., inf_term]
            targets.append(_kca_steady_state(ca, target) if gate == E.KCA_GATE else target)
            taus.append(_time_constant(form, c0, c1, sig[..., t1], sig[..., t2], e[..., t1], e[..., t2]))
        decay = torch.exp(self.neg_dt_fac / torch.stack(taus, dim=-1))
        self.x = _relax(x, torch.stack(targets, dim=-1), decay)

        s_inf = sig[..., E.SYNAPSE_TERM][:, self.pre]  # (B, 7) at the presynaptic V
        s_tau = _synapse_tau(s_inf, self.kminus, self.fac_syn)
        self.s = torch.where(M.DT > s_tau, s_inf, _synapse_euler(s, s_inf, s_tau))
        self.v, self.ca = v_new, ca_new


def simulate_torch(
    theta: Any,
    seed: int = 0,
    *,
    device: torch.device | str = "cpu",
    dtype: torch.dtype = torch.float64,
    noise_std: float = M.NOISE_STD,
    t_max: float = M.T_MAX,
    t_burn_in: float = M.T_BURN_IN,
    temperature: float = M.REFERENCE_TEMPERATURE,
    block_steps: int = 4000,
    within_prior: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate a batch with torch; returns (V after burn-in (B, 3, n) float32 on the host,
    diverged (B,) bool). Compute statistics with ``statistics_of_batch``.

    theta (B, 31) as for ``simulator.simulate``; seed seeds a torch generator on ``device``
    (noise drawn for the whole batch, so one simulation's noise depends on the batch);
    dtype float64 (checks) or float32 (GPU throughput; trajectories then differ, statistics
    agree in distribution).
    """
    theta = check_parameters(theta, within_prior=within_prior)
    device = torch.device(device)
    n_steps = int(round(t_max / M.DT))
    n_burn = int(round(t_burn_in / M.DT))
    net = _Network(theta, device, dtype, temperature)
    # A generator of its own (not torch's global one): the simulation's noise depends on seed alone.
    gen = torch.Generator(device=device).manual_seed(int(seed))
    b = theta.shape[0]
    v_host = np.empty((b, 3, n_steps - n_burn), dtype=np.float32)
    diverged = torch.zeros(b, dtype=torch.bool, device=device)
    block = torch.empty((b, 3, block_steps), device=device, dtype=dtype)
    if n_burn == 0:
        v_host[..., 0] = M.E_LEAK  # the initial state is step 0
    with torch.no_grad():
        for start in range(1, n_steps, block_steps):
            stop = min(start + block_steps, n_steps)
            noise = None
            if noise_std > 0:
                noise = torch.randn((stop - start, b, 3), generator=gen, device=device,
                                    dtype=dtype) * noise_std
            for i in range(start, stop):
                net.step(None if noise is None else noise[i - start])
                block[..., i - start] = net.v
            diverged |= ~(block[..., : stop - start].abs() < 1e4).all(-1).all(-1)
            lo, hi = max(start, n_burn), stop
            if hi > lo:
                v_host[..., lo - n_burn: hi - n_burn] = (
                    block[..., lo - start: hi - start].float().cpu().numpy())
    return v_host, diverged.cpu().numpy()


def statistics_of_batch(v: np.ndarray, diverged: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 18 statistics (B, 18) and counts (B, 7) of recorded traces v (B, 3, n) mV."""
    stats = np.full((len(v), M.N_STATS), np.nan)
    counts = np.zeros((len(v), S.N_COUNTS), dtype=np.int64)
    for k in np.flatnonzero(~diverged):
        stats[k], counts[k] = S.compute_statistics(v[k])
    return stats, counts
