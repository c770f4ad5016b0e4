"""The HTML report: cross-task scores and the overview's scaling by hand, the charts, the page's parts, and the page
opened in headless Chromium at a desktop's and a phone's width (screenshots kept in build/screenshots/)."""

from __future__ import annotations

import base64
import html
import json
import math
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from record_factory import make_record

from benchmarks.cli.app import main
from benchmarks.results import charts, frame_of, report, summary
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


def test_the_page_opens_on_the_overview_then_one_section_per_task():
    records = _records()
    page = report.page(build(records), frame_of(records), heading="Report")
    assert page.count('<section class="task"') == 2 and "<h2>Across tasks</h2>" in page
    assert '<figure class="overview">' in page and "<summary>Ranks and scores per table</summary>" in page
    assert "alpha · smoke (data data" in page and "beta · smoke (data data" in page
    assert page.count("<summary>All metrics and notes</summary>") == 2
    assert page.count("data:image/png;base64,") == 3  # the overview, one time chart per table (no figures here)
    assert "score = (value − control) / (best − control)" in page
    assert page.index('<figure class="overview">') < page.index("<nav>") < page.index('<section class="task"')
    assert "http://" not in page and "https://" not in page  # nothing fetched at view time


def test_a_task_section_reads_answer_figures_compact_table_then_the_folded_details(tmp_path):
    figure = tmp_path / "net.png"
    figure.write_bytes(base64.b64decode(charts.overview(build(_records()))))  # any PNG
    records = _records()
    tables = build(records)
    alpha = next(t for t in tables if t.task == "alpha")
    alpha.answer = "On acc, net (0.6) beats svm (0.4)."
    for row in alpha.rows:
        row.figure = str(figure) if row.method in ("net", "svm") else None
    page = report.page(tables, frame_of(records), heading="Report")
    section = page[page.index('<section class="task" id="t-alpha"'):page.index('<section class="task" id="t-beta"')]
    order = ['<p class="answer">On acc, net (0.6) beats svm (0.4).</p>', "<figcaption>best model: net",
             "<figcaption>best baseline: svm", "<table class='compact'>", "<summary>All metrics and notes</summary>",
             "<table class='full'>"]
    positions = [section.index(text) for text in order]
    assert positions == sorted(positions)
    assert section.index("<table class='full'>") < section.index("</details>")


def test_other_sizes_of_a_task_are_folded_below_its_default_table():
    records = _records() + [make_record(task="alpha", method="net", kind="model", metrics={"acc": 0.5}, size="default")]
    page = report.page(build(records), None, heading="Report")
    assert page.count('<section class="task"') == 2
    section = page[page.index('id="t-alpha"'):page.index('id="t-beta"')]
    assert section.index("alpha · default (") < section.index("<summary>alpha · smoke (")


def test_method_names_and_notes_stay_inert():
    records = [make_record(task="alpha", method="<script>alert(1)</script>", kind="model", metrics={"acc": 0.9}),
               make_record(task="alpha", method="ctrl", kind="control", metrics={"acc": 0.1})]
    published = [PublishedValue("alpha", "*", "<img src=x onerror=alert(2)>", "acc", 0.5, math.nan, None,
                                "<b>Doe</b>", "<script>alert(3)</script>", "", "data")]
    page = report.page(build(records, published), frame_of(records), heading="<i>Report</i>")
    assert "<script" not in page and "<img src=x" not in page and "<b>Doe" not in page and "<i>Report" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_each_task_opens_with_its_checklist_once():
    from benchmarks.task import Checklist, Topline

    records = _records() + [make_record(task="alpha", method="net", kind="model", metrics={"acc": 0.5}, size="full")]
    checklist = Checklist("Can <alpha> be told?", "images, 2 labels", "accuracy", "an SVM", (
        Topline("a human: 0.95", "human", "data", "one annotator"),))
    page = report.page(build(records), None, heading="Report", checklists={"alpha": checklist})
    assert page.count("<dl class='checklist'>") == 1  # alpha's first table only; beta declares none
    assert "Can &lt;alpha&gt; be told?" in page and "a human: 0.95" in page and "one annotator" in page


def _tasks(ideal):
    from benchmarks.contract.task import Direction, Metric

    return {"alpha": SimpleNamespace(metrics=(Metric("acc", Direction.HIGHER, ideal=ideal),), budgets={})}


