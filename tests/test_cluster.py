"""Cells as submitit jobs: the local executor end to end; SLURM's checks and lost-job accounting
with stand-ins for sinfo and sacct (no cluster here)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from benchmarks.cli.app import main
from benchmarks.contract.registry import discover
from benchmarks.records.store import ResultStore
from benchmarks.running.cells import plan
from benchmarks.running.cluster import ClusterSettings, ClusterUnavailable, check_available, reconcile, submit
from benchmarks.running.execution import RunSetup

PROVENANCE = {"packages": {}, "git": {}, "python": "", "cpu": "", "cpu_cores": 0, "gpu": None}


def _fake_command(folder, name, output):
    path = folder / name
    path.write_text(f"#!/bin/sh\ncat <<'END'\n{output}\nEND\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def fake_slurm(tmp_path, monkeypatch):
    """sbatch, sinfo and sacct stand-ins first on PATH."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    _fake_command(bin_folder, "sbatch", "1")
    _fake_command(bin_folder, "sinfo", "cpu*\ngpu\ngpu")
    monkeypatch.setenv("PATH", f"{bin_folder}{os.pathsep}{os.environ['PATH']}")
    return bin_folder


def test_local_executor_runs_every_cell_as_a_job(toy_tasks, results):
    registry = discover()
    cells = plan(registry, tasks=["toy"], size="smoke", settings={"toy": {"crash": "true"}})
    context = RunSetup(ResultStore(results), "cpu", PROVENANCE, "jobrun")
    summary = submit(cells, registry, context, kind="local", settings=ClusterSettings(time_min=5, cpus=1))
    by_method = {record["method"]: record for record in summary.ran}
    assert by_method["mean"]["status"] == by_method["zero"]["status"] == "ok"
    assert by_method["broken"]["stage"] == "method"  # the job itself recorded the exception
    crashed = by_method["median"]  # segfaulted: the waiting run recorded it, with job id and log
    assert crashed["status"] == "failed" and crashed["stage"] == "job"
    assert crashed["job"]["id"] in crashed["error"] and crashed["job"]["stdout"].endswith("_log.out")
    listing = json.loads((results / ".jobs" / "jobrun.json").read_text())
    assert len(listing["jobs"]) == 4 and listing["executor"] == "local"
    again = submit(cells, registry, RunSetup(ResultStore(results), "cpu", PROVENANCE, "r2"), kind="local",
                   settings=ClusterSettings())
    assert len(again.skipped) == 2 and len(again.ran) == 2  # resume: only the failed cells go again


def test_slurm_needs_sbatch(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ClusterUnavailable, match="needs SLURM's sbatch on PATH"):
        check_available("slurm", ClusterSettings())


def test_an_unknown_partition_is_refused_with_the_known_ones(fake_slurm):
    with pytest.raises(ClusterUnavailable, match=r"unknown SLURM partition 'gpus'. Did you mean 'gpu'\? Known: cpu, gpu"):
        check_available("slurm", ClusterSettings(partition="gpus"))
    check_available("slurm", ClusterSettings(partition="cpu"))


def test_bad_sbatch_flags_are_refused():
    assert ClusterSettings(sbatch=("qos=short", "--mail-type=END")).sbatch_parameters() == {
        "qos": "short", "mail_type": "END"}
    with pytest.raises(ClusterUnavailable, match="KEY=VALUE"):
        ClusterSettings(sbatch=("exclusive",)).sbatch_parameters()


def test_cli_reports_a_missing_cluster_in_one_line(toy_tasks, results, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.path.dirname(os.sys.executable)}")
    code = main(["run", "--task", "toy", "--size", "smoke", "--executor", "slurm", "--results", str(results)])
    assert code == 2 and "needs SLURM's sbatch on PATH" in capsys.readouterr().err
    assert not list(results.rglob("*.json"))


def test_jobs_that_died_after_no_wait_get_failed_records(toy_tasks, results, fake_slurm):
    """A job killed for memory writes nothing; the next run or leaderboard on the folder says so."""
    registry = discover()
    [cell] = plan(registry, tasks=["toy"], methods=["mean"], size="smoke")
    relative = str(cell.key(registry.get("toy")).relative_path)
    jobs = results / ".jobs"
    jobs.mkdir()
    (jobs / "old.json").write_text(json.dumps({"run_id": "old", "executor": "slurm", "jobs": [
        {"job_id": "4242", "record": relative, "stdout": "/logs/4242_0_log.out", "stderr": "/logs/4242_0_log.err",
         "cell": {"task": "toy", "method": "mean", "size": "smoke", "seed": 0, "options": dict(cell.options)}}]}))
    _fake_command(fake_slurm, "sacct", "JobID|State|NodeList\n4242|OUT_OF_MEMORY|node7")
    context = RunSetup(ResultStore(results), "cpu", PROVENANCE, "")
    [record] = reconcile(ResultStore(results), registry, lambda run_id: RunSetup(context.store, "cpu", PROVENANCE, run_id))
    assert record["status"] == "failed" and record["job"]["state"] == "OUT_OF_MEMORY"
    assert "job 4242 ended OUT_OF_MEMORY (the job needed more memory than it asked for: raise --mem-gb)" in record["error"]
    assert json.loads((results / relative).read_text())["run_id"] == "old"
    assert (jobs / "old.done").exists()  # accounted for: not asked about again
    assert reconcile(ResultStore(results), registry, lambda run_id: context) == []


def test_jobs_still_running_are_left_alone(toy_tasks, results, fake_slurm):
    registry = discover()
    [cell] = plan(registry, tasks=["toy"], methods=["mean"], size="smoke")
    (results / ".jobs").mkdir()
    (results / ".jobs" / "new.json").write_text(json.dumps({"run_id": "new", "executor": "slurm", "jobs": [
        {"job_id": "7", "record": str(cell.key(registry.get("toy")).relative_path), "stdout": "", "stderr": "",
         "cell": {"task": "toy", "method": "mean", "size": "smoke", "seed": 0, "options": dict(cell.options)}}]}))
    _fake_command(fake_slurm, "sacct", "JobID|State|NodeList\n7|RUNNING|node1")
    assert reconcile(ResultStore(results), registry, lambda run_id: None) == []
    assert (results / ".jobs" / "new.json").exists()


def test_preparation_steps_run_as_jobs_before_the_cells(toy_tasks, results, tmp_path):
    registry = discover()
    parts = tmp_path / "parts"
    cells = plan(registry, tasks=["toy"], methods=["mean"], size="smoke", settings={"toy": {"prepared": str(parts)}})
    summary = submit(cells, registry, RunSetup(ResultStore(results), "cpu", PROVENANCE, "prep"), kind="local",
                     settings=ClusterSettings())
    [record] = summary.ran
    assert record["status"] == "ok" and record["details"]["parts"] == 3  # the cell saw every part
    writers = {path.read_text().split()[-1] for path in parts.glob("part-*.txt")}
    assert len(writers) == 3  # each part was written by its own job process
