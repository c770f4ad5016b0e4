"""The observed statistics x_o: Marder-lab recording 845_082_0044 at 11 degC (Goncalves et al. 2020).

The values carry the precision of the ``tsnpe_neurips`` notebook (``01_gen_data.ipynb``), which
reproduces ``IdentifyMechanisticModels_2020/7_stg/results/31D_experimental/
190807_summstats_prep845_082_0044.npz`` in the current statistic order; the mirrored CSV has
six significant digits and is checked against them by ``read_observation_csv``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.tasks.pyloric import circuit as M

#: x_o (18,) in ``circuit.STAT_NAMES`` order; plateaus fixed at 2.5 ms (none).
X_O = np.array(
    [
        1170.858594, 206.036434, 214.307031, 412.842187, 0.17597038, 0.18303409, 0.35259782,
        0.41160033, 0.63054489, 481.925781, 256.353125, 275.164844, 42.046094, 0.23501117,
        0.03591048, 2.5, 2.5, 2.5,
    ]
)

_CSV_COLUMN = "value_pyloric_pkg_order"


def read_csv_named(path: Path) -> Any:
    """``pandas.read_csv``, with errors (an empty file, a broken quote) that name the file."""
    import pandas as pd

    try:
        return pd.read_csv(path)
    except (ValueError, UnicodeDecodeError) as error:  # pandas' EmptyDataError and ParserError are ValueErrors
        raise ValueError(f"{path}: not a readable CSV file ({type(error).__name__}: {error})") from None


def read_observation_csv(path: Path | str) -> np.ndarray:
    """Read x_o (18,) from ``xo_prep845_082_0044.csv`` (column ``value_pyloric_pkg_order``)."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: observation file not found")
    frame = read_csv_named(path)
    if _CSV_COLUMN not in frame.columns:
        raise ValueError(f"{path}: no column {_CSV_COLUMN!r} (columns: {list(frame.columns)})")
    values = pd.to_numeric(frame[_CSV_COLUMN], errors="coerce").to_numpy(dtype=np.float64)
    if values.shape != (M.N_STATS,) or not np.isfinite(values).all():
        raise ValueError(
            f"{path}: expected {M.N_STATS} finite values in {_CSV_COLUMN!r}, got {values.tolist()}"
        )
    return values
