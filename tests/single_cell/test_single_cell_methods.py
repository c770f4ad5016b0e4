"""Pieces of the single_cell methods: the paper's recipe settings and its large-data initialisation."""

import numpy as np
import pytest

from benchmarks.context import make_context
from benchmarks.task import resolve
from benchmarks.tasks.single_cell import TASK, methods
from benchmarks.tasks.single_cell.data import from_labels, load
from benchmarks.tasks.single_cell.metrics import knn, open_problems_metrics


def test_recipe_settings_follow_the_paper():
    assert methods.learning_rate(24_000) == pytest.approx(2000.0)  # n/12
    assert methods.learning_rate(700) == 200.0  # never below FIt-SNE's classic rate
    assert methods.multiscale_perplexities(24_000) == (30.0, 240.0)
    assert methods.multiscale_perplexities(2_000) == (30.0,)  # n/100 below 30 adds nothing
    pcs = np.random.default_rng(0).normal(size=(500, 50)) * 7
    init = methods.pca_initialisation(pcs)
    assert init.shape == (500, 2) and np.std(init[:, 0]) == pytest.approx(1e-4)
    np.testing.assert_allclose(init[:, 1] / init[:, 0], pcs[:, 1] / pcs[:, 0])  # PC1-2 up to one scale


def test_cells_are_placed_at_the_median_of_their_nearest_reference_cells():
    reference = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [11.0, 0.0], [12.0, 0.0]])
    positions = np.array([[0.0, 0.0], [2.0, 2.0], [5.0, 5.0], [6.0, 7.0], [9.0, 9.0]])
    query = np.array([[0.4, 0.0], [11.2, 0.0]])
    placed = methods.place_by_neighbours(query, reference, positions, k=3)
    # nearest three of 0.4: reference 0, 1, 2 -> median of (0,0), (2,2), (5,5); of 11.2: 2, 3, 4
    np.testing.assert_allclose(placed, [[2.0, 2.0], [6.0, 7.0]])


def test_large_data_recipe_runs_and_keeps_neighbours():
    data = load("smoke", 0, make_context(TASK, "smoke", 0, {"n_cells": 2500}))
    pcs = np.array(data.pcs)
    embedding = methods.kobak_berens_tsne(pcs, seed=0, large_n=1_000, subsample=800)
    assert embedding.shape == (2500, 2) and np.all(np.isfinite(embedding))
    assert knn(pcs, embedding) > knn(pcs, pcs[:, :2]) + 0.1


def test_model_takes_its_parameters_and_the_contexts_seed():
    data = load("smoke", 0, make_context(TASK, "smoke", 0, {"n_cells": 300}))
    ctx = make_context(TASK, "smoke", 3, {"n_cells": 300}, method="opentsne_kb")
    embedding = methods.model_opentsne(data, ctx, n_jobs=1, large_n=200, late_exaggeration=None)
    # large_n=200 < 300 cells: the large-data recipe, with the context's seed
    expected = methods.kobak_berens_tsne(np.array(data.pcs), seed=3, large_n=200)
    np.testing.assert_array_equal(embedding, expected)


def test_densmap_keeps_relative_density_where_umap_does_not():
    # two clusters of 150 cells, one four times as spread as the other: UMAP draws both alike, densMAP does not
    rng = np.random.default_rng(0)
    pcs = np.vstack([rng.normal(size=(150, 10)), 4 * rng.normal(size=(150, 10)) + 40]).astype(np.float32)
    data = from_labels(pcs, np.repeat(["dense", "sparse"], 150), "two clusters")
    scores = {}
    for name in ("umap", "densmap"):
        embedding = resolve(TASK.method(name).fn)(data, make_context(TASK, "smoke", 0, method=name))
        assert embedding.shape == (300, 2)
        scores[name] = open_problems_metrics(pcs, embedding)["density_preservation"]
    assert scores["densmap"] > scores["umap"] + 0.2


def test_scikit_learn_tsne_refuses_a_size_it_cannot_finish_and_says_why():
    cells = np.zeros((methods.SKLEARN_MAX_CELLS + 1, 2), dtype=np.float32)
    data = from_labels(cells, None, "many cells")
    ctx = make_context(TASK, "full", 0, method="scanpy_tsne")
    with pytest.raises(methods.TooLarge, match=r"not run on 250,001 cells: scikit-learn's Barnes-Hut t-SNE takes"):
        methods.baseline_scanpy_tsne(data, ctx, n_jobs=1)
