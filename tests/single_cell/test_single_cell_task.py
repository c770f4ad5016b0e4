"""The single_cell task end to end: data sources, options, evaluation, figure, and the model against the
control and the baseline at smoke size."""

import math

import anndata
import numpy as np
import pandas as pd
import pytest

from benchmarks.check import check_task
from benchmarks.context import make_context
from benchmarks.task import Direction, OptionError, normalise_evaluation, resolve
from benchmarks.tasks.single_cell import TASK
from benchmarks.tasks.single_cell.data import from_labels, method_input
from benchmarks.tasks.single_cell.data import test_targets as targets_of  # not "test_*": pytest would collect it
from benchmarks.tasks.single_cell.data import load as load_data
from benchmarks.tasks.single_cell.metrics import METRIC_NAMES, check_embedding, evaluate, knn, query_cells
from benchmarks.tasks.single_cell.splat import simulate


def load(size, seed, options=None):
    """The task's load as the runner calls it, with ``options`` overrides as on the command line."""
    return load_data(size, seed, make_context(TASK, size, seed, options))


@pytest.fixture(scope="module")
def smoke():
    return load("smoke", 0)


@pytest.fixture(scope="module")
def smoke_runs(smoke):
    view = method_input(smoke)
    return {m.name: resolve(m.fn)(view, make_context(TASK, "smoke", 0, method=m.name), **m.defaults())
            for m in TASK.methods if m.name in ("pca", "scanpy_tsne", "opentsne_kb")}


def test_smoke_data_is_synthetic_deterministic_and_read_only(smoke):
    assert smoke.pcs.shape == (2000, 50) and len(smoke.label_names) == 16
    again = load("smoke", 0)
    np.testing.assert_array_equal(smoke.pcs, again.pcs)
    assert not np.array_equal(load("smoke", 1).labels, smoke.labels)
    with pytest.raises(ValueError):
        smoke.pcs[0, 0] = 1.0  # methods share the data and cannot change it


def test_model_beats_control_and_baseline_at_smoke_size(smoke, smoke_runs):
    scores = {name: evaluate(smoke, output).metrics for name, output in smoke_runs.items()}
    assert scores["opentsne_kb"]["knn"] > scores["pca"]["knn"] + 0.1
    # locally the recipe is at least as good as scanpy's defaults, and it is more trustworthy
    assert scores["opentsne_kb"]["knn"] >= scores["scanpy_tsne"]["knn"] - 0.005
    assert scores["opentsne_kb"]["trustworthiness"] > scores["scanpy_tsne"]["trustworthiness"]


def test_evaluation_keeps_the_contract_and_explains_itself(smoke, smoke_runs):
    evaluation = normalise_evaluation(TASK, evaluate(smoke, smoke_runs["pca"]))
    assert tuple(evaluation.metrics) == tuple(m.name for m in TASK.metrics) == METRIC_NAMES
    assert all(math.isfinite(v) for v in evaluation.metrics.values())
    assert evaluation.notes["knc"] == "k=4 nearest of 16 cell-type means"
    assert evaluation.details["chance"]["knn"] == pytest.approx(10 / 1999)


def test_items_are_the_per_cell_knn_of_the_same_query_cells(smoke, smoke_runs):
    evaluations = {name: evaluate(smoke, output) for name, output in smoke_runs.items()}
    for name, evaluation in evaluations.items():
        items = evaluation.items
        assert items.direction is Direction.HIGHER and not items.binary
        assert items.values.shape == (smoke.n_cells,)  # 2,000 cells <= 10,000 queries: every cell is a query
        assert np.all((items.values >= 0) & (items.values <= 1))
        np.testing.assert_allclose(np.round(items.values * 10), items.values * 10)  # shares of 10 neighbours
        assert items.values.mean() == pytest.approx(evaluation.metrics["knn"])
    # the model keeps more of a cell's neighbours than the control for most cells
    model, control = evaluations["opentsne_kb"].items.values, evaluations["pca"].items.values
    assert np.mean(model > control) > 0.5


def test_items_use_fixed_query_cells_above_ten_thousand_cells():
    rng = np.random.default_rng(0)
    n = 10_500
    X = rng.normal(size=(n, 5)).astype(np.float32)
    X[:, 2:] *= 0.2  # most variance in the first two dimensions: the 2-D projection keeps neighbours
    data = from_labels(X, None, "test")
    evaluation = evaluate(data, X[:, :2])
    assert evaluation.items.values.shape == (10_000,)
    assert evaluation.items.values.mean() == pytest.approx(knn(X, X[:, :2]))
    assert len(query_cells(n, 10_000)) == 10_000 and "10000 random query cells" in evaluation.notes["knn"]


def test_methods_see_the_pcs_without_the_cell_types(smoke):
    view = method_input(smoke)
    assert view.pcs is smoke.pcs  # shared, not copied
    assert view.labels is None and view.label_names == () and "n_types" not in view.info
    np.testing.assert_array_equal(targets_of(smoke)["labels"], smoke.labels)
    assert smoke.labels is not None and smoke.info["n_types"] == 16  # the loaded data keep them for evaluate


