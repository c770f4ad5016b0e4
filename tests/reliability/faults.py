"""Helpers of the fault tests: the real command line in a subprocess, run set-ups, processes by parent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.records.store import ResultStore
from benchmarks.running.execution import RunSetup

PROVENANCE = {"packages": {}, "git": {"commit": None, "dirty": None}, "python": "3", "cpu": "x", "cpu_cores": 2,
              "gpu": None}


def setup_for(results: Path, run_id: str, **extra) -> RunSetup:
    """A run's set-up without collecting provenance (fast)."""
    return RunSetup(store=ResultStore(results), device="cpu", provenance=PROVENANCE, run_id=run_id, **extra)


def cli(*args: str, **popen) -> subprocess.Popen:
    """``python -m benchmarks ARGS`` in a subprocess of its own (the toy task on its path)."""
    env = {**os.environ, "COLUMNS": "200", "OMP_WAIT_POLICY": "PASSIVE"}
    return subprocess.Popen([sys.executable, "-m", "benchmarks", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **popen)


def records(results: Path) -> dict[str, dict]:
    """Every record under ``results`` by ``method/seed``."""
    out = {}
    for path in results.rglob("*.json"):
        if not path.name.startswith("."):
            record = json.loads(path.read_text())
            out[f"{record['method']}/{record['seed']}"] = record
    return out


def children(pid: int) -> list[int]:
    """The pids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, timeout_s: float = 60.0, poll_s: float = 0.05) -> bool:
    """Poll ``condition`` until it holds or ``timeout_s`` passed; its last value."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll_s)
    return bool(condition())


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
