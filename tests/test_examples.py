"""Each method of examples/ runs at smoke size from the command line, and the Python API finds the same cell:
one smoke run per example, shared by both (the API skips the cell the command line wrote)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import benchmarks

ROOT = Path(__file__).resolve().parents[1]
#: example -> the task it is run on (the SBI example serves the three SBI tasks alike)
EXAMPLES = {
    "sbi_npe_maf.py:npe_maf": "two_moons",
    "pyloric_npe_maf.py:npe_maf": "pyloric",
    "single_cell_isomap.py:isomap": "single_cell",
    "latin_logistic.py:logistic_regression": "latin",
    "pose_knn.py:knn_hog": "pose",
}


def test_every_example_is_run_by_this_test():
    files = {path.name for path in (ROOT / "examples").glob("*.py")}
    assert files == {example.partition(":")[0] for example in EXAMPLES}


@pytest.mark.slow
@pytest.mark.parametrize("example", sorted(EXAMPLES), ids=lambda e: e.partition(":")[0])
def test_an_example_runs_from_the_command_line_and_the_api_reads_the_same_cell(example, tmp_path):
    task, ref = EXAMPLES[example], f"{ROOT / 'examples'}/{example}"
    results = tmp_path / "results"
    run = subprocess.run([sys.executable, "-m", "benchmarks", "run", "--task", task, "--size", "smoke",
                          "--method", ref, "--results", str(results)], cwd=tmp_path, capture_output=True, text=True,
                         timeout=600, env={**os.environ, "COLUMNS": "200"})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    [path] = results.rglob("seed0-*.json")
    record = json.loads(path.read_text())
    name = example.partition(":")[2]
    assert (record["method"], record["status"], record["method_origin"]) == (name, "ok", f"file {ROOT / 'examples' / example.partition(':')[0]}")
    board = subprocess.run([sys.executable, "-m", "benchmarks", "leaderboard", "--results", str(results), "--format",
                            "csv"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    methods = {row["method"] for row in csv.DictReader(io.StringIO(board.stdout)) if row["task"] == task}
    assert name in methods and len(methods) > 1, board.stdout[:2000]  # beside the suite's recorded smoke rows
    frame = benchmarks.load_task(task).run(ref, size="smoke", results=results)
    assert list(frame["run_id"]) == [record["run_id"]]  # the same cell: skipped, not run again
    primary = record["metric_info"][0]["name"]
    assert frame[f"metric:{primary}"].iloc[0] == pytest.approx(record["metrics"][primary], nan_ok=True)
