"""Readers of the benchmark's observations and reference posterior samples.

Files per task and observation k = 1..10 (``num_observation_k/``): ``observation.csv`` (1, dim_x),
``true_parameters.csv`` (1, dim_theta), ``observation_seed.csv`` and
``reference_posterior_samples.csv.bz2`` (10,000, dim_theta), CSV with a header row.
"""

from __future__ import annotations

import warnings

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.tasks._sbi.sizes import N_OBSERVATIONS


@dataclass(frozen=True)
class References:
    """observations (k, dim_x), true_parameters (k, dim_theta), samples (k, n_ref, dim_theta) for
    the benchmark's observation numbers ``numbers`` (k,)."""

    numbers: tuple[int, ...]
    observations: np.ndarray
    true_parameters: np.ndarray
    samples: np.ndarray


def _read_csv(path: Path, columns: int, rows: int | None) -> np.ndarray:
    import pandas as pd

    if not path.is_file():
        raise FileNotFoundError(f"{path}: file not found")
    try:
        with warnings.catch_warnings():
            # a row longer than the header would silently become the index, or lose its last values
            warnings.simplefilter("error", pd.errors.ParserWarning)
            values = pd.read_csv(path, index_col=False).to_numpy(dtype=np.float64)
    except (ValueError, OSError, EOFError, pd.errors.ParserWarning) as error:
        raise ValueError(f"{path}: not a readable numeric CSV with one value per header column ({error})") from None
    if len(values) == 0:
        raise ValueError(f"{path}: no rows under the header (expected at least one observation of {columns} values)")
    if values.ndim != 2 or values.shape[1] != columns or (rows is not None and len(values) != rows):
        want = f"({rows if rows is not None else 'n'}, {columns})"
        raise ValueError(f"{path}: expected {want} values, got {values.shape}")
    if not np.isfinite(values).all():
        raise ValueError(f"{path}: contains NaN or infinite values")
    return values


def read_references(folder: Path, numbers: tuple[int, ...], dim_theta: int, dim_x: int) -> References:
    """Read the files of observations ``numbers`` (each in 1..10) from a fetched dataset folder."""
    observations, parameters, samples = [], [], []
    for k in numbers:
        if not 1 <= k <= N_OBSERVATIONS:
            raise ValueError(f"observation number must be in 1..{N_OBSERVATIONS}, got {k}")
        sub = Path(folder) / f"num_observation_{k}"
        observations.append(_read_csv(sub / "observation.csv", dim_x, 1)[0])
        parameters.append(_read_csv(sub / "true_parameters.csv", dim_theta, 1)[0])
        samples.append(_read_csv(sub / "reference_posterior_samples.csv.bz2", dim_theta, None))
    return References(tuple(numbers), np.stack(observations), np.stack(parameters), np.stack(samples))


def read_user_observations(path: Path | str, dim_x: int) -> np.ndarray:
    """Observations (k, dim_x) from a user's CSV file: a header row, one observation a row."""
    return _read_csv(Path(path), dim_x, None)
