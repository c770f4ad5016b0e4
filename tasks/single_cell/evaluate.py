"""The task's ``evaluate``: the four metrics of one embedding, with notes on how each was computed."""

from __future__ import annotations

import math

import numpy as np

from benchmarks.task import Evaluation
from tasks.single_cell import metrics
from tasks.single_cell.data import SingleCellData

KNN_K = 10
KNN_QUERIES = 10_000
CPD_CELLS = 1_000
TRUST_K = 15
TRUST_CELLS = 5_000
METRIC_NAMES = ("knn", "knc", "cpd", "trustworthiness")


def check_embedding(data: SingleCellData, output: np.ndarray) -> np.ndarray:
    """``output`` as a float array (n_cells, 2); ``ValueError`` if its shape does not fit ``data``."""
    embedding = np.asarray(output, dtype=np.float64)
    if embedding.shape != (data.n_cells, 2):
        raise ValueError(f"an embedding must have shape ({data.n_cells}, 2), got {embedding.shape}")
    return embedding


def evaluate(data: SingleCellData, output: np.ndarray) -> Evaluation:
    """KNN, KNC, CPD (Kobak & Berens 2019) and trustworthiness of the embedding ``output`` (n_cells, 2)."""
    Z = check_embedding(data, output)
    X = np.asarray(data.pcs)
    n = data.n_cells
    if not np.all(np.isfinite(Z)):
        why = "the embedding has NaN or infinite coordinates (the optimisation diverged)"
        return Evaluation(metrics={name: math.nan for name in METRIC_NAMES}, notes=dict.fromkeys(METRIC_NAMES, why))
    notes = {
        "knn": (f"k={KNN_K}, exact, over all {n} cells" if n <= KNN_QUERIES else
                f"k={KNN_K}, exact, {KNN_QUERIES} random query cells (seed {metrics.METRIC_SEED}) against all {n}"),
        "cpd": f"Spearman, pairwise distances of {min(n, CPD_CELLS)} random cells (seed {metrics.METRIC_SEED})",
        "trustworthiness": f"k={TRUST_K}, scikit-learn, on {min(n, TRUST_CELLS)} random cells"
                           f" (seed {metrics.METRIC_SEED})",
    }
    values = {
        "knn": metrics.knn(X, Z, KNN_K, KNN_QUERIES),
        "cpd": metrics.cpd(X, Z, CPD_CELLS),
        "trustworthiness": metrics.trustworthiness(X, Z, TRUST_K, TRUST_CELLS),
    }
    n_types = len(data.label_names)
    if data.labels is None:
        values["knc"], notes["knc"] = math.nan, "the data have no cell-type labels"
    elif n_types < 3:
        values["knc"], notes["knc"] = math.nan, f"KNC needs at least 3 cell types, the data have {n_types}"
    else:
        k = metrics.knc_k(n_types)
        values["knc"] = metrics.knc(X, Z, data.labels, k)
        notes["knc"] = f"k={k} nearest of {n_types} cell-type means"
    chance = {"knn": KNN_K / (n - 1), "trustworthiness": 0.5, "cpd": 0.0}
    if "knc" in notes and not math.isnan(values["knc"]):
        chance["knc"] = metrics.knc_k(n_types) / (n_types - 1)
    details = {"n_cells": n, "n_pcs": int(X.shape[1]), "n_types": n_types, "source": data.source,
               "chance": chance, "data": dict(data.info)}
    return Evaluation(metrics={name: values[name] for name in METRIC_NAMES}, notes=notes, details=details)
