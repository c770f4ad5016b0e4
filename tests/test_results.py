"""Results as data: the records frame, parquet, data sets on records, published rows matched to them."""

from __future__ import annotations

import math
from io import StringIO

import pandas as pd
import pytest
from record_factory import make_record
from toy_run import run_toy

from benchmarks.cli.app import main
from benchmarks.contract.registry import discover
from benchmarks.data.dataset_id import dataset_of, is_user
from benchmarks.results import columns, load, render
from benchmarks.results.baselines import read_published
from benchmarks.results.leaderboard import build


@pytest.fixture(autouse=True)
def offline(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path / "cache"))
    monkeypatch.setenv("BENCHMARKS_BASELINES", str(tmp_path / "no-baselines"))
    monkeypatch.setenv("COLUMNS", "200")


def test_load_gives_one_row_per_record_with_metrics_options_and_failures(toy_tasks, results):
    assert run_toy(results, "--seeds", "2") == 1  # broken fails
    frame = load(results)
    assert len(frame) == 6 and set(frame["method"]) == {"zero", "mean", "broken"}
    failed = frame[frame["method"] == "broken"]
    assert list(failed["status"]) == ["failed", "failed"] and set(failed["stage"]) == {"method"}
    assert failed["metric:abs_error"].isna().all() and failed["time_s"].isna().all()
    ok = frame[frame["status"] == "ok"]
    assert ok["metric:abs_error"].notna().all() and (ok["time_s"] > 0).all()
    assert (frame["option:true_mean"] == 3.0).all() and (frame["dataset"] == "toy_gauss").all()
    assert ok.groupby("method")["metric:abs_error"].mean()["zero"] == pytest.approx(3.0)


def test_load_of_a_missing_folder_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        load(tmp_path / "nope")


def test_parquet_holds_what_csv_holds(toy_tasks, results, tmp_path, capsys):
    assert run_toy(results) == 1
    capsys.readouterr()
    out = tmp_path / "board.parquet"
    assert main(["leaderboard", "--results", str(results), "--format", "parquet", "--out", str(out)]) == 0
    assert main(["leaderboard", "--results", str(results), "--format", "csv"]) == 0
    from_csv = pd.read_csv(StringIO(capsys.readouterr().out))
    from_parquet = pd.read_parquet(out)
    assert list(from_parquet["method"]) == list(from_csv["method"]) == ["mean", "zero", "broken"]
    assert from_parquet["abs_error_mean"].tolist()[:2] == pytest.approx(from_csv["abs_error_mean"].tolist()[:2])
    assert from_parquet["rank"].isna().tolist() == [False, False, True]  # the failed row is unranked
    assert main(["leaderboard", "--results", str(results), "--format", "parquet"]) == 2
    assert "--format parquet writes a binary file" in capsys.readouterr().err


def test_every_task_declares_its_data_set_and_a_user_path_gets_a_content_hash(toy_tasks, tmp_path):
    registry = discover()
    ids = {(name, size): dataset_of(registry.tasks[name], size, registry.tasks[name].resolve_options(), {})
           for name in registry.names() for size in registry.tasks[name].sizes}
    assert ids[("single_cell", "default")] == "pbmc68k_reduced"
    assert ids[("pose", "full")] == "dlc_openfield" and ids[("latin", "default")] == "latin_library_6"
    # another split has other test frames: DeepLabCut 3.0's figures (half the frames) name theirs
    half = registry.tasks["pose"].resolve_options({"train_fraction": "0.5"})
    assert dataset_of(registry.tasks["pose"], "full", half, {}) == "dlc_openfield@train0.5"
    assert ids[("two_moons", "default")] == "sbibm/two_moons" and ids[("toy", "smoke")] == "toy_gauss"
    cell_line = registry.tasks["single_cell"].resolve_options({"data_path": str(tmp_path / "mix.csv")})
    a = dataset_of(registry.tasks["single_cell"], "default", cell_line, {"data_path": "aa"})
    b = dataset_of(registry.tasks["single_cell"], "default", cell_line, {"data_path": "bb"})
    assert is_user(a) and is_user(b) and a != b  # other content, other data set


