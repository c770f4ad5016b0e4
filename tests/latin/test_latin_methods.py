"""Methods at smoke size on the real mirror: the model and the baselines beat the majority control."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from benchmarks.fingerprint import fingerprint


@pytest.fixture(scope="module")
def smoke(latin_env):
    from tasks.latin import TASK
    from tasks.latin.data import load

    return load("smoke", 0, TASK.resolve_options())


def run(name, data, seed=0):
    from tasks.latin import TASK
    from benchmarks.task import resolve

    method = resolve(TASK.method(name).fn)
    output = method(data, device=torch.device("cpu"), seed=seed, options=TASK.resolve_options())
    return output, resolve(TASK.evaluate)(data, output)


def test_smoke_data_is_work_disjoint_and_scanned(smoke):
    works = [f.work for f in smoke.fragments]
    assert not {works[i] for i in smoke.split.test} & {works[i] for i in smoke.split.train}
    assert len(smoke.sq) == len(smoke.fragments) and all(set(s) <= set("-ux") and s for s in smoke.sq)
    assert 0.8 < smoke.lexicon_coverage <= 1.0


def test_cnn_beats_majority_and_does_not_modify_data(smoke):
    before = fingerprint(smoke)
    _, control = run("majority", smoke)
    output, model = run("cnn", smoke)
    assert fingerprint(smoke) == before
    assert model.metrics["macro_f1"] > control.metrics["macro_f1"] + 0.2
    assert output.info["epochs"] >= 1 and output.info["seconds_per_epoch"] > 0


def test_svm_bf_beats_majority_and_has_no_twin(smoke):
    _, control = run("majority", smoke)
    _, svm = run("svm_bf", smoke)
    assert svm.metrics["macro_f1"] > control.metrics["macro_f1"] + 0.3
    assert math.isnan(svm.metrics["mcnemar_p"]) and "no twin" in svm.notes["mcnemar_p"]
    assert set(svm.details["per_author_f1"]) == set(smoke.authors)


def test_with_sq_method_carries_its_twin_for_mcnemar(smoke):
    output, with_sq = run("svm_bf_sq", smoke)
    twin, without = run("svm_bf", smoke)
    assert output.twin_name == "svm_bf"
    np.testing.assert_array_equal(output.twin, twin.y_pred)  # the twin is the same fit as the svm_bf method
    assert 0.0 <= with_sq.metrics["mcnemar_p"] <= 1.0
    assert with_sq.details["twin"]["macro_f1"] == pytest.approx(without.metrics["macro_f1"])


def test_figure_writes_a_confusion_matrix(smoke, tmp_path):
    from tasks.latin.evaluation import confusion, figure

    output, _ = run("svm_bf", smoke)
    counts = confusion(smoke, output)
    assert counts.sum() == len(smoke.split.test)
    assert counts.sum(axis=1).tolist() == np.bincount(smoke.labels[smoke.split.test], minlength=len(smoke.authors)).tolist()
    figure(smoke, output, tmp_path / "confusion.png")
    assert (tmp_path / "confusion.png").stat().st_size > 1000
