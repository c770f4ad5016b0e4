"""Leaderboard aggregation on hand-made records, baselines beside runs, rendering, comparison."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from record_factory import make_record

from benchmarks.results import columns, render, report
from benchmarks.results.baselines import read_published
from benchmarks.results.compare import compare
from benchmarks.results.leaderboard import build


def _row(table, method, source="run"):
    return next(r for r in table.rows if r.method == method and r.source == source)


def test_mean_and_standard_deviation_over_seeds_by_hand():
    records = [make_record(method="a", seed=s, metrics={"acc": v}, wall=w, peak=p)
               for s, v, w, p in [(0, 0.5, 1.0, 100), (1, 0.7, 2.0, 300), (2, 0.9, 3.0, 200)]]
    [table] = build(records)
    row = _row(table, "a")
    mean, std = row.stats["acc"]
    assert mean == pytest.approx(0.7)
    assert std == pytest.approx(0.2)  # sqrt(((-.2)^2 + 0 + .2^2) / (3 - 1))
    assert (row.n_ok, row.n_failed, row.n_missing) == (3, 0, 0)
    assert row.time_s == pytest.approx(2.0) and row.peak_rss_mb == 300
    assert table.seeds == [0, 1, 2]


def test_failed_and_missing_cells_are_counted_not_averaged():
    records = [
        *(make_record(method="full", seed=s, metrics={"acc": 0.6}) for s in range(3)),
        make_record(method="partial", seed=0, metrics={"acc": 0.9}),
        make_record(method="partial", seed=1, status="failed"),
    ]
    [table] = build(records)
    partial = _row(table, "partial")
    assert (partial.n_ok, partial.n_failed, partial.n_missing) == (1, 1, 1)
    assert partial.stats["acc"] == (0.9, pytest.approx(math.nan, nan_ok=True))
    assert not partial.complete
    # 0.9 beats 0.6, but over one seed of three: ranked after the complete row
    assert [r.method for r in table.rows] == ["full", "partial"]
    assert "1/3 (1 failed, 1 missing)" == columns.seeds_text(partial, table)


def test_rank_follows_the_primary_metric_direction():
    lower = [{"name": "rmse", "direction": "lower", "unit": "px"}]
    records = []
    for method, value in [("x", 3.0), ("y", 1.0), ("z", 2.0)]:
        record = make_record(method=method, metrics={"rmse": value})
        record["metric_info"] = lower
        records.append(record)
    [table] = build(records)
    assert [r.method for r in table.rows] == ["y", "z", "x"]


def test_a_tie_on_the_primary_metric_goes_to_the_next_metric():
    """Every close fraction 0 (pyloric at a laptop budget): the valid fraction decides, not the kind."""
    records = [make_record(method=m, kind=k, metrics={"close": 0.0, "valid": v})
               for m, k, v in [("model", "model", 0.02), ("abc", "baseline", 1.0), ("prior", "control", 0.005)]]
    [table] = build(records)
    assert [r.method for r in table.rows] == ["abc", "model", "prior"]
    even = [make_record(method=m, kind=k, metrics={"close": 0.0, "valid": 0.5})
            for m, k in [("abc", "baseline"), ("model", "model")]]
    assert [r.method for r in build(even)[0].rows] == ["model", "abc"]  # all equal: the model first


def test_only_the_newest_task_version_is_shown_and_tables_split_by_size():
    records = [make_record(method="a", version=1, metrics={"acc": 0.1}),
               make_record(method="a", version=2, metrics={"acc": 0.8}),
               make_record(method="a", version=2, size="full", metrics={"acc": 0.9})]
    tables = build(records)
    assert [(t.size, t.version) for t in tables] == [("full", 2), ("smoke", 2)]
    assert _row(tables[1], "a").stats["acc"][0] == 0.8


def test_rows_differing_in_options_are_kept_apart_and_labelled():
    records = [make_record(method="a", options={"k": 1, "same": 0}, metrics={"acc": 0.1}),
               make_record(method="a", options={"k": 2, "same": 0}, metrics={"acc": 0.2})]
    [table] = build(records)
    assert sorted(r.options for r in table.rows) == ["k=1", "k=2"]


def test_published_and_recorded_rows_stand_beside_runs(tmp_path):
    (tmp_path / "published").mkdir()
    (tmp_path / "published" / "t.csv").write_text(
        "size,method,metric,mean,std,n,citation,note,dataset\n"
        "smoke,paper-net,acc,0.95,0.01,10,Doe 2020,Table 2,data\n"
        "*,humans,acc,0.99,,,Roe 2019,any size,data\n"
        "smoke,bad,acc,,,,x,,data\n")
    (tmp_path / "published" / "u.csv").write_text(
        "size,method,metric,mean,std,n,citation,note,setting,dataset\n"
        "smoke,net,acc,0.8,,,Doe 2020,,cortex,data\n"
        "smoke,net,acc,0.7,,,Doe 2020,,retina,data\n")
    published, warnings = read_published(tmp_path)
    assert len(published) == 4 and "t.csv:4: mean is empty" in warnings[0]
    [other] = build([make_record(task="u", method="a")], published)
    assert sorted((r.stats["acc"][0], r.note) for r in other.rows if r.source == "published") == [
        (0.7, "retina"), (0.8, "cortex")]  # one row per setting, not one merged row
    recorded = [make_record(method="a", metrics={"acc": 0.4})]
    [table] = build([make_record(method="a", metrics={"acc": 0.5})], published, recorded)
    # the method run and recorded is one row, the recorded value beside its own, flagged: 0.5 is off 0.4 by > 1 %
    assert {(r.method, r.source) for r in table.rows} == {
        ("a", "run"), ("paper-net", "published"), ("humans", "published")}
    assert _row(table, "a", "run").recorded[0] == 0.4 and _row(table, "a", "run").recorded_differs
    assert _row(table, "paper-net", "published").citation == "Doe 2020"
    markdown = render.to_markdown([table])
    assert "| 1 | a | model | run | 0.5 |" in markdown and "Doe 2020" in markdown


def test_renderers_agree_on_the_numbers(tmp_path):
    figure = tmp_path / "f.png"
    figure.write_bytes(b"\x89PNG fake")
    record = make_record(method="a", metrics={"acc": 0.25})
    record["figure"], record["_path"] = "f.png", str(tmp_path / "r.json")
    tables = build([record, make_record(method="a", seed=1, metrics={"acc": 0.75})])
    rows = list(csv.DictReader(io.StringIO(render.to_csv(tables))))
    assert float(rows[0]["acc_mean"]) == 0.5 and rows[0]["n_ok"] == "2" and rows[0]["rank"] == "1"
    page = report.page(tables)
    assert "0.5 ± 0.35" in page and "data:image/png;base64," in page
    assert "0.5 ± 0.35" in render.to_markdown(tables)


def test_compare_flags_changes_larger_than_the_spread():
    def runs(values, method="a"):
        return [make_record(method=method, seed=s, metrics={"acc": v}) for s, v in enumerate(values)]

    before = build(runs([0.50, 0.52, 0.48]) + runs([0.7], "b") + runs([0.3, 0.3], "c") + runs([0.2, 0.4], "d"))
    after = build(runs([0.80, 0.82, 0.78]) + runs([0.6], "b") + runs([0.31, 0.29], "c") + runs([0.1], "new")
                  + runs([0.0], "d"))
    verdicts = {c.method: c.verdict for c in compare(before, after)}
    assert verdicts == {"a": "better", "b": "no spread (1 seed)", "c": "within spread", "new": "only in B",
                        "d": "worse"}  # d: |0.0 - 0.3| > sqrt(2) * 0.1414 (one seed borrows the other's sd)
    change = next(c for c in compare(before, after) if c.method == "a")
    assert change.delta == pytest.approx(0.3) and change.spread == pytest.approx(math.sqrt(2) * 0.02)


def _items(values, direction="higher"):
    from benchmarks.task import Direction, Items

    return Items(values, Direction(direction), "item")


def test_mcnemar_and_wilcoxon_by_hand():
    from benchmarks.results.pairs import mcnemar, wilcoxon

    a = np.array([True] * 10 + [False] * 2 + [True] * 5)
    b = np.array([False] * 10 + [True] * 2 + [True] * 5)
    p, only_a, only_b = mcnemar(a, b)
    assert (only_a, only_b) == (10, 2)
    assert p == pytest.approx(2 * sum(math.comb(12, k) for k in range(3)) / 2**12)  # two-sided binomial, 0.0386
    assert mcnemar(a, a) == (1.0, 0, 0)
    p, median, used = wilcoxon(np.array([1.0, 2, 3, 4, 5, np.nan]), np.zeros(6))
    assert used == 5 and median == 3.0
    assert p == pytest.approx(2 / 2**5)  # all five differences positive: exact two-sided p = 2 / 32
    assert wilcoxon(np.ones(3), np.ones(3))[0] == 1.0


def test_items_survive_the_record_exactly():
    from benchmarks.records.items import decode_items, encode_items

    for values in ([True, False, True] * 7, [0.5, np.nan, -2.25]):
        items = _items(values)
        back = decode_items(encode_items(items))
        assert np.array_equal(back.values, items.values, equal_nan=True) and back.binary == items.binary
    with pytest.raises(ValueError, match="malformed"):
        decode_items({"kind": "binary", "n": 3})


def test_declared_pairs_are_tested_on_cells_of_the_same_data():
    right = [True] * 40
    better = _items(right)
    worse = _items([True] * 20 + [False] * 20)
    pairs = [["with_sq", "without"]]
    records = [make_record(method="with_sq", seed=s, metrics={"acc": 1.0}, items=better, pairs=pairs) for s in (0, 1)]
    records += [make_record(method="without", seed=s, metrics={"acc": 0.5}, items=worse, pairs=pairs, kind="baseline")
                for s in (0, 1)]
    [table] = build(records)
    [test] = table.tests
    assert (test.method, test.other, test.test, test.n_items, test.n_seeds) == ("with_sq", "without", "McNemar", 80, 2)
    assert test.verdict == "better" and test.p_value < 1e-4
    assert _row(table, "with_sq").paired.startswith("vs without: better, p=<1e-4 (McNemar, 80 items, 2 seeds")
    assert _row(table, "without").paired == ""
    # cells on other data (another data hash) do not pair
    other = [make_record(method="without", seed=s, items=worse, pairs=pairs, data_hash="d1", kind="baseline")
             for s in (0, 1)]
    [table] = build(records[:2] + other)
    assert table.tests == []


def test_by_default_each_model_is_tested_against_the_best_baseline():
    errors = np.linspace(1, 2, 12)
    records = [
        make_record(method="model", metrics={"acc": 0.9}, items=_items(errors, "lower")),
        make_record(method="good", kind="baseline", metrics={"acc": 0.8}, items=_items(errors + 1, "lower")),
        make_record(method="poor", kind="baseline", metrics={"acc": 0.1}, items=_items(errors - 1, "lower")),
    ]
    [table] = build(records)
    [test] = table.tests
    assert (test.other, test.test, test.verdict) == ("good", "Wilcoxon", "better")  # lower errors than the best baseline
    text = render.to_markdown([table])
    assert "paired test" in text and "vs good: better" in text


def test_compare_tests_b_against_a_on_the_same_items():
    before = [make_record(method="m", metrics={"acc": 0.5}, items=_items([True] * 10 + [False] * 30))]
    after = [make_record(method="m", metrics={"acc": 0.9}, items=_items([True] * 36 + [False] * 4))]
    changes = compare(build(before), build(after), before, after)
    [change] = [c for c in changes if c.metric == "acc"]
    assert change.verdict == "no spread (1 seed)"  # one seed: the means alone cannot tell
    assert change.paired.startswith("B vs A: better, p=<1e-4 (McNemar, 40 items")
