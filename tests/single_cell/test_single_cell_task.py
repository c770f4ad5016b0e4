"""The single_cell task end to end: data sources, options, evaluation, figure, and the model against the
control and the baseline at smoke size."""

import math

import anndata
import numpy as np
import pandas as pd
import pytest

from benchmarks.task import normalise_evaluation, resolve
from tasks.single_cell import TASK
from tasks.single_cell.data import load
from tasks.single_cell.evaluate import evaluate
from tasks.single_cell.splat import simulate


@pytest.fixture(scope="module")
def smoke():
    return load("smoke", 0, TASK.resolve_options())


@pytest.fixture(scope="module")
def smoke_runs(smoke):
    options = TASK.resolve_options()
    return {m.name: resolve(m.fn)(smoke, device=None, seed=0, options=options)
            for m in TASK.methods if m.name in ("pca", "scanpy_tsne", "opentsne_kb")}


def test_smoke_data_is_synthetic_deterministic_and_read_only(smoke):
    assert smoke.pcs.shape == (2000, 50) and len(smoke.label_names) == 16
    again = load("smoke", 0, TASK.resolve_options())
    np.testing.assert_array_equal(smoke.pcs, again.pcs)
    assert not np.array_equal(load("smoke", 1, TASK.resolve_options()).labels, smoke.labels)
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
    assert set(evaluation.metrics) == {"knn", "knc", "cpd", "trustworthiness"}
    assert all(math.isfinite(v) for v in evaluation.metrics.values())
    assert evaluation.notes["knc"] == "k=4 nearest of 16 cell-type means"
    assert evaluation.details["chance"]["knn"] == pytest.approx(10 / 1999)


def test_diverged_embedding_gives_nan_with_a_note(smoke):
    broken = np.full((smoke.n_cells, 2), np.nan)
    evaluation = normalise_evaluation(TASK, evaluate(smoke, broken))
    assert all(math.isnan(v) for v in evaluation.metrics.values())
    with pytest.raises(ValueError, match=r"shape \(2000, 2\)"):
        evaluate(smoke, np.zeros((2000, 3)))


def test_figure_is_a_png(smoke, smoke_runs, tmp_path):
    resolve(TASK.figure)(smoke, smoke_runs["pca"], tmp_path / "embedding.png")
    assert (tmp_path / "embedding.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_default_size_is_scanpys_pbmc68k():
    data = load("default", 0, TASK.resolve_options())
    assert data.pcs.shape == (700, 50) and len(data.label_names) == 10
    assert "Dendritic" in data.label_names
    with pytest.raises(ValueError, match="no label column 'cell_type'"):
        load("default", 0, TASK.resolve_options({"label_column": "cell_type"}))


def test_mixology_source_through_fetch(single_cell_mirror):
    data = load("default", 0, TASK.resolve_options({"source": "mixology"}))
    assert len(data.label_names) == 5 and data.pcs.shape[1] == 50
    evaluation = normalise_evaluation(TASK, evaluate(data, np.array(data.pcs[:, :2])))
    assert evaluation.notes["knc"] == "k=1 nearest of 5 cell-type means"


def test_user_h5ad_with_counts_layer_and_labels(tmp_path):
    simulated = simulate(400, seed=5)
    obs = pd.DataFrame({"type": np.asarray(simulated.type_names)[simulated.labels]},
                       index=[f"cell{i}" for i in range(400)])
    path = tmp_path / "mine.h5ad"
    anndata.AnnData(X=np.log1p(simulated.counts.toarray()), obs=obs,
                    layers={"counts": simulated.counts}).write_h5ad(path)
    options = TASK.resolve_options({"data_path": str(path), "label_column": "type", "counts_layer": "counts",
                                    "n_genes": 300})
    data = load("smoke", 0, options)
    assert data.n_cells == 400 and set(data.label_names) <= set(simulated.type_names)
    assert data.info["path"] == str(path)
    unlabelled = load("smoke", 0, TASK.resolve_options({"data_path": str(path), "counts_layer": "counts"}))
    evaluation = normalise_evaluation(TASK, evaluate(unlabelled, np.array(unlabelled.pcs[:, :2])))
    assert math.isnan(evaluation.metrics["knc"]) and "no cell-type labels" in evaluation.notes["knc"]


def test_bad_options_and_paths_are_named(tmp_path):
    with pytest.raises(ValueError, match="option source must be one of"):
        load("smoke", 0, TASK.resolve_options({"source": "pbmc3k"}))
    with pytest.raises(FileNotFoundError, match="nothing.h5ad: no such file"):
        load("smoke", 0, TASK.resolve_options({"data_path": str(tmp_path / "nothing.h5ad")}))
    (tmp_path / "cells.loom").write_text("x")
    with pytest.raises(ValueError, match=r"cells\.loom: unsupported format"):
        load("smoke", 0, TASK.resolve_options({"data_path": str(tmp_path / "cells.loom")}))
