"""``load`` of the pyloric task: the simulation bank split into training and held-out valid
simulations, the observation x_o, and the noise seeds of the posterior-predictive checks;
``method_input``: what methods see of it, ``test_targets``: what they must not (held-out truths, noise seeds).

Bank sizes (prior simulations; about 0.96 % are valid, i.e. triphasic with every statistic defined):
the first rows of the seed-0 CPU bank ship with the code (``shipped_bank``: up to 100,000, about
3 core-hours to simulate). Smoke and default read them whatever the bank seed; full reads them
with ``bank_seed`` 0 on the CPU and simulates only the rows beyond, under
``$BENCHMARKS_DATA/pyloric_bank``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from benchmarks.tasks.pyloric import circuit as M
from benchmarks.tasks.pyloric import shipped_bank
from benchmarks.tasks.pyloric.observation import X_O
from benchmarks.tasks.pyloric.sizes import BUDGETS, Budget

if TYPE_CHECKING:
    from benchmarks.context import RunContext

HELDOUT_FRACTION = 0.2


@dataclass(frozen=True)
class PyloricData:
    """One cell's data.

    theta_train (n, 31) and x_train (n, 18): valid simulations to learn from; theta_heldout (k, 31),
    x_heldout (k, 18): valid simulations kept for calibration; theta_invalid (j, 31) and
    x_invalid (j, 18): the bank's invalid simulations (NaN statistics), what a classifier of
    valid parameters learns from (``methods.restricted``); x_o (18,); predictive_seeds (m,):
    noise seeds of the posterior-predictive simulations (the same for every method);
    n_simulations: bank size (valid and invalid). How many posterior samples a method draws and
    how long it trains are the size's budget (``ctx.budget``), not data.
    """

    size: str
    theta_train: np.ndarray
    x_train: np.ndarray
    theta_heldout: np.ndarray
    x_heldout: np.ndarray
    theta_invalid: np.ndarray
    x_invalid: np.ndarray
    x_o: np.ndarray
    predictive_seeds: np.ndarray
    n_simulations: int


@dataclass(frozen=True)
class PyloricInput:
    """What a method receives (``method_input``): ``PyloricData``'s arrays, the same objects, without
    what evaluate scores against: ``theta_heldout`` (the true parameters of the held-out observations,
    the calibration's targets) and ``predictive_seeds`` (the noise of the predictive check, which a
    method could fit its samples to). n_predictive: how many of a method's samples the predictive
    check simulates (``metrics.check_output`` asks for at least that many)."""

    size: str
    theta_train: np.ndarray
    x_train: np.ndarray
    x_heldout: np.ndarray
    theta_invalid: np.ndarray
    x_invalid: np.ndarray
    x_o: np.ndarray
    n_predictive: int
    n_simulations: int


def method_input(data: PyloricData) -> PyloricInput:
    """The view of ``data`` a method receives (no copies)."""
    return PyloricInput(data.size, data.theta_train, data.x_train, data.x_heldout, data.theta_invalid,
                        data.x_invalid, data.x_o, len(data.predictive_seeds), data.n_simulations)


def test_targets(data: PyloricData) -> dict[str, np.ndarray]:
    """What ``evaluate`` scores against and methods must not see."""
    return {"theta_heldout": data.theta_heldout, "predictive_seeds": data.predictive_seeds}


def check_observation(x: Any, source: str = "observation") -> np.ndarray:
    """x_o as a float64 (18,) array; ValueError naming ``source`` for a wrong length or NaN."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if x.shape != (M.N_STATS,):
        raise ValueError(f"{source}: expected {M.N_STATS} summary statistics ({', '.join(M.STAT_NAMES)}), "
                         f"got {x.size} values")
    if not np.isfinite(x).all():
        bad = [M.STAT_NAMES[i] for i in np.flatnonzero(~np.isfinite(x))]
        raise ValueError(f"{source}: NaN or infinite statistics {bad}; an observation must be a valid "
                         "(triphasic) rhythm with every statistic defined")
    period = x[M.STAT_NAMES.index("cycle_period")]
    if period <= 0:
        raise ValueError(f"{source}: cycle_period is {period:g} ms; a rhythm's period is positive")
    return x


def read_user_observation(path: Path | str) -> np.ndarray:
    """x_o from a CSV file: either the mirror's format (column ``value_pyloric_pkg_order``) or a
    header row of the 18 statistic names (``circuit.STAT_NAMES``) and one row of values."""
    import pandas as pd

    from benchmarks.tasks.pyloric.observation import read_csv_named, read_observation_csv

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: observation file not found")
    frame = read_csv_named(path)
    if "value_pyloric_pkg_order" in frame.columns:
        return read_observation_csv(path)
    missing = [name for name in M.STAT_NAMES if name not in frame.columns]
    if missing or len(frame) != 1:
        raise ValueError(f"{path}: expected one row with the columns {list(M.STAT_NAMES)} "
                         f"(missing {missing}, {len(frame)} rows)")
    values = pd.to_numeric(frame.loc[0, list(M.STAT_NAMES)], errors="coerce").to_numpy(dtype=np.float64)
    return check_observation(values, str(path))


