"""Recorded reference runs (baselines/recorded) and the run plan with its estimates."""

from __future__ import annotations

import json
import math

import pytest
from toy_run import run_toy

from benchmarks.records.store import read_records
from benchmarks.results import calibration, load, recorded
from benchmarks.running.plan import Estimate, lines


@pytest.fixture(autouse=True)
def offline(toy_tasks, tmp_path, monkeypatch):  # after toy_tasks: its empty baselines folder is replaced
    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path / "cache"))
    monkeypatch.setenv("BENCHMARKS_BASELINES", str(tmp_path / "baselines"))
    monkeypatch.setenv("COLUMNS", "200")


def test_recording_keeps_ok_runs_with_figures_and_the_machine(toy_tasks, tmp_path, capsys):
    reference = tmp_path / "reference"
    assert run_toy(reference) == 1
    baselines = tmp_path / "baselines"
    assert recorded.main([str(reference), str(baselines)]) == 0
    out = capsys.readouterr()
    assert "recorded 2 runs" in out.out and "broken seed 0: failed, not recorded" in out.err
    kept = load(baselines / "recorded")
    assert sorted(kept["method"]) == ["mean", "zero"] and kept["figure"].notna().all()
    machine = json.loads((baselines / calibration.CALIBRATION_FILE).read_text())
    assert machine["seconds"] > 0 and machine["cpu_cores"]
    # recording again replaces the task's records, never adds to them
    assert recorded.main([str(reference), str(baselines)]) == 0
    assert len(load(baselines / "recorded")) == 2


def test_recording_one_task_keeps_the_others_and_names_every_commit(toy_tasks, tmp_path):
    from benchmarks.records.store import (
        read_records,
        record_relative_path,
        write_json_atomic,
    )

    reference = tmp_path / "reference"
    run_toy(reference)
    [ok, *_] = [r for r in read_records(reference)[0] if r["status"] == "ok"]
    other = {k: v for k, v in ok.items() if k != "_path"} | {"task": "other"}
    other["provenance"] = other["provenance"] | {"git": {"commit": "0123abc", "dirty": False}}
    baselines = tmp_path / "baselines"
    write_json_atomic(baselines / "recorded" / record_relative_path(other), other)
    recorded.record(reference, baselines)
    tasks = sorted({r["task"] for r in read_records(baselines / "recorded")[0]})
    machine = json.loads((baselines / calibration.CALIBRATION_FILE).read_text())
    assert tasks == ["other", "toy"]
    assert machine["commits"] == sorted({"0123abc", str(ok["provenance"]["git"]["commit"])})


def test_recorded_rows_stand_beside_a_new_run_and_give_the_plan_its_estimates(toy_tasks, tmp_path, capsys):
    reference = tmp_path / "reference"
    assert run_toy(reference) == 1
    recorded.record(reference, tmp_path / "baselines")
    capsys.readouterr()
    new = tmp_path / "new"
    assert run_toy(new) == 1
    out = capsys.readouterr()
    assert "toy/smoke/zero seed 0: ~" in out.err and "(recorded ×" in out.err
    assert "toy/smoke/broken seed 0: ? (no estimate)" in out.err  # failed cells are never recorded
    assert "plan: 3 cells, ~" in out.err and "+ 1 cells without an estimate" in out.err
    # the reference runs beside the new ones: each method run again is one row, its recorded value beside it
    from benchmarks.results.baselines import read_recorded
    from benchmarks.results.leaderboard import build

    [table] = build(read_records(new)[0], recorded=read_recorded(tmp_path / "baselines")[0])
    assert {row.method: row.recorded is not None for row in table.rows} == {"zero": True, "mean": True,
                                                                            "broken": False}
    # a second run estimates from this machine's own records first
    assert run_toy(new, "--force") == 1
    assert "toy/smoke/mean seed 0: ~0s (this machine)" in capsys.readouterr().err


def test_plan_lines_sum_known_estimates_and_count_unknown_ones():
    estimates = [Estimate("a", 30.0, "this machine"), Estimate("b", 90.0, "recorded ×2"), Estimate("c", math.nan, "no estimate")]
    text = lines(estimates, jobs=2)
    assert text[:3] == ["  a: ~30s (this machine)", "  b: ~1m30s (recorded ×2)", "  c: ? (no estimate)"]
    # over two workers the schedule's length: b on one, a on the other
    assert text[3] == "plan: 3 cells, ~2m00s over 2 workers: ~1m30s + 1 cells without an estimate"


def test_cells_sharing_a_data_set_pay_its_load_once_unless_each_loads_its_own(toy_tasks):
    import pandas as pd

    from benchmarks.contract.registry import discover
    from benchmarks.running.cells import Cell
    from benchmarks.running.plan import estimate

    registry = discover()
    options = registry.get("toy").resolve_options()
    cells = [Cell("toy", method, "smoke", 0, options) for method in ("zero", "mean")]
    # each record of a --jobs 1 run carries the one shared load: 100 s, then 10 s and 20 s of work
    own = pd.DataFrame({"task": "toy", "size": "smoke", "method": ["zero", "mean"], "dataset": "toy_gauss",
                        "status": "ok", "time_s": [110.0, 120.0], "load_s": [100.0, 100.0]})
    empty = own.iloc[:0]
    assert [e.seconds for e in estimate(cells, registry, own, empty)] == [110.0, 20.0]
    # a worker keeps the data it loaded for the next cell of the data set: the load is charged to the first
    [first, second] = estimate(cells, registry, own, empty, jobs=2)
    assert (first.seconds, first.load, second.seconds, second.load) == (110.0, 100.0, 20.0, 0.0)


def test_the_calibration_file_is_read_back_or_ignored(tmp_path):
    assert calibration.read(tmp_path) is None
    (tmp_path / calibration.CALIBRATION_FILE).write_text('{"seconds": 0.25}')
    assert calibration.read(tmp_path) == 0.25
    (tmp_path / calibration.CALIBRATION_FILE).write_text('{"seconds": "fast"}')
    assert calibration.read(tmp_path) is None


def test_the_suite_ships_its_recorded_runs_and_list_shows_their_times(monkeypatch, capsys):
    from benchmarks.cli.app import main
    from benchmarks.results import baselines

    monkeypatch.delenv("BENCHMARKS_BASELINES", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    folder = baselines.default_folder()
    assert (folder / "published").is_dir() and (folder / calibration.CALIBRATION_FILE).is_file()
    records, warnings = baselines.read_recorded(folder)
    assert warnings == [] and {r["task"] for r in records} >= {"latin", "pose", "pyloric", "two_moons"}
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "recorded)" in out and "question" in out and "toplines" in out
