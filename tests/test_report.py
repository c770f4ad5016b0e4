"""The HTML report: cross-task scores by hand, the page's parts, and the page opened in headless Chromium."""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
import zlib

import pytest
from record_factory import make_record

from benchmarks.cli.app import main
from benchmarks.results import frame_of, report, summary
from benchmarks.results.baselines import PublishedValue
from benchmarks.results.leaderboard import build

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser") if shutil.which(name)), None)


def _records():
    def record(task, method, kind, value, wall=1.0):
        return make_record(task=task, method=method, kind=kind, metrics={"acc": value}, wall=wall)

    return [record("alpha", "ctrl", "control", 0.2), record("alpha", "net", "model", 0.6, wall=5.0),
            record("alpha", "svm", "baseline", 0.4, wall=2.0),
            record("beta", "ctrl", "control", 0.5), record("beta", "net", "model", 0.7, wall=9.0)]


def test_scores_run_from_the_control_to_the_best_row_published_rows_included():
    published = [PublishedValue("alpha", "*", "paper", "acc", 1.0, math.nan, None, "Doe 2020", "", "", "data")]
    tables = build(_records(), published)
    scores = {(s.table, s.method): s for s in summary.scores(tables)}
    alpha = "alpha · smoke · data"
    assert scores[(alpha, "ctrl")].score == pytest.approx(0.0)
    assert scores[(alpha, "net")].score == pytest.approx((0.6 - 0.2) / (1.0 - 0.2))  # the paper is the best
    assert scores[(alpha, "svm")].score == pytest.approx(0.25) and scores[(alpha, "net")].rank == 1
    assert scores[("beta · smoke · data", "net")].score == pytest.approx(1.0)
    means = summary.mean_scores(summary.scores(tables))
    assert means["net"][0] == pytest.approx((0.5 + 1.0) / 2)
    assert math.isnan(means["svm"][0]) and means["svm"][1] == ["beta · smoke · data"]  # never averaged over a gap


def test_a_table_without_a_control_gives_no_scores():
    tables = build([make_record(task="t", method="a", metrics={"acc": 0.4})])
    [score] = summary.scores(tables)
    assert score.rank == 1 and math.isnan(score.score)


def test_the_page_holds_every_table_its_chart_and_the_rule():
    records = _records()
    page = report.page(build(records), frame_of(records), heading="Report")
    assert page.count('<section class="task"') == 2 and "Summary across tasks" in page
    assert "alpha · smoke (data data" in page and "beta · smoke (data data" in page
    assert page.count("data:image/png;base64,") == 2  # one chart per table (no figures here)
    assert "score = (value − control) / (best − control)" in page
    assert "http://" not in page and "https://" not in page  # nothing fetched at view time


def test_each_task_opens_with_its_checklist_once():
    from benchmarks.task import Checklist, Topline

    records = _records() + [make_record(task="alpha", method="net", kind="model", metrics={"acc": 0.5}, size="full")]
    checklist = Checklist("Can <alpha> be told?", "images, 2 labels", "accuracy", "an SVM", (
        Topline("a human: 0.95", "human", "data", "one annotator"),))
    page = report.page(build(records), None, heading="Report", checklists={"alpha": checklist})
    assert page.count("<dl class='checklist'>") == 1  # alpha's first table only; beta declares none
    assert "Can &lt;alpha&gt; be told?" in page and "a human: 0.95" in page and "one annotator" in page


def _png_size_and_colours(path):
    """Width, height and whether the PNG has more than one colour (chromium writes 8-bit RGBA or RGB)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour_type = struct.unpack(">IIBB", data[16:26])
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"IDAT":
            chunks.append(data[offset + 8:offset + 8 + length])
        offset += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    return width, height, len(set(raw[1:4096:3])) > 2  # filtered bytes of the first rows


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium; .ci/run does)")
def test_the_report_opens_in_headless_chromium_and_shows_every_task(toy_tasks, results, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path / "cache"))
    assert main(["run", "--task", "toy", "--method", "zero", "--method", "mean", "--size", "smoke",
                 "--results", str(results)]) == 0
    # a second task, from records written by hand beside the toy's
    from benchmarks.records.store import write_json_atomic

    for record in _records():
        write_json_atomic(results / record["task"] / f"{record['method']}.json", record)
    page = tmp_path / "report.html"
    assert main(["leaderboard", "--results", str(results), "--format", "html", "--out", str(page)]) == 0
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,2400"]
    shot = tmp_path / "report.png"
    subprocess.run([*flags, f"--screenshot={shot}", page.as_uri()], check=True, capture_output=True, timeout=120)
    width, height, coloured = _png_size_and_colours(shot)
    assert (width, height) == (1280, 2400) and coloured
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], check=True, capture_output=True, text=True,
                         timeout=120).stdout
    for task in ("toy · smoke", "alpha · smoke", "beta · smoke"):
        assert f"<h2>{task} (data" in dom, task
    assert dom.count("<img ") >= 5  # the toy's two figures, three charts
