"""The simulation bank: reuse, resume after a kill, detection of damaged or outdated files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import benchmarks.tasks.pyloric.simulator as simulator_module
from benchmarks.tasks.pyloric import bank as B
from benchmarks.tasks.pyloric import circuit as M
from benchmarks.tasks.pyloric.simulator import Simulations


class _FakeSimulator:
    """Fast stand-in for ``simulate``: stats derived from theta; counts calls; can fail."""

    def __init__(self, fail_on_call: int | None = None) -> None:
        self.calls = 0
        self.fail_on_call = fail_on_call

    def __call__(self, theta, seeds, **_: object) -> Simulations:
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise KeyboardInterrupt("killed")
        stats = np.repeat(theta[:, :1], M.N_STATS, axis=1) + seeds[:, None] % 7
        stats[theta[:, 0] > 250, 7] = np.nan  # some invalid rows
        n = len(theta)
        return Simulations(theta=theta, stats=stats, counts=np.zeros((n, 7), np.int64),
                           diverged=np.zeros(n, bool))


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> _FakeSimulator:
    sim = _FakeSimulator()
    monkeypatch.setattr(simulator_module, "simulate", sim)
    return sim


def _folder(root: Path) -> Path:
    (folder,) = [p for p in root.iterdir() if p.is_dir()]
    return folder


def test_bank_is_stored_and_reused(tmp_path: Path, fake: _FakeSimulator) -> None:
    first = B.simulation_bank(7, seed=3, root=tmp_path, chunk_size=3)
    assert fake.calls == 3 and len(first) == 7
    assert first.valid.sum() < 7  # the fake marks rows with AB/PD Na > 250 invalid
    second = B.simulation_bank(7, seed=3, root=tmp_path, chunk_size=3)
    assert fake.calls == 3  # nothing recomputed
    for name in ("theta", "noise_seeds", "stats", "counts", "diverged"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    header = json.loads((_folder(tmp_path) / "header.json").read_text())
    assert header["settings"]["simulator_version"] == M.SIMULATOR_VERSION
    assert sorted(header["chunks"]) == ["chunk_00000_3.npz", "chunk_00001_3.npz",
                                        "chunk_00002_1.npz"]
    # a larger bank reuses the finished full chunks; a smaller one is a prefix
    bigger = B.simulation_bank(9, seed=3, root=tmp_path, chunk_size=3)
    assert fake.calls == 4
    np.testing.assert_array_equal(bigger.theta[:7], first.theta)
    other_seed = B.simulation_bank(3, seed=4, root=tmp_path, chunk_size=3)
    assert not np.array_equal(other_seed.theta, first.theta[:3])


def test_bank_from_a_start_row(tmp_path: Path, fake: _FakeSimulator) -> None:
    """Rows before ``start`` are the caller's (shipped): neither read nor simulated."""
    tail = B.simulation_bank(7, seed=3, root=tmp_path, chunk_size=3, start=3)
    assert fake.calls == 2 and len(tail) == 4
    whole = B.simulation_bank(7, seed=3, root=tmp_path / "whole", chunk_size=3)
    for name in ("theta", "noise_seeds", "stats"):
        np.testing.assert_array_equal(getattr(tail, name), getattr(whole, name)[3:])
    with pytest.raises(ValueError, match="multiple of the chunk size 3"):
        B.simulation_bank(7, seed=3, root=tmp_path, chunk_size=3, start=2)


def test_bank_resumes_after_a_kill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    killed = _FakeSimulator(fail_on_call=3)
    monkeypatch.setattr(simulator_module, "simulate", killed)
    with pytest.raises(KeyboardInterrupt):
        B.simulation_bank(10, seed=0, root=tmp_path, chunk_size=2)
    resumed = _FakeSimulator()
    monkeypatch.setattr(simulator_module, "simulate", resumed)
    bank = B.simulation_bank(10, seed=0, root=tmp_path, chunk_size=2)
    assert resumed.calls == 3  # chunks 0 and 1 were kept
    fresh = B.simulation_bank(10, seed=0, root=tmp_path / "fresh", chunk_size=2)
    np.testing.assert_array_equal(bank.stats, fresh.stats)


