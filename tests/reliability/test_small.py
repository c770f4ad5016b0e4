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


@pytest.mark.parametrize("argv", [["--seed", "-1"], ["--seeds", "99999999999999999999"], ["--seeds", "2000000000"],
                                  ["--seeds", "0"], ["--claim-timeout", "inf"], ["--claim-timeout", "nan"],
                                  ["--claim-timeout", "0"], ["--claim-timeout", "-1"]])
def test_impossible_seeds_and_claim_timeouts_are_usage_errors(toy_tasks, results, argv, capsys):
    # before: --seed -1 ran and failed every cell; huge --seeds gave OverflowError or MemoryError tracebacks;
    # --claim-timeout inf killed the claims' heartbeat, and 0, -1 or nan took live claims over at once
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--task", "toy", "--size", "smoke", "--results", str(results), *argv])
    assert exit_.value.code == 2 and "expected" in capsys.readouterr().err
    assert not list(results.rglob("*.json"))


def test_a_task_named_twice_runs_its_cells_once_and_missing_baselines_are_refused(toy_tasks, results, capsys):
    assert main(["run", "--task", "toy", "--task", "toy", "--method", "zero", "--method", "zero", "--size", "smoke",
                 "--jobs", "2", "--results", str(results)]) == 0
    out = capsys.readouterr()
    assert "ran 1 cells" in out.out + out.err  # before: the same cell twice at once, in two workers
    assert main(["leaderboard", "--results", str(results), "--baselines", str(results / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err
