"""The result store: atomic writes, keys, tolerant reading."""

from __future__ import annotations

import errno
import json
import os

import pytest
from record_factory import make_record

from benchmarks.records import store as store_module
from benchmarks.records.store import CellKey, DiskError, ResultStore, StoreError


def test_key_changes_with_version_options_and_seed():
    base = CellKey("t", 1, "m", "smoke", 0, {"a": 1})
    assert base.digest == CellKey("t", 1, "m", "smoke", 0, {"a": 1}).digest
    others = [CellKey("t", 2, "m", "smoke", 0, {"a": 1}), CellKey("t", 1, "m", "smoke", 0, {"a": 2}),
              CellKey("t", 1, "m", "smoke", 1, {"a": 1}), CellKey("t", 1, "m", "full", 0, {"a": 1})]
    assert len({base.digest, *(key.digest for key in others)}) == 5


def test_interrupted_write_leaves_the_previous_record(results, monkeypatch):
    store = ResultStore(results)
    record = make_record(metrics={"acc": 0.1})
    path = store.write(record)
    before = path.read_text()

    def interrupted(fd):
        raise KeyboardInterrupt  # as if Ctrl-C arrived between writing and renaming

    monkeypatch.setattr(store_module.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.write({**record, "metrics": {"acc": 0.9}})
    assert path.read_text() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_nan_is_stored_as_null_not_invalid_json(results):
    path = ResultStore(results).write(make_record(metrics={"acc": float("nan")}))
    assert json.loads(path.read_text())["metrics"] == {"acc": None}


def test_broken_files_are_skipped_with_a_warning_that_names_them(results):
    store = ResultStore(results)
    store.write(make_record())
    truncated = results / "t" / "smoke" / "m" / "seed9-broken.json"
    truncated.write_text('{"task": "t", "meth')
    not_a_record = results / "t" / "smoke" / "m" / "seed8-other.json"
    not_a_record.write_text('{"hello": 1}')
    (results / "perf").mkdir()
    (results / "perf" / "bench.json").write_text("{}")  # pytest-benchmark output is not a record
    records, warnings = store.records()
    assert len(records) == 1
    assert len(warnings) == 2
    assert any(str(truncated) in w and "not a readable JSON record" in w for w in warnings)
    assert any(str(not_a_record) in w and "missing" in w for w in warnings)


def test_unusable_results_folders_are_one_line_errors(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        ResultStore(tmp_path / "missing")
    with pytest.raises(StoreError, match="cannot create"):
        ResultStore(tmp_path / "no" / "parent", create=True)
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreError, match="is not a folder"):
        ResultStore(tmp_path / "file")
    assert ResultStore(tmp_path / "new", create=True).root.is_dir()


def test_read_only_results_folder_is_refused_with_its_errno(tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    if os.geteuid() == 0:  # root writes anywhere: see the folder as an ordinary user would
        def denied(**kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        monkeypatch.setattr(store_module.tempfile, "mkstemp", denied)
    with pytest.raises(DiskError, match=r"cannot write records into results folder .*: EACCES \(errno 13"):
        ResultStore(folder).check_writable()
