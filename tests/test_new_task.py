"""`new-task NAME` writes a task that runs, passes its own test and the runner's; `doctor` reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from benchmarks.cli.app import main


@pytest.fixture
def checkout(tmp_path):
    """A bare checkout of the suite's layout: tasks/ as a package, tests/. Its processes see its tasks/ as part
    of ``benchmarks.tasks``, as an editable install of a checkout maps that folder (sitecustomize below)."""
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "__init__.py").write_text('"""tasks"""\n')
    (tmp_path / "tests").mkdir()
    (tmp_path / "sitecustomize.py").write_text(
        f"import benchmarks.tasks\nbenchmarks.tasks.__path__.append({str(tmp_path / 'tasks')!r})\n")
    return tmp_path


def test_new_task_runs_end_to_end(checkout, capsys):
    assert main(["new-task", "calcium", "--root", str(checkout)]) == 0
    assert "wrote" in capsys.readouterr().out
    env = {**os.environ, "PYTHONPATH": str(checkout), "COLUMNS": "200"}
    env.pop("BENCHMARKS_TASKS_PATH", None)
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/calcium"],
                           cwd=checkout, env=env, capture_output=True, text=True, timeout=300)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "3 passed" in tests.stdout  # the metric by hand, the model beating the control, check_task
    run = subprocess.run([sys.executable, "-m", "benchmarks", "run", "--task", "calcium", "--size", "smoke",
                          "--results", str(checkout / "results")], cwd=checkout, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    records = {p.parent.name: json.loads(p.read_text()) for p in (checkout / "results").rglob("*.json")}
    assert set(records) == {"fluorescence", "deconvolution", "cnn"}
    correlation = {method: record["metrics"]["correlation"] for method, record in records.items()}
    assert correlation["cnn"] > correlation["deconvolution"] > correlation["fluorescence"]
    assert (checkout / "tasks" / "calcium" / "sizes.py").is_file() and (checkout / "tasks" / "calcium" / "files").is_dir()
    assert all((p.with_suffix(".png")).is_file() for p in (checkout / "results").rglob("*.json"))
    assert records["cnn"]["timings"]["method/train"]["wall_s"] > 0  # the template times its training phase
    # the template's data file is a Path option: its content names the data set and joins the cell's key
    import numpy as np

    traces = np.abs(np.random.default_rng(0).normal(size=(8, 50))).astype(np.float32)
    np.savez(checkout / "mine.npz", fluorescence=traces, spikes=traces)
    mine = subprocess.run([sys.executable, "-m", "benchmarks", "run", "--task", "calcium", "--size", "smoke",
                           "--method", "fluorescence", "--set", f"calcium.data_path={checkout / 'mine.npz'}",
                           "--results", str(checkout / "mine")], cwd=checkout, env=env, capture_output=True,
                          text=True, timeout=300)
    assert mine.returncode == 0, mine.stderr
    [record] = [json.loads(p.read_text()) for p in (checkout / "mine").rglob("seed*.json")]
    assert record["dataset"].startswith("user:") and set(record["inputs"]) == {"data_path"}


@pytest.mark.parametrize("name, message", [("Calcium", "lower-case Python identifier"),
                                           ("class", "lower-case Python identifier")])
def test_new_task_refuses_bad_names(checkout, capsys, name, message):
    assert main(["new-task", name, "--root", str(checkout)]) == 2
    assert message in capsys.readouterr().err


def test_new_task_never_overwrites(checkout, capsys):
    assert main(["new-task", "calcium", "--root", str(checkout)]) == 0
    assert main(["new-task", "calcium", "--root", str(checkout)]) == 2
    assert "exists already" in capsys.readouterr().err


def test_new_task_needs_the_checkout(tmp_path, capsys):
    assert main(["new-task", "calcium", "--root", str(tmp_path)]) == 2
    assert "is not the suite's checkout" in capsys.readouterr().err


def test_doctor_reports_software_hardware_and_data(toy_tasks, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    for text in ("Python", "torch", "GPU", "data cache", str(tmp_path), "toy_unreachable", "fetch toy_download"):
        assert text in out
