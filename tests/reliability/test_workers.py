"""Persistent workers (``--jobs N``): the same numbers at any number of workers, data loaded once per worker,
a dead worker costs its cell alone, the longest cells first, and the plan's ETA as the schedule's length."""

from __future__ import annotations

import dataclasses
import io
import math

import pytest
from faults import records, setup_for
from rich.console import Console

from benchmarks.contract.registry import discover
from benchmarks.running import scheduler
from benchmarks.running.cells import plan
from benchmarks.running.schedule import Estimate, longest_first, pick, simulate
from benchmarks.running.progress import CellProgress

#: What may differ between two runs of the same cells: when, how long, by whom, and how the load was shared.
RUN_FIELDS = {"run_id", "started_at", "finished_at", "timings", "peak_rss_mb", "peak_gpu_mb", "data_shared"}


def _cells(methods=("zero", "mean", "median"), seeds=(0, 1), **settings):
    registry = discover()
    cells = plan(registry, tasks=["toy"], methods=list(methods), size="smoke", seeds=list(seeds),
                 settings={"toy": settings} if settings else None)
    return registry, cells


def test_results_do_not_depend_on_the_number_of_workers(toy_tasks, tmp_path):
    registry, cells = _cells()
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    one = scheduler.run_plan(cells, registry, setup_for(tmp_path / "one", "one"), jobs=1)
    two = scheduler.run_plan(cells, registry, setup_for(tmp_path / "two", "two"), jobs=2)
    assert len(one.ran) == len(two.ran) == 6 and not one.failed and not two.failed
    by_one, by_two = records(tmp_path / "one"), records(tmp_path / "two")
    assert set(by_one) == set(by_two)
    for cell, record in by_one.items():
        other = by_two[cell]
        assert record["metrics"] == other["metrics"], cell
        assert {k: v for k, v in record.items() if k not in RUN_FIELDS} == \
               {k: v for k, v in other.items() if k not in RUN_FIELDS}, cell


def test_a_worker_loads_the_data_once_for_every_method_it_runs(toy_tasks, results):
    registry, cells = _cells(methods=("zero", "mean", "median", "broken"), seeds=(0,))
    summary = scheduler.run_plan(cells, registry, setup_for(results, "r"), jobs=2)
    assert len(summary.ran) == 4
    # two workers start with a cell each (a load each); the next two cells find their data in a worker
    assert sorted(r["data_shared"] for r in summary.ran) == [False, False, True, True]
    shared = [r for r in summary.ran if r["data_shared"]]
    assert all(r["timings"]["load"]["wall_s"] >= 0 and r["provenance"]["data_hash"] for r in shared)


def test_a_worker_that_dies_costs_its_cell_alone_and_a_fresh_one_takes_its_place(toy_tasks, results):
    registry, cells = _cells(seeds=(0, 1, 2), crash="true")  # median SIGSEGVs its process, every seed
    summary = scheduler.run_plan(cells, registry, setup_for(results, "r"), jobs=2)
    stored = records(results)
    assert len(summary.ran) == len(stored) == 9
    for key, record in stored.items():
        if key.startswith("median/"):
            assert record["status"] == "failed" and record["error"] == "worker process died from SIGSEGV"
        else:
            assert record["status"] == "ok", key
    assert not list(results.rglob("*.claim"))


def test_the_longest_cells_start_first_and_a_worker_keeps_to_its_data(toy_tasks, results, monkeypatch):
    registry, cells = _cells(methods=("zero", "mean"), seeds=(0, 1, 2))
    seconds = {"toy/smoke/mean seed 2": 50.0, "toy/smoke/zero seed 1": 40.0, "toy/smoke/zero seed 0": 30.0}
    estimates = {c.label(): Estimate(c.label(), seconds.get(c.label(), 1.0), "made up", data_key=c.data_key())
                 for c in cells}
    opened = []
    original = scheduler.Gate.open

    def spy(self, cell, *, in_process):
        opened.append(cell.label())
        return original(self, cell, in_process=in_process)

    monkeypatch.setattr(scheduler.Gate, "open", spy)
    summary = scheduler.run_plan(cells, registry, setup_for(results, "r"), jobs=2, estimates=estimates)
    assert len(summary.ran) == 6 and not summary.failed
    assert opened[:2] == ["toy/smoke/mean seed 2", "toy/smoke/zero seed 1"]  # the two longest, one per worker
    assert sorted(opened) == sorted(c.label() for c in cells)


def test_the_dispatch_order_is_longest_first_unless_a_worker_holds_the_data():
    estimates = [Estimate("a", 10.0, "", data_key=1), Estimate("b", math.nan, "no estimate", data_key=2),
                 Estimate("c", 30.0, "", data_key=2), Estimate("d", 20.0, "", data_key=3)]
    order = longest_first(estimates)
    assert [estimates[k].label for k in order] == ["c", "d", "a", "b"]  # unknown ones last
    pending = [estimates[k] for k in order]
    assert pending[pick(pending, 1, lambda e: e.data_key)].label == "a"  # the data a worker holds
    assert pending[pick(pending, 9, lambda e: e.data_key)].label == "c"  # else the longest


