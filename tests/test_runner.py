"""Running cells: records, resume, failure isolation, interruption, shared data."""

from __future__ import annotations

import dataclasses
import json

import pytest

from benchmarks.contract.names import UnknownName
from benchmarks.contract.registry import discover
from benchmarks.records.store import ResultStore
from benchmarks.running.cells import Cell, parse_assignments, plan
from benchmarks.running.execution import RunSetup
from benchmarks.running.scheduler import describe_exit, run_plan
from benchmarks.task import resolve


def _context(results, run_id="run1"):
    provenance = {"packages": {}, "git": {"commit": None, "dirty": None}, "python": "3", "cpu": "x",
                  "cpu_cores": 2, "gpu": None}
    return RunSetup(store=ResultStore(results), device="cpu", provenance=provenance, run_id=run_id)


def _records(results):
    return {p.parent.name + f"/{json.loads(p.read_text())['seed']}": json.loads(p.read_text())
            for p in results.rglob("*.json")}


def test_a_record_holds_metrics_timings_memory_and_provenance(toy_tasks, results):
    registry = discover()
    cells = plan(registry, tasks=["toy"], methods=["mean"], size="smoke", seeds=[0])
    summary = run_plan(cells, registry, _context(results))
    record = summary.ran[0]
    assert record["status"] == "ok"
    assert set(record["metrics"]) == {"abs_error", "squared_error"}
    assert record["metrics"]["squared_error"] >= record["metrics"]["abs_error"] ** 2  # mean of squares >= square of mean
    # the stages, and the phases the task timed with ctx.phase inside them
    assert set(record["timings"]) == {"load", "method", "evaluate", "figure", "load/draw", "method/averaging"}
    assert record["timings"]["method/averaging"]["wall_s"] <= record["timings"]["method"]["wall_s"]
    assert all(set(t) == {"wall_s", "cpu_s"} for t in record["timings"].values())
    assert record["peak_rss_mb"] > 10
    assert record["provenance"]["task_version"] == 2 and len(record["provenance"]["data_hash"]) == 32
    assert record["options"] == {"crash": False, "n_samples": None, "prepared": None, "true_mean": 3.0,
                                 "delay_s": 0.0, "data_file": None, "child_pid_file": None, "release_file": None}
    assert record["details"] == {"n": 160, "parts": 0}
    assert record["items"]["kind"] == "continuous" and record["items"]["n"] == 8
    assert (results / "toy" / "smoke" / "mean" / record["figure"]).is_file()


def test_resume_skips_ok_cells_and_reruns_failed_ones(toy_tasks, results):
    registry = discover()
    cells = plan(registry, tasks=["toy"], methods=["mean", "broken"], size="smoke", seeds=[0, 1])
    first = run_plan(cells, registry, _context(results, "run1"))
    assert len(first.ran) == 4 and len(first.failed) == 2
    second = run_plan(cells, registry, _context(results, "run2"))
    assert len(second.skipped) == 2 and {r["method"] for r in second.ran} == {"broken"}
    forced = run_plan(cells, registry, _context(results, "run3"), force=True)
    assert len(forced.ran) == 4
    assert {r["run_id"] for r in _records(results).values()} == {"run3"}


def test_changed_options_are_new_cells_not_resumed_ones(toy_tasks, results):
    registry = discover()
    run_plan(plan(registry, tasks=["toy"], methods=["mean"], size="smoke"), registry, _context(results))
    again = plan(registry, tasks=["toy"], methods=["mean"], size="smoke", settings={"toy": {"true_mean": "5"}})
    summary = run_plan(again, registry, _context(results))
    assert not summary.skipped and len(list(results.rglob("*.json"))) == 2


def test_a_failure_keeps_its_traceback_and_the_run_goes_on(toy_tasks, results):
    registry = discover()
    cells = plan(registry, tasks=["toy"], size="smoke")
    summary = run_plan(cells, registry, _context(results))
    [failed] = summary.failed
    assert failed["method"] == "broken" and failed["stage"] == "method"
    assert "RuntimeError: this method always fails" in failed["traceback"]
    assert sum(r["status"] == "ok" for r in summary.ran) == 3


def test_a_crashing_process_costs_only_its_own_cell(toy_tasks, results):
    """One method raises, one segfaults, under two jobs: every other record is intact."""
    registry = discover()
    cells = plan(registry, tasks=["toy"], size="smoke", seeds=[0], settings={"toy": {"crash": "true"}})
    summary = run_plan(cells, registry, _context(results), jobs=2)
    by_method = {r["method"]: r for r in summary.ran}
    assert by_method["median"]["status"] == "failed"
    assert by_method["median"]["error"] == "worker process died from SIGSEGV"
    assert by_method["broken"]["status"] == "failed" and by_method["broken"]["stage"] == "method"
    assert by_method["mean"]["status"] == by_method["zero"]["status"] == "ok"
    on_disk = _records(results)
    assert {k.split("/")[0]: v["status"] for k, v in on_disk.items()} == {
        "median": "failed", "broken": "failed", "mean": "ok", "zero": "ok"}


def test_worker_deaths_are_explained():
    assert "out-of-memory killer" in describe_exit(-9)
    assert describe_exit(3) == "worker process exited with status 3 without writing a record"


