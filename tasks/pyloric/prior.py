"""The 31-D box-uniform prior of Goncalves et al. (2020) / Deistler et al. (2022), and validation.

Membrane conductances are uniform on a linear scale in mS/cm^2; synapses uniform in ln(mS) on
[ln 1e-8, ln 1e-3] (AB-LP up to ln 1e-2). Draws are rounded to float32, as the reference's
``sbi.utils.BoxUniform`` produces them, so a stored draw is exactly what was simulated.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from benchmarks.tasks.pyloric import circuit as M

# Per neuron, per channel (Na CaT CaS A KCa Kd H Leak), mS/cm^2.
_MEMBRANE_LOWER = [
    [0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 0.0, 0.0],  # AB/PD
    [0.0, 0.0, 2.0, 10.0, 0.0, 0.0, 0.0, 0.01],  # LP
    [0.0, 0.0, 0.0, 30.0, 0.0, 50.0, 0.0, 0.0],  # PY
]
_MEMBRANE_UPPER = [
    [500.0, 7.5, 8.0, 60.0, 15.0, 150.0, 0.02, 0.01],
    [200.0, 2.5, 12.0, 60.0, 10.0, 125.0, 0.06, 0.04],
    [600.0, 12.5, 4.0, 60.0, 5.0, 150.0, 0.06, 0.04],
]
_SYN_LOWER = [math.log(1e-8)] * 7
_SYN_UPPER = [math.log(1e-2)] + [math.log(1e-3)] * 6

#: Bounds (31,), float64 values of the float32 box the reference samples from.
LOWER = np.asarray(np.ravel(_MEMBRANE_LOWER).tolist() + _SYN_LOWER, dtype=np.float32).astype(np.float64)
UPPER = np.asarray(np.ravel(_MEMBRANE_UPPER).tolist() + _SYN_UPPER, dtype=np.float32).astype(np.float64)

# Slack for parameters given in float64 at a bound that float32 rounded the other way.
_BOUND_SLACK = 1e-6


def sample_prior(n: int, rng: np.random.Generator) -> np.ndarray:
    """n prior draws (n, 31): float32 values as float64, within [LOWER, UPPER]."""
    if n < 0:
        raise ValueError(f"number of prior draws must be >= 0, got {n}")
    theta = rng.uniform(LOWER, UPPER, size=(n, M.N_PARAMETERS))
    theta = theta.astype(np.float32).astype(np.float64)
    return np.clip(theta, LOWER, UPPER)


def box_uniform(device: Any = "cpu") -> Any:
    """The prior as ``sbi.utils.BoxUniform`` (float32) on ``device``."""
    import torch
    from sbi.utils import BoxUniform

    return BoxUniform(
        torch.as_tensor(LOWER, dtype=torch.float32, device=device),
        torch.as_tensor(UPPER, dtype=torch.float32, device=device),
        device=str(device),
    )


def check_parameters(theta: Any, *, within_prior: bool = True) -> np.ndarray:
    """Validate parameters and return them as a C-contiguous float64 array (n, 31).

    theta: (31,) or (n, 31), array-like or torch tensor; 24 membrane conductances in mS/cm^2,
    then 7 synapses in ln mS (order: ``circuit.PARAMETER_NAMES``). Raises ValueError for a wrong
    shape, NaN or infinite values, or (with ``within_prior``) values outside the prior box.
    """
    if hasattr(theta, "detach"):  # torch tensor, without importing torch here
        theta = theta.detach().cpu().numpy()
    try:
        arr = np.asarray(theta, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"pyloric parameters must be numeric, got {type(theta).__name__}: {err}") from None
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != M.N_PARAMETERS:
        raise ValueError(
            f"pyloric parameters must have shape ({M.N_PARAMETERS},) or (n, {M.N_PARAMETERS}) "
            f"(24 membrane conductances, 7 log synapses), got shape {np.shape(theta)}"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        rows, cols = np.nonzero(bad)
        raise ValueError(
            f"pyloric parameters contain NaN or infinite values: {int(bad.sum())} entries, "
            f"first at row {rows[0]} ({M.PARAMETER_NAMES[cols[0]]} = {arr[rows[0], cols[0]]})"
        )
    if within_prior:
        slack = _BOUND_SLACK * np.maximum(1.0, np.abs(UPPER - LOWER))
        outside = (arr < LOWER - slack) | (arr > UPPER + slack)
        if outside.any():
            rows, cols = np.nonzero(outside)
            r, c = rows[0], cols[0]
            raise ValueError(
                f"pyloric parameters outside the prior: {int(outside.any(axis=1).sum())} of "
                f"{len(arr)} rows; first: row {r}, {M.PARAMETER_NAMES[c]} = {arr[r, c]:.6g} not in "
                f"[{LOWER[c]:.6g}, {UPPER[c]:.6g}]"
            )
    return np.ascontiguousarray(arr)