def test_the_eta_is_the_schedule_over_the_workers(monkeypatch):
    from benchmarks.running import schedule

    monkeypatch.setattr(schedule, "usable_cores", lambda: 2)
    # a (100 s, of which a 60-s load) and b share data; c, d, e are 50, 40, 30 s; d and e share data
    estimates = [Estimate("a", 100.0, "", load=60.0, data_key=1), Estimate("b", 10.0, "", data_key=1),
                 Estimate("c", 50.0, "", data_key=2), Estimate("d", 40.0, "", data_key=3),
                 Estimate("e", 30.0, "", data_key=3)]
    assert simulate(estimates, 1) == pytest.approx(230.0)  # one after the other, each load once
    # worker 1: a (0-100), then b on its data (100-110); worker 2: c (0-50), d (50-90), e on d's data (90-120)
    assert simulate(estimates, 2) == pytest.approx(120.0)
    assert simulate(estimates, 5, cores=5) == pytest.approx(100.0)  # a fifth worker loads b's data again: 60 + 10 s
    # five workers on two cores: the cells' 230 CPU-seconds bound the run, not the schedule's 100 s
    assert simulate(estimates, 5) == pytest.approx(115.0)
    # two cells of 100 s that keep two threads busy for 180 s each: side by side on two cores they take 180 s
    threaded = [Estimate("f", 100.0, "", data_key=4, work_cpu=180.0), Estimate("g", 100.0, "", data_key=5, work_cpu=180.0)]
    assert simulate(threaded, 2) == pytest.approx(180.0) and simulate(threaded, 1) == pytest.approx(200.0)
    assert simulate([Estimate("x", math.nan, "no estimate")], 2) == 0.0
    progress = CellProgress(5, Console(file=io.StringIO()), {e.label: e for e in estimates}, jobs=2)
    assert progress._eta() == "ETA ~2m00s"


def test_the_finished_cell_line_names_the_primary_metric_of_a_record_read_back():
    out = io.StringIO()
    progress = CellProgress(1, Console(file=out, width=200), jobs=2)
    record = {"status": "ok", "metrics": {"accuracy": 0.8978, "macro_f1": 0.8695, "micro_f1": 0.8978},  # sorted keys
              "metric_info": [{"name": "macro_f1"}, {"name": "micro_f1"}, {"name": "accuracy"}], "timings": {}}
    registry_cell = type("C", (), {"label": lambda self: "latin/default/cnn seed 0"})()
    progress.report(registry_cell, record)
    assert "latin/default/cnn seed 0: macro_f1 = 0.8695" in out.getvalue()


def test_a_workers_warning_is_shown_once_per_run():
    out = io.StringIO()
    progress = CellProgress(1, Console(file=out, width=200), jobs=2)
    for _ in range(3):
        progress.warn("dlc.py:12: UserWarning: torch.triangular_solve is deprecated\n")
    assert out.getvalue().count("triangular_solve") == 1


def test_a_cells_threads_are_its_methods_whatever_the_cores(toy_tasks, monkeypatch):
    from benchmarks.running.context import THREADS_ENV, make_context

    toy = discover().get("toy")
    methods = tuple(dataclasses.replace(m, threads=2) if m.name == "mean" else m for m in toy.methods)
    toy = dataclasses.replace(toy, methods=methods)
    for cores, mean, zero in (("4", 2, 1), ("2", 2, 1), ("1", 1, 1)):
        monkeypatch.setenv(THREADS_ENV, cores)
        assert make_context(toy, method="mean").threads == mean and make_context(toy, method="zero").threads == zero
    with pytest.raises(ValueError, match="threads must be a whole number"):
        dataclasses.replace(methods[0], threads=0)


@pytest.mark.parametrize("jobs", ["0", "x", "-1"])
def test_jobs_is_auto_by_default_and_a_bad_value_exits_2(jobs, capsys):
    from benchmarks.cli.app import main
    from benchmarks.cli.parser import build_parser

    assert build_parser().parse_args(["run"]).jobs == "auto"
    assert build_parser().parse_args(["run", "--jobs", "3"]).jobs == 3
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--jobs", jobs])
    assert exit_.value.code == 2 and "--jobs" in capsys.readouterr().err


def test_a_cell_waits_for_memory_while_another_runs(toy_tasks, results, monkeypatch):
    asked = []

    def no_room(peak_mb, margin=scheduler.MEMORY_MARGIN):
        asked.append(peak_mb)
        return False

    monkeypatch.setattr(scheduler, "memory_allows", no_room)
    registry, cells = _cells(methods=("zero", "mean", "median", "broken"), seeds=(0,))
    estimates = {c.label(): Estimate(c.label(), 1.0, "made up", peak_mb=5e6, data_key=c.data_key()) for c in cells}
    summary = scheduler.run_plan(cells, registry, setup_for(results, "r"), jobs=2, estimates=estimates)
    assert len(summary.ran) == 4  # one cell always runs
    assert asked and set(asked) == {5e6}
    # never two at once: one worker ran them all, on the data it loaded once
    assert [r["data_shared"] for r in summary.ran] == [False, True, True, True]


def test_memory_allows_a_cell_by_its_expected_peak_with_a_margin():
    import psutil

    free_mb = psutil.virtual_memory().available / 2**20
    assert scheduler.memory_allows(1.0)
    assert not scheduler.memory_allows(free_mb)  # x 1.2
    assert scheduler.memory_allows(math.nan) == (free_mb > 1.2 * scheduler.DEFAULT_PEAK_MB)


def test_a_workers_warnings_go_to_the_runner(monkeypatch):
    import queue
    import warnings

    sent = queue.Queue()
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)  # restored after the test
    scheduler.forward_warnings(sent)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("torch.triangular_solve is deprecated", UserWarning)
    kind, text = sent.get_nowait()
    assert kind == "warning" and "UserWarning: torch.triangular_solve is deprecated" in text
