"""Records of the wrong shape: set aside with one warning naming the file; every command goes on."""

from __future__ import annotations

import json
import os

import pytest
from record_factory import make_record

from benchmarks.cli.app import main
from benchmarks.records.schema import BadRecord, check_record
from benchmarks.records.store import ResultStore, figure_path, read_records

DEEP = "[" * 100_000 + "]" * 100_000


def _bad(record_text_or_change):
    if isinstance(record_text_or_change, str):
        return record_text_or_change
    return json.dumps({**make_record(), **record_text_or_change})


BAD = {
    "seed is text": {"seed": "zero"},
    "metrics is a list": {"metrics": []},
    "options is a list": {"options": []},
    "task_version is text": {"task_version": "one"},
    "a metric is text": {"metrics": {"acc": "high"}},
    "timings of the wrong shape": {"timings": {"method": 3}},
    "metric_info without direction": {"metric_info": [{"name": "acc"}]},
    "status unknown": {"status": "done"},
    "a JSON array": "[1, 2, 3]",
    "nested deeply": DEEP,
    "nested deeply inside an object": '{"task": ' + DEEP + "}",
    "task climbs out": {"task": ".."},
    "figure climbs out": {"figure": "../.."},
}


@pytest.mark.parametrize("name", BAD)
def test_the_schema_refuses_wrong_types_and_reading_names_the_file(results, name):
    good = ResultStore(results).write(make_record(method="a"))
    bad = results / "t" / "smoke" / "m" / "seed3-bad.json"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text(_bad(BAD[name]))
    records, warnings = read_records(results)
    assert [r["_path"] for r in records] == [str(good)]
    [warning] = warnings
    assert warning.startswith(f"skipped {bad}: ") and "\n" not in warning


def test_the_schema_names_the_field_and_the_problem():
    with pytest.raises(BadRecord, match=r"field 'seed': expected an integer, got 'zero'"):
        check_record({**make_record(), "seed": "zero"})
    with pytest.raises(BadRecord, match=r"field 'metrics': expected an object, got a JSON array"):
        check_record({**make_record(), "metrics": []})
    with pytest.raises(BadRecord, match=r"a JSON list, not an object"):
        check_record([1])
    assert check_record(make_record()) is not None


@pytest.fixture
def folder_with_bad_records(toy_tasks, results, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # one warning, one line: no wrapping at the terminal's width
    assert main(["run", "--task", "toy", "--method", "mean", "--size", "smoke", "--results", str(results)]) == 0
    [record_path] = results.rglob("seed0-*.json")
    bad = {}
    for index, (name, change) in enumerate(BAD.items()):
        path = record_path.with_name(f"seed{100 + index}-bad.json")
        path.write_text(_bad(change if isinstance(change, str) else {**json.loads(record_path.read_text()), **change}))
        bad[name] = path
    return results, record_path, bad


def _warned_once_each(err, bad):
    lines = [line for line in err.splitlines() if "skipped" in line]
    for path in bad.values():
        assert sum(str(path) in line for line in lines) == 1, (path, err)
    assert "Traceback" not in err


def test_leaderboard_and_compare_go_on_past_bad_records(folder_with_bad_records, capsys, tmp_path):
    results, _, bad = folder_with_bad_records
    other = tmp_path / "other"
    other.mkdir()
    capsys.readouterr()
    assert main(["leaderboard", "--results", str(results), "--format", "csv"]) == 0
    out = capsys.readouterr()
    _warned_once_each(out.err, bad)
    assert "mean" in out.out
    assert main(["compare", str(results), str(other)]) == 0
    _warned_once_each(capsys.readouterr().err, bad)


def test_run_sets_a_bad_record_of_its_own_cell_aside_and_runs_the_cell(folder_with_bad_records, capsys):
    results, record_path, _ = folder_with_bad_records
    record_path.write_text(json.dumps([1, 2]))  # before: AttributeError ('list' has no attribute 'get')
    capsys.readouterr()
    assert main(["run", "--task", "toy", "--method", "mean", "--size", "smoke", "--results", str(results)]) == 0
    err = capsys.readouterr().err
    assert f"skipped {record_path}: not a run record (a JSON list" in err and "Traceback" not in err
    assert json.loads(record_path.read_text())["status"] == "ok"


def test_a_figure_never_leaves_its_cell_folder(tmp_path):
    folder = tmp_path / "cell"
    folder.mkdir()
    (folder / "f.png").write_bytes(b"png")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"secret")
    os.symlink(secret, folder / "link.png")
    record = {"_path": str(folder / "r.json")}
    assert figure_path({**record, "figure": "f.png"}) == folder / "f.png"
    assert figure_path({**record, "figure": "link.png"}) is None  # a link out of the folder
    assert figure_path({**record, "figure": "../secret.png"}) is None


def test_a_fifo_or_a_link_to_a_device_among_the_records_is_skipped_not_read(tmp_path, capsys):
    folder = tmp_path / "results" / "t" / "smoke" / "m"
    folder.mkdir(parents=True)
    (folder / "seed0-good.json").write_text(json.dumps(make_record()))
    os.mkfifo(folder / "seed1-fifo.json")  # before: leaderboard waited on it forever
    (folder / "seed2-zero.json").symlink_to("/dev/zero")  # before: read gigabytes, then failed
    records, warnings = read_records(tmp_path / "results")
    assert [r["seed"] for r in records] == [0]
    assert len(warnings) == 2 and all("not a regular file" in w for w in warnings)


def test_the_record_of_a_full_size_run_is_read(tmp_path):
    import numpy as np

    from benchmarks.task import Direction, Items

    # single_cell's full size scores a million cells, one item each
    items = Items(np.random.default_rng(0).random(1_000_000), Direction.HIGHER, "a cell's neighbours kept")
    folder = tmp_path / "results" / "t" / "full" / "m"
    folder.mkdir(parents=True)
    (folder / "seed0-big.json").write_text(json.dumps(make_record(size="full", items=items)))
    records, warnings = read_records(tmp_path / "results")
    assert warnings == [] and records[0]["items"]["n"] == 1_000_000


@pytest.mark.parametrize("n, problem", [("1e400", "not a finite number"), ("inf", "not a finite number"),
                                        ("2.5", "not a count"), ("0", "not a count")])
def test_a_published_row_with_an_impossible_count_is_skipped_with_one_line(tmp_path, n, problem):
    from benchmarks.results.baselines import read_published

    (tmp_path / "published").mkdir()
    (tmp_path / "published" / "t.csv").write_text(
        "size,method,metric,mean,std,n,citation,note,setting,dataset\n"
        f"default,m,acc,0.5,0.1,{n},Doe 2024,,,data\n"
        "default,m,acc,0.6,0.1,3,Doe 2024,,,data\n")
    values, warnings = read_published(tmp_path)  # before: OverflowError traceback for 1e400
    assert [v.mean for v in values] == [0.6]
    assert len(warnings) == 1 and ":2:" in warnings[0] and problem in warnings[0]