def test_truncated_chunk_is_rebuilt(tmp_path: Path, fake: _FakeSimulator) -> None:
    first = B.simulation_bank(6, seed=1, root=tmp_path, chunk_size=3)
    chunk = _folder(tmp_path) / "chunk_00001_3.npz"
    chunk.write_bytes(chunk.read_bytes()[:100])
    again = B.simulation_bank(6, seed=1, root=tmp_path, chunk_size=3)
    assert fake.calls == 3  # only the damaged chunk
    np.testing.assert_array_equal(first.stats, again.stats)
    (_folder(tmp_path) / "chunk_00000_3.npz").unlink()
    B.simulation_bank(6, seed=1, root=tmp_path, chunk_size=3)
    assert fake.calls == 4


def test_other_simulator_version_is_rebuilt(tmp_path: Path, fake: _FakeSimulator) -> None:
    B.simulation_bank(4, seed=2, root=tmp_path, chunk_size=2)
    folder = _folder(tmp_path)
    header = json.loads((folder / "header.json").read_text())
    header["settings"]["simulator_version"] = M.SIMULATOR_VERSION - 1
    (folder / "header.json").write_text(json.dumps(header))
    B.simulation_bank(4, seed=2, root=tmp_path, chunk_size=2)
    assert fake.calls == 4  # everything recomputed
    (folder / "header.json").write_text("{not json")
    B.simulation_bank(4, seed=2, root=tmp_path, chunk_size=2)
    assert fake.calls == 6


class _Reporter:
    """Collects what ``ctx.track`` reports: (description, completed, total, finished)."""

    def __init__(self) -> None:
        self.updates: list[tuple[str, int, int | None, bool]] = []

    def update(self, key: str, description: str, completed: int, total: int | None, finished: bool) -> None:
        self.updates.append((description, completed, total, finished))


def test_bank_with_the_real_simulator_reports_progress_through_the_context(tmp_path: Path) -> None:
    from benchmarks.context import make_context
    from benchmarks.tasks.pyloric import TASK

    reporter = _Reporter()
    ctx = make_context(TASK, "default", 0, reporter=reporter, threads=1)
    bank = B.simulation_bank(2, seed=5, root=tmp_path, chunk_size=1, ctx=ctx)
    assert bank.stats.shape == (2, 18) and bank.counts.shape == (2, 7)
    assert [u[1:] for u in reporter.updates] == [(0, 2, False), (1, 2, False), (2, 2, False), (2, 2, True)]
    assert "pyloric bank" in reporter.updates[0][0]
    B.simulation_bank(2, seed=5, root=tmp_path, chunk_size=1, ctx=ctx)
    assert len(reporter.updates) == 4  # nothing to simulate: no progress shown
    direct = simulator_module.simulate(bank.theta, bank.noise_seeds)
    np.testing.assert_array_equal(direct.stats, bank.stats)
    with np.load(_folder(tmp_path) / "chunk_00000_1.npz", allow_pickle=False) as z:
        assert set(z.files) == {"theta", "noise_seeds", "stats", "counts", "diverged"}


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        B.simulation_bank(3, root=tmp_path, chunk_size=0)
    empty = B.simulation_bank(0, root=tmp_path)
    assert len(empty) == 0 and empty.stats.shape == (0, 18)


def test_default_root_is_in_the_data_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path))
    assert B.default_root() == tmp_path / "pyloric_bank"


def test_chunks_built_as_separate_steps_are_adopted_by_the_bank(tmp_path, monkeypatch):
    """What a job array does: each step builds one chunk; the bank then simulates nothing."""
    steps = B.bank_steps(5, 3, root=tmp_path, chunk_size=2)
    assert len(steps) == 3
    for step in reversed(steps):  # in any order, as jobs finish
        step()
    steps[0]()  # idempotent
    calls = []
    real = simulator_module.simulate
    monkeypatch.setattr(simulator_module, "simulate", lambda *a, **k: calls.append(1) or real(*a, **k))
    adopted = B.simulation_bank(5, 3, root=tmp_path, chunk_size=2)
    assert calls == []
    monkeypatch.undo()
    direct = B.simulation_bank(5, 3, root=tmp_path / "direct", chunk_size=2)
    np.testing.assert_array_equal(adopted.theta, direct.theta)
    np.testing.assert_array_equal(adopted.stats, direct.stats)
