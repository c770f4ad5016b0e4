"""Claim files that are not claims: whatever a damaged or hand-written file holds, the next run counts it as
stale, says so in one line, and takes the cell over."""

from __future__ import annotations

import json
import socket

import pytest

from benchmarks.cli.app import main
from benchmarks.contract.registry import discover
from benchmarks.running.cells import plan

GOOD = {"host": socket.gethostname(), "run_id": "other", "started_at": "2026-01-01T00:00:00", "pid_start": None,
        "in_process": False}


@pytest.mark.parametrize("text", [
    json.dumps({**GOOD, "pid": "abc"}), json.dumps({**GOOD, "pid": None}), json.dumps({**GOOD, "pid": 1e30}),
    json.dumps({**GOOD, "pid": -1}), json.dumps({**GOOD, "pid": True}), json.dumps({**GOOD, "pid": 5, "host": 7}),
    json.dumps({**GOOD, "pid": 5, "extra": 1}), "[]", "not json", "[" * 100_000, "",
])
def test_an_unreadable_claim_is_taken_over_as_stale_with_one_line(toy_tasks, results, capsys, text):
    # before: a pid of "abc", null or 1e30 stopped the run with a TypeError traceback; -1 kept the cell
    # "running elsewhere" for ever
    [cell] = plan(discover(), tasks=["toy"], methods=["zero"], size="smoke")
    from benchmarks.records.store import ResultStore

    claim = ResultStore(results).claim_path(cell.key(discover().get("toy")))
    claim.parent.mkdir(parents=True)
    claim.write_text(text)
    assert main(["run", "--task", "toy", "--method", "zero", "--size", "smoke", "--results", str(results)]) == 0
    err = capsys.readouterr().err.replace("\n", "")
    assert "was no readable claim" in err and "Traceback" not in err
    assert len(list(results.rglob("seed0-*.json"))) == 1 and not claim.exists()