def test_the_overview_scales_each_task_from_its_control_to_the_ideal():
    published = [PublishedValue("alpha", "*", "paper", "acc", 0.8, math.nan, None, "Doe 2020", "", "", "data")]
    tables = build(_records(), published)
    lines = {line.task: line for line in charts.overview_points(tables, _tasks(1.0))}
    alpha = {m.role: m for m in lines["alpha"].markers}
    assert alpha["control"].scaled == pytest.approx(0.0) and alpha["control"].method == "ctrl"
    assert alpha["model"].scaled == pytest.approx(0.5) and alpha["model"].value == pytest.approx(0.6)  # (0.6-0.2)/(1-0.2)
    assert alpha["baseline"].scaled == pytest.approx(0.25) and alpha["published"].scaled == pytest.approx(0.75)
    assert lines["alpha"].one_is_ideal and not lines["beta"].one_is_ideal  # beta's task declares no ideal
    assert {m.role: m.scaled for m in lines["beta"].markers} == pytest.approx({"control": 0.0, "model": 1.0})
    lower = charts.overview_points(build([make_record(task="alpha", method="c", kind="control", metrics={"acc": 0.9}),
                                          make_record(task="alpha", method="m", metrics={"acc": 0.6})]),
                                   _tasks(0.5))  # a metric whose ideal is below the control (C2ST)
    assert {m.role: m.scaled for m in lower[0].markers} == pytest.approx({"control": 0.0, "model": 0.75})


def test_the_overview_takes_each_tasks_default_table_and_skips_tasks_without_a_control():
    records = _records() + [make_record(task="alpha", method="ctrl", kind="control", metrics={"acc": 0.1}, size="full"),
                            make_record(task="alpha", method="net", kind="model", metrics={"acc": 0.3}, size="full"),
                            make_record(task="gamma", method="net", metrics={"acc": 0.3})]
    lines = charts.overview_points(build(records), _tasks(1.0))
    assert [(line.task, line.size) for line in lines] == [("alpha", "full"), ("beta", "smoke")]
    default = records + [make_record(task="alpha", method="ctrl", kind="control", metrics={"acc": 0.1}, size="default")]
    assert charts.overview_points(build(default), _tasks(1.0))[0].size == "default"


def _is_png(text):
    return text is not None and base64.b64decode(text)[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_charts_are_pngs_and_none_without_data():
    records = _records()
    tables = build(records)
    assert _is_png(charts.overview(tables, _tasks(1.0))) and charts.overview([]) is None
    assert charts.overview(build([make_record(method="m")])) is None  # no control: nothing to scale
    assert _is_png(charts.time_chart(tables[0], frame_of(records))) and charts.time_chart(tables[0], None) is None
    assert charts.budget_curves(tables, []) is None  # no C2ST


def test_the_budget_curves_place_each_size_at_its_simulations_beside_the_published_ones():
    def c2st(method, size, value, kind="model"):
        return make_record(task="sbi", method=method, kind=kind, size=size, metrics={"c2st": value}, dataset="sbibm/sbi")

    tables = build([c2st("npe", "smoke", 0.8), c2st("npe", "default", 0.7), c2st("prior", "default", 0.99, "control")])
    published = [PublishedValue("sbi", size, "npe", "c2st", value, 0.01, 10, "Lueckmann 2021", "", "", "sbibm/sbi")
                 for size, value in (("1k", 0.72), ("10k", 0.6), ("100k", 0.55), ("full", 0.55))]
    task = SimpleNamespace(budgets={"smoke": SimpleNamespace(num_simulations=400, c2st_samples=400),
                                    "default": SimpleNamespace(num_simulations=1000, c2st_samples=1000),
                                    "1k": SimpleNamespace(num_simulations=1000, c2st_samples=10_000),
                                    "10k": SimpleNamespace(num_simulations=10_000, c2st_samples=10_000),
                                    "100k": SimpleNamespace(num_simulations=100_000, c2st_samples=10_000)})
    ours, theirs = charts.budget_points(tables, published, task)
    assert sorted(ours) == [("npe", "default", 1000, 1000, 0.7), ("npe", "smoke", 400, 400, 0.8),
                            ("prior", "default", 1000, 1000, 0.99)]
    assert sorted((p[2], p[3], p[4]) for p in theirs) == [(1000, 10_000, 0.72), (10_000, 10_000, 0.6),
                                                          (100_000, 10_000, 0.55)]  # full repeats 100k
    assert charts.budget_points(tables, published)[0][0][2] in (500, 1000)  # the SBI family's budgets by default
    assert _is_png(charts.budget_curves(tables, published, task))
    page = report.page(tables, None, heading="SBI", published=published, tasks={"sbi": task})
    assert '<figure class="budget">' in page


def _png_size_and_colours(path):
    """Width, height and the number of colours of the PNG at ``path`` (Chromium's screenshot)."""
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "PNG"
        return image.width, image.height, len(image.convert("RGB").getcolors(1 << 24))


# Measures the page where it runs (appended to a copy's body): elements whose right edge passes the viewport (those
# inside a box that clips or scrolls them excepted), the document's scroll width and whether every image loaded.
MEASURE = """<pre id="measure"></pre><script>
addEventListener('load', function () {
  function clipped(el) {
    for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  }
  var width = window.innerWidth, wide = [];
  document.body.querySelectorAll('*').forEach(function (el) {
    if (el.id === 'measure' || el.tagName === 'SCRIPT') return;
    var box = el.getBoundingClientRect();
    if ((box.width || box.height) && box.right > width + 0.5 && !clipped(el))
      wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' right ' + Math.round(box.right));
  });
  var images = Array.prototype.map.call(document.images, function (img) {
    return {alt: img.alt, loaded: img.complete && img.naturalWidth > 0};
  });
  var result = JSON.stringify({width: width, scrollWidth: document.documentElement.scrollWidth, wide: wide,
                               images: images});
  document.getElementById('measure').textContent = result;
  if (parent !== window) parent.postMessage(result, '*');
});
</script>"""


def open_in_chromium(page, width, height, screenshot):
    """Open the report ``page`` (a file) in headless Chromium at ``width`` x ``height`` CSS pixels: a screenshot
    to ``screenshot`` and the measurements of :data:`MEASURE`. The page is shown in an iframe of that size:
    headless Chromium lays a window out at least 500 pixels wide, so a phone's 390 needs a frame."""
    measured = page.with_name(page.stem + "-measured.html")
    measured.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    frame = page.with_name(f"{page.stem}-{width}.html")
    frame.write_text(f'<!doctype html><html><body style="margin:0"><iframe src="{measured.as_uri()}" width="{width}" '
                     f'height="{height}" style="border:0;display:block"></iframe><pre id="measure"></pre><script>'
                     'addEventListener("message", function (e) {document.getElementById("measure").textContent = '
                     "e.data;});</script></body></html>", encoding="utf-8")
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--window-size={width},{height}",
             "--virtual-time-budget=5000"]
    subprocess.run([*flags, f"--screenshot={screenshot}", frame.as_uri()], check=True, capture_output=True, timeout=120)
    dom = subprocess.run([*flags, "--dump-dom", frame.as_uri()], check=True, capture_output=True, text=True,
                         timeout=120).stdout
    found = re.search(r'<pre id="measure">(.*?)</pre>', dom, re.S)
    assert found and found.group(1), "the measuring script did not report"
    return json.loads(html.unescape(found.group(1)))


SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


def _check_in_chromium(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1400, 390):
        shot = SCREENSHOTS / f"{name}-{width}.png"
        measured = open_in_chromium(page, width, 2400, shot)
        assert measured["width"] == width
        assert measured["wide"] == [] and measured["scrollWidth"] <= width, (width, measured["wide"][:10])
        assert measured["images"] and all(image["loaded"] for image in measured["images"]), measured["images"]
        assert _png_size_and_colours(shot)[:2] == (width, 2400) and _png_size_and_colours(shot)[2] > 10
    return measured


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium; .ci/run does)")
def test_the_report_opens_in_headless_chromium_fits_a_phone_and_loads_every_image(toy_tasks, results, tmp_path,
                                                                                  monkeypatch, capsys):
    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path / "cache"))
    assert main(["run", "--task", "toy", "--method", "zero", "--method", "mean", "--size", "smoke",
                 "--results", str(results)]) == 0
    # a second task, from records written by hand beside the toy's
    from benchmarks.records.store import write_json_atomic

    for record in _records():
        write_json_atomic(results / record["task"] / f"{record['method']}.json", record)
    page = tmp_path / "report.html"
    assert main(["leaderboard", "--results", str(results), "--format", "html", "--out", str(page)]) == 0
    measured = _check_in_chromium(page, "report-toy")
    assert len(measured["images"]) >= 5  # the overview, the toy's two figures, three time charts
    text = page.read_text(encoding="utf-8")
    for task in ("toy", "alpha", "beta"):
        assert f'<section class="task" id="t-{task}"><h2>{task}</h2>' in text, task


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium; .ci/run does)")
def test_the_report_of_the_recorded_runs_fits_a_phone_and_loads_every_image(tmp_path, monkeypatch):
    """The report users open first: every recorded run of the suite, beside the published numbers."""
    monkeypatch.delenv("BENCHMARKS_BASELINES", raising=False)
    baselines = Path(__file__).resolve().parents[1] / "baselines"
    page = tmp_path / "report.html"
    assert main(["leaderboard", "--results", str(baselines / "recorded"), "--format", "html", "--out", str(page)]) == 0
    measured = _check_in_chromium(page, "report")
    text = page.read_text(encoding="utf-8")
    assert text.count('<section class="task"') == 7 and '<figure class="overview">' in text
    assert text.count('<figure class="budget">') == 3  # two_moons, slcp, gaussian_linear
    assert len(measured["images"]) > 20
