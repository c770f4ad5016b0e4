"""``python -m benchmarks.tasks.pyloric.gpu_check``: the torch simulator on a device, its speed and its match.

Prints (1) simulations per second of ``torch_simulator`` for a batch of prior draws (integration,
then with the statistics computed on the host), and (2) the match with the numba CPU kernel on
the shared reference rows (``$BENCHMARKS_MIRROR/pyloric/reference_stats_noise_free.csv``):
noise-free, float64, rows classified stable or not by the CPU kernel's agreement with the
reference table. At ``--t-max`` 11,000 ms (the default) statistics are compared; shorter runs
(a CPU smoke test) compare voltage traces instead. Runs on the CPU too (``--device cpu``).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from benchmarks.tasks.pyloric import circuit as M

RTOL = 1e-3  # the tolerance of the reference tests


def reference_rows(mirror: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(theta (n, 31), statistics (n, 18)) of the shared reference table under ``mirror`` (default
    ``$BENCHMARKS_MIRROR``, else ../shared/data beside the checkout). Rows other than the
    unit-test vector are float32 prior draws printed to 10 digits: rounding them back to float32
    recovers the reference run's exact inputs. FileNotFoundError names a missing file."""
    import os

    import pandas as pd

    root = mirror or Path(os.environ.get("BENCHMARKS_MIRROR") or Path(__file__).resolve().parents[3] / "shared" / "data")
    path = Path(root) / "pyloric" / "reference_stats_noise_free.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: reference table not found; set BENCHMARKS_MIRROR to the data mirror")
    frame = pd.read_csv(path)
    theta = frame.iloc[:, : M.N_PARAMETERS].to_numpy()
    t32 = theta.astype(np.float32).astype(np.float64)
    is32 = np.all(np.abs(theta - t32) <= 5e-10 * np.abs(theta), axis=1)
    theta[is32] = t32[is32]
    return theta, frame.iloc[:, M.N_PARAMETERS:].to_numpy()


def _sync(device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)


def throughput(n: int, device, dtype, t_max: float, block_steps: int) -> dict:
    """Simulations per second for n prior draws (integration alone, and with statistics)."""
    import torch

    from benchmarks.tasks.pyloric.prior import sample_prior
    from benchmarks.tasks.pyloric.torch_simulator import simulate_torch, statistics_of_batch

    theta = sample_prior(n, np.random.default_rng(0))
    simulate_torch(theta[:2], device=device, dtype=dtype, t_max=1.0, t_burn_in=0.0)  # warm-up
    _sync(device)
    start = time.perf_counter()
    v, diverged = simulate_torch(theta, 0, device=device, dtype=dtype, t_max=t_max,
                                 t_burn_in=min(M.T_BURN_IN, t_max / 11), block_steps=block_steps)
    _sync(device)
    integrated = time.perf_counter() - start
    stats, _ = statistics_of_batch(v, diverged) if v.shape[2] >= 21 else (np.full((n, M.N_STATS), np.nan), None)
    total = time.perf_counter() - start
    scale = M.T_MAX / t_max  # per 11-s simulation
    return {"n": n, "dtype": str(dtype).replace("torch.", ""), "t_max_ms": t_max,
            "sims_per_s_integration": n / (integrated * scale), "sims_per_s_with_statistics": n / (total * scale),
            "valid_fraction": float((~np.isnan(stats).any(axis=1)).mean()), "diverged": int(diverged.sum()),
            "memory_gib": torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else None}


def match(device, t_max: float, rows: int | None, mirror: Path | None = None) -> dict:
    """Noise-free float64 torch runs against the numba kernel on the reference rows."""
    import torch

    from benchmarks.tasks.pyloric.simulator import simulate, simulate_voltage
    from benchmarks.tasks.pyloric.torch_simulator import simulate_torch, statistics_of_batch

    theta, expected = reference_rows(mirror)
    if rows is not None:
        theta, expected = theta[:rows], expected[:rows]
    if t_max < M.T_MAX:  # too short for statistics: compare the traces from t = 0
        v, _ = simulate_torch(theta, device=device, dtype=torch.float64, noise_std=0.0, t_max=t_max, t_burn_in=0.0)
        err = [float(np.abs(v[k] - simulate_voltage(theta[k], noise_std=0.0, t_max=t_max)[1]).max())
               for k in range(len(theta))]
        return {"rows": len(theta), "compared": "voltage traces", "t_max_ms": t_max, "max_abs_mV": max(err),
                "rows_within_1e-4_mV": int(sum(e < 1e-4 for e in err))}
    v, diverged = simulate_torch(theta, device=device, dtype=torch.float64, noise_std=0.0)
    gpu, _ = statistics_of_batch(v, diverged)
    cpu = simulate(theta, noise_std=0.0).stats

    def agrees(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        same_nan = (np.isnan(a) == np.isnan(b)).all(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            close = (np.isclose(a, b, rtol=RTOL, atol=0) | np.isnan(a) & np.isnan(b)).all(axis=1)
        return same_nan & close

    stable = agrees(cpu, expected)  # rows the CPU kernel reproduces (the others are chaotic)
    return {"rows": len(theta), "compared": "statistics", "rtol": RTOL,
            "cpu_matches_reference": int(stable.sum()),
            "gpu_matches_cpu": int(agrees(gpu, cpu).sum()),
            "gpu_matches_reference_on_stable_rows": f"{int(agrees(gpu, expected)[stable].sum())}/{int(stable.sum())}",
            "rows_not_matching_cpu": np.flatnonzero(~agrees(gpu, cpu)).tolist()}


def main(argv: list[str] | None = None) -> dict:
    import torch

    parser = argparse.ArgumentParser(prog="python -m benchmarks.tasks.pyloric.gpu_check", description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--n", type=int, default=None, help="simulations for the speed (default 4096 on cuda, 4 on cpu)")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float64")
    parser.add_argument("--t-max", type=float, default=M.T_MAX, help="ms simulated (11000; less for a smoke test)")
    parser.add_argument("--rows", type=int, default=None, help="reference rows to compare (default all)")
    parser.add_argument("--block-steps", type=int, default=4000)
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    n = args.n if args.n is not None else (4096 if device.type == "cuda" else 4)
    if n < 1 or args.t_max <= 0:
        parser.error("--n and --t-max must be positive")
    report = {"device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
              "speed": throughput(n, device, getattr(torch, args.dtype), args.t_max, args.block_steps),
              "match": match(device, args.t_max, args.rows)}
    print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()
