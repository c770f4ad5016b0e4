"""Time and peak memory of each stage of a single_cell cell on many synthetic cells: simulation, preprocessing,
the model's large-data recipe (subsample t-SNE, placement, t-SNE of all cells) and every metric. A measurement,
not a target (``BENCHMARKS_SC_CELLS=1000000`` on 2 cores: 68 min, 10.1 GiB; see the task's README).

Small by default (4,000 cells, the large-data recipe forced from 2,000 with a 1,000-cell subsample, so every
stage runs); ``BENCHMARKS_SC_CELLS=N`` measures N cells with the task's own thresholds (large-data recipe above
50,000 cells), ``BENCHMARKS_SC_JOBS`` sets openTSNE's threads (default 2).
"""

from __future__ import annotations

import contextlib
import os
import time

import numpy as np

from benchmarks.running import measure

N_CELLS = int(os.environ.get("BENCHMARKS_SC_CELLS", 4_000))
SMALL = "BENCHMARKS_SC_CELLS" not in os.environ
N_JOBS = int(os.environ.get("BENCHMARKS_SC_JOBS", 2))


def test_stages_time_and_peak_memory(benchmark):
    from benchmarks.tasks.single_cell import methods, metrics, preprocess
    from benchmarks.tasks.single_cell.data import N_PCS, from_labels
    from benchmarks.tasks.single_cell.splat import simulate

    table: dict[str, tuple[float, float]] = {}

    @contextlib.contextmanager
    def stage(name):
        measure.reset_peak_rss()
        started = time.perf_counter()
        yield
        table[name] = (time.perf_counter() - started, measure.peak_rss_mb())

    def run():
        with stage("simulate counts"):
            simulated = simulate(N_CELLS, seed=0)
        counts, labels = simulated.counts, simulated.labels
        del simulated  # the counts are freed after preprocessing, as the task's load frees them
        with stage("preprocess (genes, log, PCA)"):
            pcs = preprocess.preprocess_counts(counts, n_genes=1_000, n_components=N_PCS)
        del counts
        data = from_labels(pcs, labels, "synthetic")
        options = {"large_n": 2_000, "subsample": 1_000} if SMALL else {}
        embedding = methods.kobak_berens_tsne(np.array(data.pcs), 0, N_JOBS, stage=lambda name: stage("model: " + name),
                                              **options)
        X = np.asarray(data.pcs)
        with stage("metric: knn (10,000 queries)"):
            metrics.knn(X, embedding, metrics.KNN_K, metrics.KNN_QUERIES)
        with stage("metrics: knc, cpd"):
            metrics.knc(X, embedding, data.labels)
            metrics.cpd(X, embedding, metrics.CPD_CELLS)
        with stage("metrics: co-ranking, density (5,000 cells)"):
            metrics.open_problems_metrics(X, embedding)
        return embedding

    embedding = benchmark.pedantic(run, rounds=1, iterations=1)
    assert embedding.shape == (N_CELLS, 2) and np.all(np.isfinite(embedding))
    load = os.getloadavg()[0]
    lines = [f"{N_CELLS:,} cells, openTSNE n_jobs={N_JOBS}, load average {load:.1f} on {os.cpu_count()} cores"]
    lines += [f"  {name:46s} {seconds:8.1f} s  peak RSS {peak:8.0f} MiB" for name, (seconds, peak) in table.items()]
    lines.append(f"  {'total':46s} {sum(s for s, _ in table.values()):8.1f} s")
    print("\n" + "\n".join(lines))
    benchmark.extra_info.update({"n_cells": N_CELLS, "n_jobs": N_JOBS, "load": load,
                                 "stages": {name: {"seconds": s, "peak_rss_mib": m} for name, (s, m) in table.items()}})
