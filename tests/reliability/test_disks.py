"""Disks that fail: no space, read-only, a missing folder. One line naming the path and the errno,
what was kept, exit 1; never a chained traceback."""

from __future__ import annotations

import errno
import subprocess
import uuid

import pytest
from faults import setup_for

from benchmarks.cli.app import main
from benchmarks.contract.registry import discover
from benchmarks.records import store as store_module
from benchmarks.running.cells import plan
from benchmarks.running.scheduler import run_plan


@pytest.fixture
def small_disk(tmp_path):
    """A real 200 KiB tmpfs (needs the right to mount, as root in a container); skipped elsewhere."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the injected-fault test covers the logic")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _one_line_error(err, code):
    lines = [line for line in err.splitlines() if code in line]
    assert len(lines) == 1, err
    assert "Traceback" not in err and "During handling" not in err
    return lines[0]


def test_a_disk_that_fills_up(toy_tasks, small_disk, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    results = small_disk / "results"
    # Fill all but a little of it, so that a few records fit and then the disk is full.
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (200 * 1024 - 48 * 1024))
    code = main(["run", "--task", "toy", "--method", "zero", "--method", "mean", "--size", "smoke", "--seeds", "6",
                 "--results", str(results)])
    err = capsys.readouterr().err
    assert code == 1
    line = _one_line_error(err, "ENOSPC")
    assert f"cannot write {results}" in line and "errno 28" in line
    assert "ok records written before it" in line and "cells not run" in line


def test_a_read_only_disk(toy_tasks, small_disk, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True).returncode == 0
    code = main(["run", "--task", "toy", "--method", "zero", "--size", "smoke", "--results", str(small_disk / "new")])
    line = _one_line_error(capsys.readouterr().err, "EROFS")
    assert code == 1 and f"cannot create results folder {small_disk / 'new'}" in line and "errno 30" in line


def test_a_missing_parent_folder(toy_tasks, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    target = tmp_path / "gone" / "results"
    code = main(["run", "--task", "toy", "--method", "zero", "--size", "smoke", "--results", str(target)])
    line = _one_line_error(capsys.readouterr().err, "ENOENT")
    assert code == 1 and str(target) in line and "nothing was written" in line


def test_a_write_that_fails_stops_the_run_and_says_what_was_kept(toy_tasks, results, monkeypatch):
    """The same logic without a real small disk: the third record meets ENOSPC (figures are renamed into place
    too, and a figure that fails is noted in its record)."""
    real, calls = store_module.os.replace, []

    def replace(source, target):
        if not str(target).endswith(".json"):
            return real(source, target)
        calls.append(target)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(source))
        real(source, target)

    monkeypatch.setattr(store_module.os, "replace", replace)
    registry = discover()
    cells = plan(registry, tasks=["toy"], methods=["zero"], size="smoke", seeds=[0, 1, 2, 3])
    summary = run_plan(cells, registry, setup_for(results, "r"))
    assert summary.disk_error.startswith(f"cannot write {calls[2]}: ENOSPC (errno 28")
    assert len(summary.ran) == 2 and len(list(results.rglob("*.json"))) == 2
    assert not list(results.rglob(".tmp-*")) and not list(results.rglob("*.claim"))


def test_leaderboard_out_into_a_missing_folder(toy_tasks, results, tmp_path, capsys):
    out = tmp_path / "missing" / "board.md"
    assert main(["leaderboard", "--results", str(results), "--format", "markdown", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"cannot write {out}: ENOENT" in err.replace("\n", "") and "Traceback" not in err
