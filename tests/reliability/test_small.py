"""The smaller items: files made with the user's umask; doctor verifies checksums (sizes only with --quick)."""

from __future__ import annotations

import os
import stat

import pytest
from faults import setup_for

from benchmarks.cli.app import main
from benchmarks.contract.registry import discover
from benchmarks.data import DataFile, Dataset, fetch, sha256_of
from benchmarks.running import claims
from benchmarks.running.cells import plan
from benchmarks.running.scheduler import run_plan


@pytest.fixture(params=[0o022, 0o002])
def umask(request):
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_records_figures_and_claims_follow_the_umask(toy_tasks, results, umask):
    registry = discover()
    run_plan(plan(registry, tasks=["toy"], methods=["mean"], size="smoke"), registry, setup_for(results, "r"))
    [record] = results.rglob("*.json")
    [figure] = results.rglob("*.png")
    expected = 0o666 & ~umask  # 0644 by default; 0664 in a group's shared folder. Before: records were 0600
    assert _mode(record) == expected and _mode(figure) == expected
    claim = results / "x.claim"
    claims.acquire(claim, claims.this_process("r", False))
    assert _mode(claim) == expected


def test_cached_data_follows_the_umask(tmp_path, monkeypatch, umask):
    mirror = tmp_path / "mirror"
    (mirror / "demo_task").mkdir(parents=True)
    (mirror / "demo_task" / "a.txt").write_text("alpha\n")
    monkeypatch.setenv("BENCHMARKS_MIRROR", str(mirror))
    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path / "cache"))
    item = DataFile("a.txt", sha256_of(mirror / "demo_task" / "a.txt"), 6)
    folder = fetch(Dataset("demo", "demo_task", "http://127.0.0.1:9/", (item,), "CC0", "Doe"))
    assert _mode(folder / "a.txt") == 0o666 & ~umask


def test_doctor_verifies_checksums_and_quick_checks_sizes_only(toy_tasks, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "300")
    corrupt = tmp_path / "toy_unreachable" / "values.txt"
    corrupt.parent.mkdir()
    corrupt.write_text("abcd")  # the registered size, not the registered content
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "no: values.txt does not match its sha256 checksum" in out  # before: "yes"
    assert main(["doctor", "--quick"]) == 0
    assert "yes (sizes only)" in capsys.readouterr().out
