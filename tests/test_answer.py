"""The answer sentence and the compact terminal table: cases whose words and numbers are known by hand, and the
recorded reference runs read in a 100-column terminal."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest
from record_factory import make_record
from rich.console import Console

from benchmarks.contract.registry import discover
from benchmarks.results import render
from benchmarks.results.baselines import PublishedValue
from benchmarks.results.leaderboard import build, differs
from benchmarks.task import Direction, Items, Topline

PAIRS = [["net", "svm"]]


def _items(right: int, n: int = 40) -> Items:
    return Items([True] * right + [False] * (n - right), Direction.HIGHER, "fragment")


def _three(net=0.9, svm=0.6, ctrl=0.2, net_right=38, svm_right=24, **kwargs):
    """A model, a baseline and a control of one table, with right/wrong items for the declared pair."""
    return [make_record(method="net", metrics={"acc": net, **kwargs.get("net_extra", {})}, items=_items(net_right),
                        pairs=PAIRS),
            make_record(method="svm", kind="baseline", metrics={"acc": svm, **kwargs.get("svm_extra", {})},
                        items=_items(svm_right), pairs=PAIRS),
            make_record(method="ctrl", kind="control", metrics={"acc": ctrl, **kwargs.get("ctrl_extra", {})})]


def _task(**changes):
    """The toy task's declaration with its name and metrics changed to those of the records made here."""
    from benchmarks.task import Metric

    toy = discover().get("toy")
    metrics = (Metric("acc", Direction.HIGHER, ideal=1.0), Metric("f1", Direction.HIGHER))
    return dataclasses.replace(toy, name="t", metrics=metrics, **changes)


def test_the_model_beats_baseline_and_control_and_the_paired_test_says_so(toy_tasks):
    [table] = build(_three(), tasks={"t": _task()})
    assert table.answer.startswith("On acc, net (0.900) beats svm (0.600) and ctrl (0.200); the paired test says "
                                   "so (McNemar, p = ")
    assert "40 items)" in table.answer and table.answer.endswith("Smoke is a pipeline check: no published number "
                                                                 "compares with it.")


def test_a_model_that_loses_names_the_metrics_it_wins_and_the_tasks_note(toy_tasks):
    task = _task(headline=("f1",), answer_note="The paper claims f1, not acc")
    records = _three(net=0.5, svm=0.6, net_right=20, svm_right=24, net_extra={"f1": 0.8}, svm_extra={"f1": 0.7},
                     ctrl_extra={"f1": 0.1})
    [table] = build(records, tasks={"t": task})
    assert "net (0.500) beats ctrl (0.200) but does not beat svm (0.600); the paired test finds no clear " \
           "difference" in table.answer
    assert "net is better on f1 (0.800 vs 0.700). The paper claims f1, not acc." in table.answer


def test_a_primary_that_ties_everywhere_gives_way_to_the_tasks_fallback(toy_tasks):
    task = _task(fallback_metric="f1")
    records = _three(net=0.0, svm=0.0, ctrl=0.0, net_extra={"f1": 0.3}, svm_extra={"f1": 0.9}, ctrl_extra={"f1": 0.5})
    [table] = build(records, tasks={"t": task})
    assert table.rank_by == "f1" and [row.method for row in table.rows] == ["svm", "ctrl", "net"]
    # the model leads the sentence; its items (right/wrong on acc) favour it, against what f1 says
    assert table.answer.startswith("Every method has acc 0, so it cannot rank them: the table ranks by f1, the "
                                   "task's fallback. On f1, net (0.300) does not beat svm (0.900) and ctrl (0.500); "
                                   "the paired test says the opposite (McNemar")
    # without a declared fallback the next metric that separates the rows ranks them, and the answer says so
    [table] = build(records, tasks={"t": _task()})
    assert table.rank_by == "f1" and "the next metric that separates them" in table.answer


