"""Processes: workers die with their runner, SIGTERM stops a run like Ctrl-C, a crashing cell cannot
take every rerun down."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from faults import alive, children, cli, needs_proc, records, setup_for, wait_for

from benchmarks.contract.registry import discover
from benchmarks.running.cells import plan
from benchmarks.running.scheduler import CRASH_STAGE, run_plan

CHILD = """
import sys, time
from benchmarks.running import lifeline
if sys.argv[1] == "watchdog":
    sys.platform = "other"  # as on a system without prctl
print(lifeline.die_with_parent(int(sys.argv[2]), poll_s=0.1), flush=True)
time.sleep(60)
"""
PARENT = """
import os, subprocess, sys
child = subprocess.Popen([sys.executable, "-c", sys.argv[2], sys.argv[1], str(os.getpid())],
                         stdout=subprocess.PIPE, text=True)
print(child.pid, child.stdout.readline().strip(), flush=True)
os._exit(0)  # the parent dies; the child must follow it
"""


@needs_proc
@pytest.mark.parametrize("how", ["prctl", "watchdog"])
def test_a_process_dies_with_its_parent(how):
    out = subprocess.run([sys.executable, "-c", PARENT, how, CHILD], capture_output=True, text=True, timeout=60)
    pid, used = out.stdout.split()
    assert used == how
    assert wait_for(lambda: not alive(int(pid)), timeout_s=10)


@needs_proc
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_what_a_method_started_dies_with_its_runner(toy_tasks, results, tmp_path, how):
    # before: after kill -9 of the runner, a method's subprocess went on with parent 1 (SIGTERM did stop it)
    pid_file = tmp_path / "child.pid"
    runner = cli("run", "--task", "toy", "--method", "zero", "--method", "mean", "--size", "smoke", "--jobs", "2",
                 "--set", "toy.delay_s=60", "--set", f"toy.child_pid_file={pid_file}", "--results", str(results))
    try:
        assert wait_for(lambda: pid_file.is_file() and pid_file.read_text().strip(), timeout_s=120)
        grandchild = int(pid_file.read_text())
        assert alive(grandchild)
        os.kill(runner.pid, how)
        runner.wait(timeout=30)
        assert wait_for(lambda: not alive(grandchild), timeout_s=10)
    finally:
        runner.kill()


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline") as stream:
            return stream.read()
    except OSError:  # it ended meanwhile
        return ""


@needs_proc
def test_workers_die_when_their_runner_is_killed(toy_tasks, results):
    runner = cli("run", "--task", "toy", "--method", "zero", "--method", "mean", "--size", "smoke", "--jobs", "2",
                 "--set", "toy.delay_s=60", "--results", str(results))
    try:
        def spawned() -> list[int]:  # the cells' workers, not multiprocessing's resource tracker
            return [pid for pid in children(runner.pid) if "spawn_main" in _cmdline(pid)]

        assert wait_for(lambda: len(spawned()) == 2, timeout_s=120)
        workers = spawned()
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait(timeout=30)
        # Before: the workers went on with parent 1 for their whole minute.
        assert wait_for(lambda: not any(alive(pid) for pid in workers), timeout_s=10)
    finally:
        runner.kill()
        runner.communicate()


def test_sigterm_keeps_finished_cells_and_exits_143(toy_tasks, results):
    runner = cli("run", "--task", "toy", "--method", "zero", "--method", "mean", "--size", "smoke", "--jobs", "1",
                 "--set", "toy.delay_s=3", "--results", str(results))
    try:
        assert wait_for(lambda: len(list(results.rglob("seed0-*.json"))) == 1, timeout_s=120)
        runner.send_signal(signal.SIGTERM)
        _, err = runner.communicate(timeout=60)
    finally:
        runner.kill()
    assert runner.returncode == 143, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("terminated (SIGTERM): 1 finished cells kept") and "Traceback" not in err
    assert list(records(results)) == ["zero/0"]
    assert not list(results.rglob("*.claim"))  # nothing left claimed: a rerun resumes at once


def test_a_cell_that_crashed_the_runner_is_recorded_failed_and_held_back(toy_tasks, results):
    args = ["run", "--task", "toy", "--method", "median", "--size", "smoke", "--set", "toy.crash=true", "--jobs", "1",
            "--results", str(results)]
    crashed = cli(*args)
    crashed.communicate(timeout=120)
    assert crashed.returncode == -signal.SIGSEGV  # --jobs 1: the cell takes its runner down
    registry = discover()
    cells = plan(registry, tasks=["toy"], methods=["median", "zero"], size="smoke",
                 settings={"toy": {"crash": "true"}})
    # Before: every rerun ran the cell again and died with it.
    again = run_plan(cells, registry, setup_for(results, "rerun"))
    [record] = again.recorded
    assert record["status"] == "failed" and record["stage"] == CRASH_STAGE
    assert "died while running this cell" in record["error"] and "--retry-failed" in record["error"]
    assert [r["method"] for r in again.ran] == ["zero"]  # the other cells went on
    third = run_plan(cells, registry, setup_for(results, "third"))
    assert [c.method for c in third.held_back] == ["median"] and not third.ran
    retried = cli(*args, "--retry-failed")
    retried.communicate(timeout=120)
    assert retried.returncode == -signal.SIGSEGV  # asked for: it runs again (and crashes again)
    assert json.loads(next(results.rglob("median/*.json")).read_text())["stage"] == CRASH_STAGE


def test_a_sigterm_whose_exception_python_lost_still_stops_the_run_before_the_next_cell(toy_tasks, results):
    from benchmarks.running import lifeline

    registry = discover()
    cells = plan(registry, tasks=["toy"], methods=["zero", "mean"], size="smoke")
    with lifeline.sigterm_as_interrupt():
        lifeline.TERMINATING.set()  # as when the handler's exception fell inside a weakref callback
        summary = run_plan(cells, registry, setup_for(results, "r"))
    assert summary.terminated and summary.ran == [] and not list(results.rglob("*.json"))
