"""The command line end to end, on the small tasks that live in tests/fixtures/tasks."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from benchmarks.cli.app import main


@pytest.fixture(autouse=True)
def offline_data(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path / "cache"))
    monkeypatch.delenv("BENCHMARKS_MIRROR", raising=False)
    monkeypatch.setenv("COLUMNS", "200")


def test_list_shows_questions_methods_sizes_metrics_and_options(toy_tasks, capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for text in ("How well is the mean of Gaussian samples estimated?", "mean (model)", "zero (control)",
                 "smoke: 8 groups of 20 samples", "abs_error (primary): lower is better", "true_mean = 3.0 (a float)",
                 "n_samples = None (an int >= 1, or none (the default: not set); overrides the budget)",
                 "toy_unreachable: 1 files"):
        assert text in out


def test_run_then_leaderboard_then_compare(toy_tasks, results, tmp_path, capsys):
    args = ["run", "--task", "toy", "--method", "zero", "--method", "mean", "--size", "smoke",
            "--seeds", "2", "--device", "cpu", "--results", str(results)]
    assert main(args) == 0
    out = capsys.readouterr()
    assert "toy · smoke" in out.out and "2/2" in out.out
    assert "ran 4 cells, skipped 0" in out.err
    assert main(args) == 0 and "ran 0 cells, skipped 4" in capsys.readouterr().err  # resumed

    assert main(["leaderboard", "--results", str(results), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["method"], r["n_ok"]) for r in rows] == [("mean", "2"), ("zero", "2")]
    assert float(rows[1]["abs_error_mean"]) == pytest.approx(3.0)
    assert rows[0]["paired_test"].startswith("vs zero: better")  # no baseline ran: the model against the control

    page = tmp_path / "board.html"
    assert main(["leaderboard", "--results", str(results), "--format", "html", "--out", str(page)]) == 0
    assert page.read_text().count("data:image/png;base64,") == 4  # the overview, two figures and the metric-time chart

    other = tmp_path / "other"
    other.mkdir()
    assert main([*args[:-1], str(other), "--set", "toy.true_mean=3.0"]) == 0
    capsys.readouterr()
    assert main(["compare", str(results), str(other)]) == 0
    assert "within spread" in capsys.readouterr().out  # same seeds, same data: no change


def test_failures_exit_1_with_a_summary_and_other_tasks_still_run(toy_tasks, results, capsys):
    code = main(["run", "--task", "toy", "--task", "toy_download", "--size", "smoke", "--results", str(results)])
    err = capsys.readouterr().err
    assert code == 1
    assert "2 cells failed" in err
    assert "toy/smoke/broken seed 0 (method): RuntimeError: this method always fails" in err
    assert "toy_download/smoke/read seed 0 (load): DataUnavailable" in err
    record = json.loads(next((results / "toy_download").rglob("*.json")).read_text())
    assert "python -m benchmarks fetch" in record["error"] and "BENCHMARKS_MIRROR" in record["error"]
    assert len([p for p in (results / "toy").rglob("*.json")]) == 4


@pytest.mark.parametrize("argv, message", [
    (["run", "--task", "toi"], "unknown task 'toi'. Did you mean 'toy'?"),
    (["run", "--task", "toy", "--method", "meen"], "Did you mean 'mean'?"),
    (["run", "--task", "toy", "--size", "smal"], "unknown size 'smal'"),
    (["run", "--task", "toy", "--set", "toy.crash=maybe"], "option 'crash' expects true/false"),
    (["run", "--task", "toy", "--set", "toy.n_samples=0"], "--set toy.n_samples=0: option 'n_samples' must be an int >= 1"),
    (["run", "--task", "toy", "--set", "toy.n_samples=-5"], "option 'n_samples' must be an int >= 1"),
    (["run", "--task", "toy", "--set", "toy.cras=1"], "unknown option 'cras'"),
    (["run", "--task", "toy", "--device", "tpu"], "--device must be auto, cpu or cuda"),
    (["leaderboard", "--results", "/no/such/folder"], "results folder /no/such/folder does not exist"),
    (["fetch", "toi"], "unknown task 'toi'"),
])
def test_usage_errors_exit_2_in_one_line(toy_tasks, results, capsys, argv, message):
    if argv[0] == "run":
        argv = [*argv, "--results", str(results)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: ") and message in err[-1]
    assert not list(results.rglob("*.json")), "a usage error stops the run before any cell"


def test_fetch_reports_what_could_not_be_had(toy_tasks, capsys):
    assert main(["fetch", "toy_download"]) == 1
    assert "failed toy_download: dataset 'toy_unreachable' is not available" in capsys.readouterr().err
    assert main(["fetch", "toy"]) == 0


def test_leaderboard_skips_a_corrupt_record_with_a_warning(toy_tasks, results, capsys):
    assert main(["run", "--task", "toy", "--method", "mean", "--size", "smoke", "--results", str(results)]) == 0
    corrupt = results / "toy" / "smoke" / "mean" / "seed7-corrupt.json"
    corrupt.write_text('{"status": "ok", "metr')
    capsys.readouterr()
    assert main(["leaderboard", "--results", str(results), "--format", "markdown"]) == 0
    out = capsys.readouterr()
    assert f"skipped {corrupt}" in out.err.replace("\n", "")
    assert "| 1 | mean | model | run |" in out.out


def test_python_m_benchmarks_with_two_jobs(toy_tasks, results):
    """The real entry point in a subprocess: worker processes find the task through the environment."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "run", "--task", "toy", "--size", "smoke", "--jobs", "2",
         "--set", "toy.crash=true", "--results", str(results)],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}, timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert "worker process died from SIGSEGV" in done.stderr
    statuses = {p.parent.name: json.loads(p.read_text())["status"] for p in results.rglob("*.json")}
    assert statuses == {"zero": "ok", "mean": "ok", "median": "failed", "broken": "failed"}


def test_cuda_without_a_gpu_is_a_clear_usage_error(toy_tasks, results, capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    assert main(["run", "--task", "toy", "--device", "cuda", "--results", str(results)]) == 2
    assert "--device cuda was asked for, but torch sees no CUDA device" in capsys.readouterr().err


def test_loops_inside_cells_report_from_worker_processes(toy_tasks, results, capsys, monkeypatch):
    monkeypatch.setattr("benchmarks.running.progress.LINE_INTERVAL_S", 0.0)  # every step, as a long loop would after 30 s
    args = ["run", "--task", "toy", "--method", "mean", "--size", "smoke", "--seeds", "2", "--jobs", "2",
            "--results", str(results)]
    assert main(args) == 0
    err = capsys.readouterr().err
    for seed in (0, 1):  # the workers' loops reached the parent's log, one line at the end of each
        assert f"done toy/smoke/mean seed {seed} · averaging groups: 8/8 (100%)" in err