def _published(tmp_path):
    (tmp_path / "published").mkdir(exist_ok=True)
    (tmp_path / "published" / "t.csv").write_text(
        "size,method,metric,mean,std,n,citation,note,setting,dataset\n"
        "*,net,acc,0.8,,,Doe 2020,,fig 2,pbmc\n"
        "*,net,acc,0.7,,,Doe 2020,,notebook,pbmc\n"
        "*,net,acc,0.6,,,Roe 2019,,,tasic\n")
    values, warnings = read_published(tmp_path)
    assert not warnings
    return values


def test_published_rows_stand_only_beside_runs_on_their_data_set(tmp_path):
    published = _published(tmp_path)
    [table] = build([make_record(method="net", dataset="pbmc")], published)
    rows = sorted((r.stats["acc"][0], r.note) for r in table.rows if r.source == "published")
    assert rows == [(0.7, "notebook"), (0.8, "fig 2")]  # one row per setting, the tasic row absent
    assert table.dataset == "pbmc" and not table.notes
    assert "data pbmc" in columns.title(table)


def test_runs_on_other_data_sets_are_separate_tables_and_say_why_no_published_row(tmp_path):
    published = _published(tmp_path)
    records = [make_record(method="net", dataset="pbmc"), make_record(method="net", dataset="user:0123abcd"),
               make_record(method="net", dataset="mixology")]
    tables = {t.dataset: t for t in build(records, published)}
    assert set(tables) == {"pbmc", "user:0123abcd", "mixology"}
    assert not any(r.source == "published" for r in tables["user:0123abcd"].rows)
    assert tables["user:0123abcd"].notes == ["Runs on your data (user:0123abcd): no published numbers apply."]
    assert "this task's are on pbmc, tasic" in tables["mixology"].notes[0]
    assert "no published numbers apply" in render.to_markdown([tables["user:0123abcd"]])


def test_a_run_on_a_user_file_records_a_user_data_set_and_shows_no_published_row(toy_tasks, results, tmp_path,
                                                                                  monkeypatch, capsys):
    baselines = tmp_path / "baselines"
    (baselines / "published").mkdir(parents=True)
    (baselines / "published" / "toy.csv").write_text(
        "size,method,metric,mean,std,n,citation,note,setting,dataset\n*,gauss,abs_error,0.1,,,Gauss 1809,,,toy_gauss\n")
    monkeypatch.setenv("BENCHMARKS_BASELINES", str(baselines))
    numbers = tmp_path / "mine.txt"
    numbers.write_text("0.5\n1.5\n")
    args = ["run", "--task", "toy", "--method", "mean", "--size", "smoke", "--results", str(results)]
    assert main([*args, "--set", f"toy.data_file={numbers}"]) == 0
    out = capsys.readouterr().out
    assert "no published numbers apply" in out and "gauss" not in out
    assert main(args) == 0
    assert "gauss" in capsys.readouterr().out  # the task's own data: the published row stands beside it
    datasets = set(load(results)["dataset"])
    assert "toy_gauss" in datasets and any(is_user(d) for d in datasets)


def test_compare_keeps_data_sets_apart():
    from benchmarks.results.compare import compare

    a = build([make_record(method="m", dataset="pbmc", metrics={"acc": 0.5})])
    b = build([make_record(method="m", dataset="pbmc", metrics={"acc": 0.6}),
               make_record(method="m", dataset="user:1", metrics={"acc": 0.9})])
    changes = {(c.dataset, c.verdict) for c in compare(a, b)}
    assert changes == {("pbmc", "no spread (1 seed)"), ("user:1", "only in B")}
    assert not math.isnan(next(c for c in compare(a, b) if c.dataset == "pbmc").delta)
