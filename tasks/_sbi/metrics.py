"""Evaluation of the SBI reference tasks: C2ST against the reference posterior, and a posterior
predictive check (median distance of simulations from posterior samples to x_o)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from benchmarks.context import available_cores
from benchmarks.task import Direction, Evaluation, Items
from benchmarks.tasks._sbi.c2st import THREADS, c2st_many
from benchmarks.tasks._sbi.data import SBIData, SBIInput

PREDICTIVE_SIMULATIONS = 1000
PREDICTIVE_SEED = 12345  # one fixed stream, so that every method is checked on the same noise


def check_output(data: SBIInput | SBIData, output: object) -> None:
    """Raise ``ValueError`` naming what is wrong with a method's output: not a dict with ``samples``, or samples
    that are not real numbers, not of shape (k, n >= 1, dim_theta) for the k observations, or not finite."""
    if not isinstance(output, Mapping) or "samples" not in output:
        raise ValueError(f"{data.task}: a method returns a dict with 'samples', got {type(output).__name__}"
                         + (f" with keys {sorted(output)}" if isinstance(output, Mapping) else ""))
    try:
        samples = np.asarray(output["samples"])
    except (TypeError, ValueError) as error:  # a ragged list, a tensor on a GPU
        raise ValueError(f"{data.task}: posterior samples are no numeric array ({error})") from None
    if samples.dtype.kind not in "fiu":
        raise ValueError(f"{data.task}: posterior samples must be real numbers, got dtype {samples.dtype}")
    want = (len(data.observations), data.problem.dim_theta)
    if samples.ndim != 3 or (samples.shape[0], samples.shape[2]) != want or samples.shape[1] == 0:
        raise ValueError(f"{data.task}: posterior samples must have shape ({want[0]}, n, {want[1]}) with n >= 1, "
                         f"got {samples.shape}")
    if not np.isfinite(samples).all():
        raise ValueError(f"{data.task}: posterior samples contain NaN or infinite values")


def median_distance(data: SBIData, samples: np.ndarray, x_o: np.ndarray) -> float:
    """Median Euclidean distance between x_o and simulations of the first 1,000 samples (x units)."""
    rng = np.random.default_rng(PREDICTIVE_SEED)
    x = data.problem.simulate(samples[:PREDICTIVE_SIMULATIONS], rng)
    return float(np.median(np.linalg.norm(x - x_o, axis=1)))


def c2st_per_observation(data: SBIData, samples: np.ndarray) -> tuple[list[float], int]:
    """C2ST of each observation's samples (k, n, dim_theta) against its reference, and the samples
    per side it compared (the metric's ``data.c2st_samples``, or fewer where a side has fewer).

    All observations' classifiers train together, on the CPU (the score must not depend on where a
    method ran) with at most ``c2st.THREADS`` threads: ``evaluate`` sees no run context, so the
    cell's thread count reaches it only as ``$BENCHMARKS_THREADS`` (``available_cores``).
    """
    if data.reference_samples is None:
        raise ValueError(f"{data.task}: these observations have no reference posterior samples to compare with")
    n = min(data.c2st_samples, data.reference_samples.shape[1], samples.shape[1])
    pairs = [(ref[:n], s[:n]) for ref, s in zip(data.reference_samples, samples)]
    scores = c2st_many(pairs, max_iter=data.c2st_max_iter, threads=min(THREADS, available_cores()))
    return scores, n


def evaluate(data: SBIData, output: dict) -> Evaluation:
    """C2ST (mean over observations; 0.5 is perfect) and median posterior-predictive distance.

    Items: the C2ST of each observation (lower is better), for the paired tests; none for user
    observations, which have no reference posterior.
    """
    check_output(data, output)  # again: evaluate is also called outside the runner
    samples = np.asarray(output["samples"], dtype=np.float64)
    distances = [median_distance(data, s, x_o) for s, x_o in zip(samples, data.observations)]
    metrics = {"median_distance": float(np.mean(distances))}
    details: dict = {"median_distance_per_observation": distances, "observations": list(data.numbers)}
    if data.reference_samples is None:
        reason = "user observations have no reference posterior samples"
        metrics.update(c2st=float("nan"), c2st_std=float("nan"))
        return Evaluation(metrics=metrics, notes={"c2st": reason, "c2st_std": reason}, details=details)
    scores, n = c2st_per_observation(data, samples)
    metrics.update(c2st=float(np.mean(scores)), c2st_std=float(np.std(scores)))
    details.update(c2st_per_observation=scores, c2st_samples=n, c2st_max_iter=data.c2st_max_iter)
    items = Items(scores, Direction.LOWER, "C2ST of one observation's posterior samples")
    return Evaluation(metrics=metrics, details=details, items=items)