def _shipped_rows(budget: Budget, bank_seed: int, ctx: RunContext | None = None) -> int:
    """How many of the bank's first rows come from the shipped files: all that shipped for a budget
    that never simulates its bank; with the shipped seed on the CPU, the same for every budget (the
    same prior draws and noise seeds the CPU bank simulates; a GPU bank draws its noise from torch,
    so it simulates its own)."""
    if not budget.simulate_bank:
        return shipped_bank.shipped_rows()
    on_gpu = ctx is not None and ctx.device_name.startswith("cuda")
    return shipped_bank.shipped_rows() if bank_seed == shipped_bank.SEED and not on_gpu else 0


def bank_rows(budget: Budget, bank_seed: int, ctx: RunContext | None = None) -> int:
    """The bank's size for a budget: ``n_simulations``, or what has shipped for a budget that never
    simulates (its bank grows with the shipped files, up to ``n_simulations``)."""
    if budget.simulate_bank:
        return budget.n_simulations
    return min(budget.n_simulations, max(_shipped_rows(budget, bank_seed, ctx), shipped_bank.ROWS_PER_PART))


def load_bank(budget: Budget, n: int, bank_seed: int, ctx: RunContext | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(theta (n, 31), stats (n, 18)) of the first ``n`` prior simulations of bank ``bank_seed``;
    NaN marks undefined statistics. ``ctx`` (optional): progress, threads and device while
    simulating. The shipped rows (``_shipped_rows``) are read, the rest simulated or reused; shipped
    files that are damaged or missing are simulated afresh, with a warning naming the file."""
    shipped = min(n, _shipped_rows(budget, bank_seed, ctx))
    seed = bank_seed if budget.simulate_bank else shipped_bank.SEED
    parts = []
    if shipped:
        try:
            rows = shipped_bank.read(shipped)
        except shipped_bank.ShippedBankError as exc:
            import warnings

            warnings.warn(f"{exc}: simulating the shipped rows afresh")
            shipped = 0
        else:
            parts.append((rows.theta, rows.stats))
    if n > shipped:
        from benchmarks.tasks.pyloric.bank import simulation_bank

        start = shipped - shipped % shipped_bank.CHUNK_SIZE
        bank = simulation_bank(n, seed, ctx=ctx, start=start)
        parts = [(p[0][:start], p[1][:start]) for p in parts] + [(bank.theta, bank.stats)]
    if len(parts) == 1:
        return parts[0]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def prepare(size: str, options: Mapping[str, Any]) -> list:
    """The chunks of the bank beyond its shipped rows as separate steps, which cluster executors
    run as a job array (prepared on the CPU, hence the CPU's shipped rows).

    ``options``: the task's resolved options (``bank_seed``)."""
    budget = BUDGETS[size]
    n = bank_rows(budget, options["bank_seed"])
    shipped = min(n, _shipped_rows(budget, options["bank_seed"]))
    if shipped == n:
        return []
    from benchmarks.tasks.pyloric.bank import bank_steps

    seed = options["bank_seed"] if budget.simulate_bank else shipped_bank.SEED
    return bank_steps(n, seed, start=shipped - shipped % shipped_bank.CHUNK_SIZE)


def start_simulator(theta: np.ndarray) -> None:
    """Simulate ``theta`` once, so that the simulator's parallel runtime has started before any method runs.

    Torch's numbers in a method depend on whether it has (npe_restricted's posterior changed with the cells run
    before it in one process, and so with ``--jobs``); started here, every method of the task finds the
    process in the same state, whatever ran before it.
    """
    from benchmarks.tasks.pyloric.simulator import simulate

    simulate(theta, np.arange(len(theta)))


def load(size: str, seed: int, ctx: RunContext) -> PyloricData:
    """Read or simulate the bank of ``size`` (``bank_rows``); split its valid simulations by ``seed``.

    Options: ``observation`` (CSV of a user's x_o), ``bank_seed`` (which prior bank; the bank is
    a fixed data set, expensive to simulate, so the cell seed only splits it and seeds methods).
    """
    budget = ctx.budget
    observation = ctx.options["observation"]
    x_o = read_user_observation(observation) if observation is not None else check_observation(X_O)
    theta, stats = load_bank(budget, bank_rows(budget, ctx.options["bank_seed"], ctx), ctx.options["bank_seed"], ctx)
    is_valid = ~np.isnan(stats).any(axis=1)
    valid = np.flatnonzero(is_valid)
    if len(valid) < 5:
        raise ValueError(f"pyloric: only {len(valid)} valid simulations in the {size} bank; need >= 5")
    order = ctx.rng(0).permutation(valid)  # stream 0: the split of task version 1
    n_heldout = max(2, int(round(HELDOUT_FRACTION * len(order))))
    heldout, train = np.sort(order[:n_heldout]), np.sort(order[n_heldout:])
    # The noise seeds of every method's predictive check: the state words of stream 1 of the cell
    # seed (ctx.rng(1)'s own SeedSequence), the seeds of task version 1.
    stream = np.random.SeedSequence(ctx.seed, spawn_key=(1,))
    predictive_seeds = stream.generate_state(budget.n_predictive).astype(np.int64)
    start_simulator(theta[valid[:2]])
    return PyloricData(size, theta[train], stats[train], theta[heldout], stats[heldout], theta[~is_valid],
                       stats[~is_valid], x_o, predictive_seeds, len(theta))