@pytest.mark.parametrize("output, message", [
    (np.full((2000, 2), np.nan), r"NaN or infinite coordinates for 2000 of 2000 cells"),
    (np.zeros((2000, 3)), r"float array of shape \(2000, 2\), got shape \(2000, 3\)"),
    (np.zeros((2000, 2), dtype=int), r"got dtype int64"),
    ([[0.0, 0.0]] * 2000, r"got a list"),
])
def test_wrong_outputs_are_refused_in_one_line(smoke, output, message):
    with pytest.raises(ValueError, match=message):
        check_embedding(method_input(smoke), output)
    with pytest.raises(ValueError, match=message):
        evaluate(smoke, output)


@pytest.mark.slow
def test_check_task_passes_at_smoke():
    """The contract, the labels withheld from the view included, with every method run twice (minutes)."""
    check_task(TASK, size="smoke")


def test_figure_is_a_png(smoke, smoke_runs, tmp_path):
    resolve(TASK.figure)(smoke, smoke_runs["pca"], tmp_path / "embedding.png")
    assert (tmp_path / "embedding.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_default_size_is_scanpys_pbmc68k():
    data = load("default", 0)
    assert data.pcs.shape == (700, 50) and len(data.label_names) == 10
    assert "Dendritic" in data.label_names
    with pytest.raises(ValueError, match="no label column 'cell_type'"):
            load("default", 0, {"label_column": "cell_type"})


def test_mixology_source_through_fetch(single_cell_mirror):
    data = load("default", 0, {"source": "mixology"})
    assert len(data.label_names) == 5 and data.pcs.shape[1] == 50
    evaluation = normalise_evaluation(TASK, evaluate(data, np.array(data.pcs[:, :2])))
    assert evaluation.notes["knc"] == "k=1 nearest of 5 cell-type means"


@pytest.mark.parametrize("suffix", [".h5ad", ".zarr"])
def test_user_anndata_with_counts_layer_and_labels(tmp_path, suffix):
    simulated = simulate(400, seed=5)
    obs = pd.DataFrame({"type": np.asarray(simulated.type_names)[simulated.labels]},
                       index=[f"cell{i}" for i in range(400)])
    path = tmp_path / f"mine{suffix}"
    adata = anndata.AnnData(X=np.log1p(simulated.counts.toarray()), obs=obs, layers={"counts": simulated.counts})
    adata.write_h5ad(path) if suffix == ".h5ad" else adata.write_zarr(path)
    options = {"data_path": str(path), "label_column": "type", "counts_layer": "counts", "n_genes": 300}
    data = load("smoke", 0, options)
    assert data.n_cells == 400 and set(data.label_names) <= set(simulated.type_names)
    assert data.info["path"] == str(path)
    unlabelled = load("smoke", 0, {"data_path": str(path), "counts_layer": "counts"})
    evaluation = normalise_evaluation(TASK, evaluate(unlabelled, np.array(unlabelled.pcs[:, :2])))
    assert math.isnan(evaluation.metrics["knc"]) and "no cell-type labels" in evaluation.notes["knc"]


@pytest.mark.parametrize("overrides, message", [
    ({"source": "pbmc3k"}, "one of auto, pbmc68k, mixology, synthetic"),
    ({"mixology_experiment": "sc_celseq2_5cl"}, "Did you mean 'sc_celseq2_5cl_p1'"),
    ({"n_cells": 30}, "n_cells.*>= 31"),
    ({"n_genes": 1}, "n_genes.*>= 2"),
])
def test_bad_options_stop_before_any_cell(overrides, message):
    with pytest.raises(OptionError, match=message):
        TASK.resolve_options(overrides)


@pytest.mark.parametrize("method, name, value, message", [
    ("scanpy_tsne", "n_jobs", "0", "n_jobs.*>= 1"),
    ("opentsne_kb", "n_jobs", "0", "n_jobs.*>= 1"),
    ("opentsne_kb", "large_n", "-5", "large_n.*>= 1"),
    ("opentsne_kb", "late_exaggeration", "0", "late_exaggeration.*> 0"),
])
def test_bad_method_parameters_are_refused(method, name, value, message):
    with pytest.raises(OptionError, match=message):
        TASK.method(method).param(name).parse(value)


def test_only_the_t_snes_take_their_settings():
    assert {m.name: m.defaults() for m in TASK.methods} == {
        "pca": {}, "umap": {}, "densmap": {}, "scanpy_tsne": {"n_jobs": 1},
        "opentsne_kb": {"n_jobs": 1, "large_n": 50_000, "late_exaggeration": None}}
    assert TASK.method("opentsne_kb").param("late_exaggeration").parse("none") is None


def test_budget_gives_the_sizes_source_and_cells_and_n_cells_overrides_it():
    assert make_context(TASK, "default").budget.auto_source == "pbmc68k"
    assert make_context(TASK, "full").budget.n_cells == 100_000
    assert make_context(TASK, "smoke", options={"n_cells": "1e3"}).budget.n_cells == 1_000
    data = load("default", 0, {"source": "synthetic", "n_cells": 300})
    assert data.n_cells == 300 and "300 cells" in data.source


def test_bad_paths_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.h5ad: no such file"):
        load("smoke", 0, {"data_path": str(tmp_path / "nothing.h5ad")})
    (tmp_path / "cells.loom").write_text("x")
    with pytest.raises(ValueError, match=r"cells\.loom: unsupported format"):
        load("smoke", 0, {"data_path": str(tmp_path / "cells.loom")})
