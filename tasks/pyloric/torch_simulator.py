"""The pyloric network in torch: whole batches per step, for GPUs (the same equations as ``kernel``).

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

from tasks.pyloric import circuit as M
from tasks.pyloric import statistics as S
from tasks.pyloric.kernel import _TERMS  # (p, a, b) of exp((V * p + a) / b), one source of truth
from tasks.pyloric.prior import check_parameters


class _Network:
    """Parameters and state of a batch of B networks on one device."""

    def __init__(self, theta: np.ndarray, device: torch.device, dtype: torch.dtype,
                 temperature: float) -> None:
        f = M.temperature_factors(temperature)
        as_t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64), device=device).to(dtype)  # noqa: E731
        self.gbar = as_t(theta[:, :24].reshape(-1, 3, 8) * M.AREA * f["gbar"])  # (B, 3, 8) mS
        self.gsyn = as_t(np.exp(theta[:, 24:]) * f["syn_gbar"])  # (B, 7) mS
        self.fac = as_t(np.concatenate([f["tau_m"], f["tau_h"]]))  # (11,)
        self.fac_syn = as_t(f["syn_tau"])
        self.rt_over_zf = float(f["rt_over_zf"][0])
        self.exp_ca = float(np.exp(-M.DT * f["tau_ca"][0] / M.TAU_CA))
        self.tp, self.ta, self.tb = (as_t(_TERMS[:, k]) for k in range(3))
        self.post = torch.as_tensor(M.SYN_POST, device=device)
        self.pre = torch.as_tensor(M.SYN_PRE, device=device)
        self.syn_e = as_t(M.SYN_E)
        self.kminus = as_t(M.SYN_KMINUS)
        self.e_mem = as_t([M.E_NA, 0.0, 0.0, M.E_K, M.E_K, M.E_K, M.E_H, M.E_LEAK])  # Ca: E_Ca
        b = theta.shape[0]
        self.v = torch.full((b, 3), M.E_LEAK, device=device, dtype=dtype)
        self.ca = torch.full((b, 3), M.CA_0, device=device, dtype=dtype)
        self.x = torch.zeros((b, 3, 11), device=device, dtype=dtype)  # m x7, h x4
        self.s = torch.zeros((b, 7), device=device, dtype=dtype)

    def step(self, noise: torch.Tensor | None) -> None:
        """One 0.025-ms step; noise (B, 3) uA or None."""
        dt = M.DT
        v, ca, x, s = self.v, self.ca, self.x, self.s
        e = torch.exp((v[..., None] * self.tp + self.ta) / self.tb)  # (B, 3, 27)
        sig = 1.0 / (1.0 + e)

        gs = self.gsyn * s  # (B, 7)
        g_syn = torch.zeros_like(v).index_add_(1, self.post, gs)
        i_syn = torch.zeros_like(v).index_add_(1, self.post, gs * self.syn_e)

        m, h = x[..., :7], x[..., 7:]
        open_ = torch.stack([
            m[..., 0] ** 3 * h[..., 0], m[..., 1] ** 3 * h[..., 1], m[..., 2] ** 3 * h[..., 2],
            m[..., 3] ** 3 * h[..., 3], m[..., 4] ** 4, m[..., 5] ** 4, m[..., 6],
            torch.ones_like(v),
        ], dim=-1)
        c = self.gbar * open_  # (B, 3, 8) channel conductances
        e_ca = self.rt_over_zf * torch.log(M.CA_OUT / ca)
        i_ca = (c[..., 1] + c[..., 2]) * (v - e_ca)
        ca_inf = M.CA_0 - M.CA_F * i_ca
        ca_new = ca_inf + (ca - ca_inf) * self.exp_ca
        g_tot = g_syn + c.sum(-1)
        i_tot = i_syn + (c * self.e_mem).sum(-1) + (c[..., 1] + c[..., 2]) * e_ca
        if noise is not None:
            i_tot = i_tot + noise
        safe_g = torch.where(g_tot == 0.0, torch.ones_like(g_tot), g_tot)
        v_inf = i_tot / safe_g
        v_new = torch.where(g_tot == 0.0, v + dt * i_tot / M.CAPACITANCE,
                            v_inf + (v - v_inf) * torch.exp(-dt * g_tot / M.CAPACITANCE))

        x_inf = torch.stack([
            sig[..., 0], sig[..., 2], sig[..., 4], sig[..., 7], ca / (ca + 3.0) * sig[..., 9],
            sig[..., 11], sig[..., 13], sig[..., 16], sig[..., 19], sig[..., 21], sig[..., 24],
        ], dim=-1)
        tau = torch.stack([
            2.64 - 2.52 * sig[..., 1], 43.4 - 42.6 * sig[..., 3], 2.8 + 14.0 / (e[..., 5] + e[..., 6]),
            23.2 - 20.8 * sig[..., 8], 180.6 - 150.2 * sig[..., 10], 14.4 - 12.8 * sig[..., 12],
            2.0 / (e[..., 14] + e[..., 15]), 1.34 * sig[..., 17] * (1.5 + sig[..., 18]),
            210.0 - 179.6 * sig[..., 20], 120.0 + 300.0 / (e[..., 22] + e[..., 23]),
            77.2 - 58.4 * sig[..., 25],
        ], dim=-1)
        self.x = x_inf + (x - x_inf) * torch.exp(-dt * self.fac / tau)

        s_inf = sig[..., 26][:, self.pre]  # (B, 7) at the presynaptic V
        s_tau = self.kminus * (1.0 - s_inf) / self.fac_syn
        s_new = s + (s_inf - s) * dt / s_tau
        self.s = torch.where(dt > s_tau, s_inf, s_new)
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
