"""Runs that share a results folder: every cell runs once, live claims are respected, dead ones taken over."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time

from faults import cli, records, setup_for, wait_for
from record_factory import make_record

from benchmarks.contract.registry import discover
from benchmarks.records.store import ResultStore
from benchmarks.running import claims
from benchmarks.running.cells import plan
from benchmarks.running.scheduler import run_plan

METHODS = ["zero", "mean", "median"]


def _cells(release_file=None, seeds=(0, 1)):
    """The toy's cells; with ``release_file``, each waits until that file exists."""
    registry = discover()
    settings = {"toy": {"release_file": str(release_file)}} if release_file else None
    return registry, plan(registry, tasks=["toy"], methods=METHODS, size="smoke", seeds=list(seeds),
                          settings=settings)


def _one_run(results, run_id, release_file, out):
    """A run of its own (forked); its summary goes to ``out``."""
    registry, cells = _cells(release_file)
    summary = run_plan(cells, registry, setup_for(results, run_id))
    out.put((run_id, [r["method"] + f"/{r['seed']}" for r in summary.ran], len(summary.elsewhere),
             len(summary.skipped)))


def _claims(results):
    return list(results.rglob("*.claim"))


def test_three_concurrent_runs_run_every_cell_once(toy_tasks, results, tmp_path):
    # The cells wait for a file, so the three runs hold a claim each at once however loaded the machine is
    # (before: they overlapped only if they started within the cells' sleep).
    release = tmp_path / "release"
    fork = multiprocessing.get_context("fork")
    out = fork.Queue()
    runs = [fork.Process(target=_one_run, args=(results, f"run{k}", release, out)) for k in range(3)]
    for process in runs:
        process.start()
    assert wait_for(lambda: len(_claims(results)) == 3, timeout_s=120)
    release.touch()
    summaries = [out.get(timeout=120) for _ in runs]
    for process in runs:
        process.join(timeout=30)
    ran = [cell for _, cells, _, _ in summaries for cell in cells]
    assert sorted(ran) == sorted(f"{m}/{s}" for m in METHODS for s in (0, 1))  # each cell once, by one run
    assert sum(elsewhere for _, _, elsewhere, _ in summaries) >= 1  # the runs met each other's claims
    stored = records(results)
    assert {r["status"] for r in stored.values()} == {"ok"}
    owners = {cell: run_id for run_id, cells, _, _ in summaries for cell in cells}
    assert {key: r["run_id"] for key, r in stored.items()} == owners  # nobody wrote over another's record
    assert not _claims(results)


def test_two_concurrent_command_lines_with_two_jobs_each(toy_tasks, results, tmp_path):
    """The issue's case: before, each run took the other's records for missing and marked every cell failed."""
    release = tmp_path / "release"
    args = ["run", "--task", "toy", "--size", "smoke", "--jobs", "2", "--results", str(results),
            "--set", f"toy.release_file={release}", "--method", "zero", "--method", "mean"]
    first = cli(*args)
    assert wait_for(lambda: len(_claims(results)) == 2, timeout_s=120)  # the first run holds both cells
    second = cli(*args)
    second_out = second.communicate(timeout=300)
    release.touch()
    outputs = [first.communicate(timeout=300), second_out]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    stored = records(results)
    assert len(stored) == 2 and {r["status"] for r in stored.values()} == {"ok"}
    err = outputs[0][1] + outputs[1][1]
    ran = sum(int(text.split()[1]) for text in err.splitlines() if text.startswith("ran "))
    assert ran == 2 and "running elsewhere" in err  # every cell once; the other run said where it was


def test_a_live_claim_is_reported_and_a_dead_one_taken_over(toy_tasks, results):
    registry, cells = _cells(seeds=(0,))
    store = ResultStore(results)
    key = lambda method: next(c for c in cells if c.method == method).key(registry.get("toy"))  # noqa: E731
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    try:
        here = socket.gethostname()
        owners = {
            "zero": claims.Owner(here, sleeper.pid, "live", "t0", claims.process_start(sleeper.pid)),  # alive
            "mean": claims.Owner(here, int(finished.stdout), "gone", "t0"),  # its process has ended
            "median": claims.Owner("node-elsewhere", 1, "far", "t0"),  # another host, refreshed long ago
        }
        for method, owner in owners.items():
            path = store.claim_path(key(method))
            assert isinstance(claims.acquire(path, owner), claims.Claimed)
        old = time.time() - 3600
        os.utime(store.claim_path(key("median")), (old, old))
        seen = []
        summary = run_plan(cells, registry, setup_for(results, "me", claim_timeout_s=600),
                           report=lambda cell, record, reason="": seen.append((cell.method, reason)))
    finally:
        sleeper.kill()
    assert sorted(r["method"] for r in summary.ran) == ["mean", "median"]
    assert [(c.method, o.run_id) for c, o in summary.elsewhere] == [("zero", "live")]
    assert any(m == "zero" and reason.startswith("running elsewhere: run live (pid") for m, reason in seen)
    assert claims.read(store.claim_path(key("zero"))).run_id == "live"  # a live claim is left alone


def test_a_claim_from_another_host_is_live_until_its_timeout(results):
    path = results / "cell.claim"
    other = claims.Owner("node-elsewhere", 1, "far", "t0")
    assert isinstance(claims.acquire(path, other), claims.Claimed)
    me = claims.this_process("me", in_process=False)
    assert isinstance(claims.acquire(path, me, timeout_s=600), claims.Busy)  # refreshed just now
    old = time.time() - 601
    os.utime(path, (old, old))
    taken = claims.acquire(path, me, timeout_s=600)
    assert isinstance(taken, claims.Claimed) and taken.dead == other


def test_many_takers_of_one_dead_claim_leave_exactly_one_owner(results):
    path = results / "cell.claim"
    claims.acquire(path, claims.Owner("node-elsewhere", 1, "dead", "t0"))
    old = time.time() - 7200
    os.utime(path, (old, old))
    barrier, outcomes = threading.Barrier(8), []

    def take(k):
        barrier.wait()
        outcomes.append((k, claims.acquire(path, claims.this_process(f"taker{k}", False), timeout_s=60)))

    threads = [threading.Thread(target=take, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [k for k, outcome in outcomes if isinstance(outcome, claims.Claimed)]
    assert len(winners) == 1 and claims.read(path).run_id == f"taker{winners[0]}"
    assert not [p for p in results.iterdir() if p.name != "cell.claim"]  # no file left aside


def test_a_failed_outcome_never_replaces_another_runs_ok_record(results):
    store = ResultStore(results)
    ok = {**make_record(), "run_id": "other"}
    failed = {**make_record(status="failed"), "key": ok["key"]}
    path = store.write(ok)
    assert store.write({**failed, "run_id": "mine"}) is None
    assert json.loads(path.read_text())["status"] == "ok"
    assert store.write({**failed, "run_id": "other"}) == path  # its own run may


def test_force_keeps_an_ok_record_another_run_wrote_meanwhile(toy_tasks, results):
    registry, cells = _cells(seeds=(0,))
    [cell] = [c for c in cells if c.method == "zero"]
    run_plan([cell], registry, setup_for(results, "old"))
    setup = setup_for(results, "forced")
    from benchmarks.running.scheduler import Gate, RunSummary

    gate = Gate(registry, setup, RunSummary(), lambda *_: None, force=True, retry_failed=False)
    gate.note([cell])
    run_plan([cell], registry, setup_for(results, "concurrent"), force=True)  # finishes first
    assert not gate.open(cell, in_process=True)  # so the forced run keeps that one
    assert records(results)["zero/0"]["run_id"] == "concurrent"
