"""User data that changes: a cell that read a replaced file runs again; unchanged files are not re-read."""

from __future__ import annotations

import os

from faults import setup_for

from benchmarks.contract.registry import discover
from benchmarks.running import inputs
from benchmarks.running.cells import plan
from benchmarks.running.inputs import InputHashes, with_input_hashes
from benchmarks.running.scheduler import run_plan


def _run(results, data_file, run_id):
    registry = discover()
    cells = plan(registry, tasks=["toy"], methods=["mean"], size="smoke",
                 settings={"toy": {"data_file": str(data_file)}})
    return run_plan(with_input_hashes(cells, registry, results), registry, setup_for(results, run_id))


def test_replacing_the_file_behind_a_path_option_reruns_the_cell(toy_tasks, results, tmp_path):
    data = tmp_path / "user.txt"
    data.write_text("1.0 2.0 3.0\n")
    first = _run(results, data, "first")
    assert len(first.ran) == 1 and first.ran[0]["inputs"]["data_file"]
    assert _run(results, data, "second").skipped  # unchanged: resumed
    stat = data.stat()
    data.write_text("7.0 8.0 9.0\n")  # same size, a modification time 1 ns later
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    third = _run(results, data, "third")
    assert len(third.ran) == 1 and not third.skipped  # before: skipped, the result of the old file kept
    assert third.ran[0]["metrics"]["abs_error"] != first.ran[0]["metrics"]["abs_error"]
    assert third.ran[0]["inputs"] != first.ran[0]["inputs"]


def test_hashes_are_cached_per_path_size_and_mtime(tmp_path, monkeypatch):
    data, cache = tmp_path / "user.txt", tmp_path / "cache.json"
    data.write_text("1 2 3\n")
    first = InputHashes(cache)
    digest = first.of(data)
    first.save()
    reads = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda path, *a, **k: reads.append(path) or real_open(path, *a, **k))
    again = InputHashes(cache)
    assert again.of(data) == digest and data not in reads  # answered from the cache: the file was not read
    data.write_text("1 2 4\n")
    assert again.of(data) != digest and data in reads


def test_a_folder_hashes_its_files_and_their_names(tmp_path):
    project = tmp_path / "project"
    (project / "labels").mkdir(parents=True)
    (project / "labels" / "a.csv").write_text("x\n")
    hashes = InputHashes(None)
    before = hashes.of(project)
    (project / "labels" / "a.csv").rename(project / "labels" / "b.csv")
    assert hashes.of(project) != before
    assert hashes.of(tmp_path / "absent") == "missing"
    assert inputs.path_options([], {}) == {}


def test_an_edit_of_the_same_size_with_its_mtime_restored_is_seen(tmp_path):
    import os

    data = tmp_path / "user.txt"
    data.write_text("1 2 3\n")
    hashes = InputHashes(tmp_path / "cache.json")
    digest = hashes.of(data)
    stat = data.stat()
    data.write_text("1 2 4\n")  # the same size
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # before: the stale hash came from the cache
    assert hashes.of(data) != digest
