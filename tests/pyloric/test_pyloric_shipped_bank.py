"""The shipped bank: its rows are the CPU bank's, bit for bit; damaged parts are named and rebuilt."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from benchmarks.context import make_context
from benchmarks.tasks.pyloric import TASK
from benchmarks.tasks.pyloric import bank as B
from benchmarks.tasks.pyloric import circuit as M
from benchmarks.tasks.pyloric import data as D
from benchmarks.tasks.pyloric import shipped_bank as SB
from benchmarks.tasks.pyloric.simulator import simulate
from benchmarks.tasks.pyloric.sizes import BUDGETS


def test_shipped_parts_are_complete_current_and_compact() -> None:
    parts = SB.shipped_parts()
    assert parts, "no part of the shipped bank: run `python -m benchmarks.tasks.pyloric.shipped_bank build`"
    assert SB.verify() == SB.shipped_rows() == len(parts) * SB.ROWS_PER_PART
    table = SB.read_provenance()
    assert table["bank"]["settings"] == B._settings(SB.SEED, SB.CHUNK_SIZE, M.NOISE_STD, M.REFERENCE_TEMPERATURE)
    for part in parts:
        assert part.entry["simulator_version"] == M.SIMULATOR_VERSION and len(part.entry["commit"]) == 40
        # float32 parameters and statistics: about 2 MB per 10,000 rows
        assert part.path.stat().st_size < 2.5e6
    assert len(list(SB.FOLDER.glob("part_*.npz"))) <= SB.MAX_PARTS


def test_a_random_sample_of_shipped_rows_is_fresh_simulations_bit_for_bit() -> None:
    n = SB.shipped_rows()
    rows = np.sort(np.random.default_rng().choice(n, size=16, replace=False))
    shipped = SB.read(n)
    # the prior draws and noise seeds are the bank's chunks'
    for row in rows[:4]:
        c, k = divmod(int(row), SB.CHUNK_SIZE)
        theta, seeds = B._chunk_draws(SB.SEED, c, SB.CHUNK_SIZE, SB.CHUNK_SIZE)
        np.testing.assert_array_equal(shipped.theta[row], theta[k])
        assert shipped.noise_seeds[row] == seeds[k]
    fresh = simulate(shipped.theta[rows], shipped.noise_seeds[rows])
    np.testing.assert_array_equal(fresh.stats.astype(np.float32), shipped.stats[rows].astype(np.float32),
                                  err_msg=f"rows {rows.tolist()}")
    np.testing.assert_array_equal(fresh.counts, shipped.counts[rows])
    np.testing.assert_array_equal(fresh.diverged, shipped.diverged[rows])


@pytest.fixture()
def tiny(tmp_path, monkeypatch):
    """A shipped bank of 2 parts x 2 chunks x 4 rows, built for real into tmp_path."""
    monkeypatch.setattr(SB, "FOLDER", tmp_path / "shipped")
    monkeypatch.setattr(SB, "CHUNK_SIZE", 4)
    monkeypatch.setattr(SB, "CHUNKS_PER_PART", 2)
    monkeypatch.setattr(SB, "ROWS_PER_PART", 8)
    monkeypatch.setattr(SB, "MAX_PARTS", 3)
    SB.build(2, root=tmp_path / "cache", n_threads=1)
    return tmp_path


def test_build_merges_the_banks_chunks_and_resumes(tiny, capsys) -> None:
    assert SB.verify() == 16 and [p.index for p in SB.shipped_parts()] == [0, 1]
    bank = B.simulation_bank(16, SB.SEED, root=tiny / "cache", chunk_size=4)
    shipped = SB.read(16)
    np.testing.assert_array_equal(shipped.theta, bank.theta)
    np.testing.assert_array_equal(shipped.stats, bank.stats.astype(np.float32).astype(np.float64))
    np.testing.assert_array_equal(shipped.noise_seeds, bank.noise_seeds)
    np.testing.assert_array_equal(SB.read(5).theta, bank.theta[:5])
    before = {p: SB.part_path(p).stat().st_mtime_ns for p in (0, 1)}
    SB.build(2, root=tiny / "cache", n_threads=1)  # finished parts are kept
    assert {p: SB.part_path(p).stat().st_mtime_ns for p in (0, 1)} == before
    with pytest.raises(ValueError, match="holds 16 rows"):
        SB.read(17)


@pytest.mark.parametrize("damage", ["truncate", "missing", "version", "provenance"])
def test_a_damaged_part_is_named(tiny, damage) -> None:
    path = SB.part_path(1)
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:1000])
    elif damage == "missing":
        path.unlink()
    elif damage == "version":  # parts of another simulator version are not shipped rows
        table = json.loads(SB.provenance_path().read_text())
        table["parts"]["1"]["simulator_version"] = M.SIMULATOR_VERSION + 1
        SB.provenance_path().write_text(json.dumps(table))
        assert SB.shipped_rows() == 8
        return
    else:
        SB.provenance_path().write_text("{not json")
    with pytest.raises(SB.ShippedBankError, match="PROVENANCE.json" if damage == "provenance" else "part_01.npz"):
        SB.read(16)
    assert SB.main(["verify"]) == 1


def test_load_bank_reads_shipped_rows_and_simulates_the_rest(tiny, monkeypatch) -> None:
    calls, real_bank = [], B.simulation_bank

    def fake_bank(n, seed, *, start=0, **_):  # the real bank, in the test's folder
        calls.append((n, seed, start))
        return real_bank(n, seed, root=tiny / "cache", chunk_size=4, start=start)

    monkeypatch.setattr(B, "simulation_bank", fake_bank)
    shipped = SB.read(16)
    never = replace(BUDGETS["smoke"], n_simulations=100)  # a bank that is never simulated
    theta, stats = D.load_bank(never, 12, 3)  # shipped rows whatever the seed
    assert calls == [] and np.array_equal(theta, shipped.theta[:12])
    assert D.bank_rows(never, 0) == 16 and D.bank_rows(BUDGETS["full"], 0) == BUDGETS["full"].n_simulations
    theta, _ = D.load_bank(BUDGETS["default"], 12, 0)  # bank 0 on the CPU: shipped
    assert calls == [] and np.array_equal(theta, shipped.theta[:12])
    theta, _ = D.load_bank(BUDGETS["full"], 20, 0)  # bank 0 on the CPU: rows beyond the shipped ones
    assert calls == [(20, 0, 16)] and theta.shape == (20, 31)
    np.testing.assert_array_equal(theta[:16], shipped.theta)
    D.load_bank(BUDGETS["full"], 8, 4)  # another bank seed: its own simulations
    assert calls[-1] == (8, 4, 0)
    gpu = make_context(TASK, "default", 0, {}, device="cuda")  # a GPU bank draws its noise from torch
    assert D._shipped_rows(BUDGETS["full"], 0, gpu) == 0
    SB.part_path(0).write_bytes(b"damaged")
    with pytest.warns(UserWarning, match="part_00.npz.*afresh"):
        theta, _ = D.load_bank(never, 12, 3)
    assert calls[-1] == (12, SB.SEED, 0) and np.array_equal(theta, shipped.theta[:12])