def _with_method(registry, name, fn):
    """The registry with one toy method replaced (the shared Task object stays untouched)."""
    toy = registry.get("toy")
    methods = tuple(dataclasses.replace(m, fn=fn) if m.name == name else m for m in toy.methods)
    registry.tasks["toy"] = dataclasses.replace(toy, methods=methods)
    return registry


def test_ctrl_c_leaves_no_partial_record(toy_tasks, results):
    def interrupted(data, ctx):
        raise KeyboardInterrupt

    registry = _with_method(discover(), "median", interrupted)
    cells = plan(registry, tasks=["toy"], methods=["zero", "mean", "median", "broken"], size="smoke")
    summary = run_plan(cells, registry, _context(results))
    assert summary.interrupted
    # zero and mean finished before Ctrl-C; nothing for the interrupted cell, nor for the one after it
    assert set(_records(results)) == {"zero/0", "mean/0"}
    assert not [p for p in results.rglob("*") if p.name.startswith(".tmp")]


def test_methods_of_the_same_data_share_one_load(toy_tasks, results):
    registry = discover()
    toy = registry.get("toy")
    loads = []

    def counting_load(*args):
        loads.append(args)
        return resolve(toy.load)(*args)

    registry.tasks["toy"] = dataclasses.replace(toy, load=counting_load)
    summary = run_plan(plan(registry, tasks=["toy"], methods=["zero", "mean"], size="smoke", seeds=[0, 1]),
                       registry, _context(results))
    assert len(loads) == 2
    assert [r["data_shared"] for r in summary.ran] == [False, True, False, True]


def test_plan_refuses_unknown_names_with_suggestions(toy_tasks):
    registry = discover()
    with pytest.raises(UnknownName, match="unknown size 'smok'.*Did you mean 'smoke'"):
        plan(registry, tasks=["toy"], size="smok")
    with pytest.raises(UnknownName, match="unknown method 'mena'.*Did you mean 'mean'"):
        plan(registry, tasks=["toy"], methods=["mena"])
    with pytest.raises(UnknownName, match="unknown task 'tyo'"):
        plan(registry, tasks=["toy"], settings={"tyo": {"x": "1"}})
    with pytest.raises(ValueError, match="TASK.OPTION=VALUE"):
        parse_assignments(["toy=3"])


def test_plan_orders_cells_so_methods_share_data(toy_tasks):
    cells = plan(discover(), tasks=["toy"], methods=["zero", "mean"], size="smoke", seeds=[0, 1])
    assert [(c.seed, c.method) for c in cells] == [(0, "zero"), (0, "mean"), (1, "zero"), (1, "mean")]
    assert isinstance(cells[0], Cell) and cells[0].options == {"crash": False, "n_samples": None, "prepared": None,
                                                                "true_mean": 3.0, "delay_s": 0.0, "data_file": None,
                                                                "child_pid_file": None, "release_file": None}


def test_a_method_meant_for_larger_sizes_runs_there_or_when_named(toy_tasks):
    registry = discover()
    toy = registry.get("toy")
    slow = tuple(dataclasses.replace(m, sizes=("full",)) if m.name == "mean" else m for m in toy.methods)
    registry.tasks["toy"] = dataclasses.replace(toy, methods=slow)
    assert "mean" not in {c.method for c in plan(registry, tasks=["toy"], size="smoke")}
    assert "mean" in {c.method for c in plan(registry, tasks=["toy"], size="full")}
    assert {c.method for c in plan(registry, tasks=["toy"], methods=["mean"], size="smoke")} == {"mean"}
    with pytest.raises(ValueError, match=r"method 'mean' names unknown sizes \['huge'\]"):
        dataclasses.replace(toy, methods=tuple(dataclasses.replace(m, sizes=("huge",)) for m in toy.methods))


def test_a_method_that_does_not_apply_is_skipped_with_its_reason(toy_tasks, results, monkeypatch):
    """``NotApplicable`` (e.g. data too large for a method) is no failure: the cell is recorded as
    skipped, a rerun leaves it alone, and the leaderboard shows the reason."""
    from benchmarks.records.store import read_records
    from benchmarks.results import columns, leaderboard
    from benchmarks.task import NotApplicable

    registry = discover()
    import toy.methods as methods  # on the path once discover() found the toy task

    def too_large(data, ctx):
        raise NotApplicable(f"not run on {data['samples'].size} samples: more than this method handles")

    monkeypatch.setattr(methods, "broken", too_large)
    cells = plan(registry, tasks=["toy"], methods=["mean", "broken"], size="smoke", seeds=[0])
    summary = run_plan(cells, registry, _context(results))
    assert not summary.failed
    [skipped] = [r for r in summary.ran if r["method"] == "broken"]
    assert skipped["status"] == "skipped" and skipped["stage"] == "method"
    assert skipped["reason"] == "not run on 160 samples: more than this method handles" and "error" not in skipped
    again = run_plan(cells, registry, _context(results, "run2"))
    assert not again.ran and len(again.skipped) == 2

    records, _ = read_records(results)
    [table] = leaderboard.build(records, [], [])
    row = next(r for r in table.rows if r.method == "broken")
    assert (row.n_ok, row.n_failed, row.n_skipped) == (0, 0, 1)
    assert row.note == "skipped: not run on 160 samples: more than this method handles"
    assert columns.seeds_text(row, table) == "0/1 (1 skipped)"