def test_the_topline_is_a_published_row_or_said_in_words_with_its_data(toy_tasks):
    published = [PublishedValue("t", "*", "paper-net", "acc", 0.95, math.nan, None, "Doe 2020", "", "", "data")]
    [table] = build(_three(), published, tasks={"t": _task()})
    assert table.answer.endswith("Published on this data set and protocol, the best is paper-net (0.950).")
    records = [dict(record, size="default") for record in _three()]
    checklist = dataclasses.replace(_task().checklist, toplines=(
        Topline("Doe et al.: 0.95 accuracy (a long citation)", "published", "other_data", "all frames, on a GPU",
                short="Doe's 0.95"),))
    [table] = build(records, tasks={"t": _task(checklist=checklist)})
    assert table.answer.endswith("No published number on this data set and protocol; the nearest, Doe's 0.95, was "
                                 "measured on data set other_data (all frames, on a GPU).")
    user = [dict(record, size="default", dataset="user:0123abcd") for record in _three()]
    [table] = build(user, published, tasks={"t": _task()})
    assert table.answer.endswith("These runs are on your data (user:0123abcd): no published numbers apply.")


def test_rows_of_no_known_kind_give_no_answer_and_no_error():
    [table] = build([make_record(method="a", kind="", metrics={"acc": 0.5})])
    assert table.answer == "" and table.rows[0].method == "a"


def test_a_run_and_its_recorded_run_are_one_row_flagged_beyond_two_std_or_one_percent():
    assert not differs((0.500, math.nan), (0.504, math.nan))  # within 1 %
    assert differs((0.500, math.nan), (0.510, math.nan))
    assert not differs((0.50, 0.02), (0.53, math.nan))  # within 2 std of the run
    assert differs((0.50, 0.01), (0.53, 0.01)) and differs((0.5, math.nan), (math.nan, math.nan))
    recorded = [make_record(method="net", metrics={"acc": 0.91}), make_record(method="old", metrics={"acc": 0.3})]
    [table] = build([make_record(method="net", metrics={"acc": 0.9})], recorded=recorded)
    assert [(row.method, row.source) for row in table.rows] == [("net", "run"), ("old", "recorded")]
    assert table.rows[0].recorded == (0.91, pytest.approx(math.nan, nan_ok=True)) and table.rows[0].recorded_differs


def _printed(tables, width=100) -> list[str]:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    render.to_terminal(tables, console)
    return console.export_text().splitlines()


def test_the_recorded_runs_read_in_a_100_column_terminal_answer_first_without_a_wrapped_cell():
    """The leaderboard a user opens first: every task's tables, each cell whole on its line at 100 columns."""
    from benchmarks.records.store import read_records
    from benchmarks.results import baselines

    folder = baselines.default_folder()
    records, _ = read_records(folder / "recorded")
    published, _ = baselines.read_published(folder)
    tables = build(records, published, tasks=discover().tasks)
    assert {table.task for table in tables} >= {"latin", "pose", "single_cell", "pyloric", "two_moons"}
    lines = _printed(tables)
    assert max(map(len, lines)) <= 100
    assert not any("…" in line for line in lines)  # rich marks a cut cell with an ellipsis
    for table in tables:
        heading = next(i for i, line in enumerate(lines) if line.startswith(f"{table.task} · {table.size} · "))
        assert table.answer and lines[heading + 1].startswith("On ") or lines[heading + 1].startswith("Every method")
        header = next(line for line in lines[heading:] if re.match(r"#\s+method", line))
        assert table.ranking.name in header  # the metric that ranks is always shown
        best = next(row for row in table.rows if row.source != "published")
        assert any(line.split()[1:2] == [best.method] for line in lines[heading:heading + 40])
    assert len(lines) < 20 * len(tables)  # was 1,267 lines for the default size alone


def test_a_narrow_terminal_drops_headline_metrics_before_cutting_a_cell(toy_tasks):
    records = _three(net_extra={"f1": 0.8}, svm_extra={"f1": 0.7}, ctrl_extra={"f1": 0.1})
    [table] = build(records, tasks={"t": _task(headline=("f1",))})
    wide, narrow = _printed([table], 120), _printed([table], 60)
    assert any("f1 ↑" in line for line in wide) and not any("f1 ↑" in line for line in narrow)
    assert any(re.match(r"#\s+method", line) and "acc ↑" in line for line in narrow)
