"""Speed of the single_cell model (openTSNE with the Kobak & Berens recipe) against the baseline (sc.tl.tsne
defaults), and against openTSNE's own defaults, on the same synthetic cells, one thread each. Issue target at
100,000 cells: the model at least 1.5x faster than the baseline and with higher KNN. Smoke-sized (2,000 cells; no
target there) unless BENCHMARKS_PERF_FULL=1 (100,000 cells: about half an hour of CPU for the baseline)."""

from __future__ import annotations

import os
import time

import pytest

FULL = os.environ.get("BENCHMARKS_PERF_FULL") == "1"
SIZE = "full" if FULL else "smoke"
TARGET_SPEED_UP = 1.5


def _context(method: str | None = None):
    from benchmarks.context import make_context
    from benchmarks.tasks.single_cell import TASK

    return make_context(TASK, SIZE, 0, method=method)


@pytest.fixture(scope="module")
def data():
    from benchmarks.tasks.single_cell.data import load

    return load(SIZE, 0, _context())


def test_model_against_baseline_time_and_knn(benchmark, data):
    from benchmarks.tasks.single_cell.methods import baseline_scanpy_tsne, model_opentsne
    from benchmarks.tasks.single_cell.metrics import knn

    started = time.process_time()
    model = benchmark.pedantic(model_opentsne, args=(data, _context("opentsne_kb")),
                               kwargs={"n_jobs": 1, "large_n": 50_000, "late_exaggeration": None},
                               rounds=1, iterations=1)
    model_seconds = time.process_time() - started
    started = time.process_time()
    baseline = baseline_scanpy_tsne(data, _context("scanpy_tsne"), n_jobs=1)
    baseline_seconds = time.process_time() - started
    scores = {"model": knn(data.pcs, model), "baseline": knn(data.pcs, baseline)}
    speed_up = baseline_seconds / model_seconds
    benchmark.extra_info.update({"n_cells": data.n_cells, "model_cpu_s": model_seconds,
                                 "baseline_cpu_s": baseline_seconds, "speed_up": speed_up,
                                 "knn_model": scores["model"], "knn_baseline": scores["baseline"]})
    print(f"\n{data.n_cells:,} cells: model {model_seconds:.1f} s, baseline {baseline_seconds:.1f} s CPU "
          f"(x{speed_up:.2f}); KNN model {scores['model']:.3f}, baseline {scores['baseline']:.3f}")
    if FULL:
        assert speed_up >= TARGET_SPEED_UP
        assert scores["model"] > scores["baseline"]


RECIPE_CELLS = int(os.environ.get("BENCHMARKS_SC_CELLS", 20_000 if FULL else 4_000))
RECIPE_TARGET_COST = 1.5  # issue 17: the recipe at most 1.5x openTSNE's defaults, KNC and CPD higher, KNN within 0.02


def test_recipe_against_opentsne_defaults_side_by_side(benchmark):
    """The Kobak & Berens recipe (the model) and openTSNE's own defaults (perplexity 30, PCA init, learning rate
    n/exaggeration, 250 + 500 iterations) on the same PCs of ``RECIPE_CELLS`` synthetic cells (4,000 by default,
    where n/100 = 40 already adds the second perplexity), one thread each, measured in the same run."""
    import numpy as np
    from openTSNE import TSNE

    from benchmarks.context import make_context
    from benchmarks.tasks.single_cell import TASK
    from benchmarks.tasks.single_cell.data import load
    from benchmarks.tasks.single_cell.methods import kobak_berens_tsne
    from benchmarks.tasks.single_cell.metrics import cpd, knc, knn

    data = load("default", 0, make_context(TASK, "default", 0, {"source": "synthetic", "n_cells": RECIPE_CELLS}))
    pcs = np.array(data.pcs)

    def timed(fn):
        started = time.perf_counter()
        embedding = fn()
        return time.perf_counter() - started, embedding

    recipe_s, recipe = benchmark.pedantic(timed, args=(lambda: kobak_berens_tsne(pcs, 0, 1),), rounds=1, iterations=1)
    default_s, default = timed(lambda: np.asarray(TSNE(n_jobs=1, random_state=0).fit(pcs)))
    scores = {name: {"knn": knn(pcs, Z), "knc": knc(pcs, Z, data.labels), "cpd": cpd(pcs, Z)}
              for name, Z in (("recipe", recipe), ("opentsne_default", default))}
    cost = recipe_s / default_s
    load_now = os.getloadavg()[0]
    benchmark.extra_info.update({"n_cells": RECIPE_CELLS, "recipe_s": recipe_s, "opentsne_default_s": default_s,
                                 "cost_ratio": cost, "scores": scores, "load": load_now})
    print(f"\n{RECIPE_CELLS:,} cells (load {load_now:.1f}): recipe {recipe_s:.1f} s, openTSNE defaults "
          f"{default_s:.1f} s, ratio {cost:.2f}")
    for name, values in scores.items():
        print(f"  {name:18s} " + "  ".join(f"{k} {v:.3f}" for k, v in values.items()))
    if FULL:
        assert cost <= RECIPE_TARGET_COST
        assert scores["recipe"]["knc"] > scores["opentsne_default"]["knc"]
        assert scores["recipe"]["cpd"] > scores["opentsne_default"]["cpd"]
        assert scores["recipe"]["knn"] >= scores["opentsne_default"]["knn"] - 0.02
