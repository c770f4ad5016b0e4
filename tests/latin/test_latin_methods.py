"""Methods at smoke size on the real mirror: the model and the baselines beat the majority control."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from benchmarks.context import make_context
from benchmarks.data.fingerprint import fingerprint
from benchmarks.task import resolve


@pytest.fixture(scope="module")
def smoke(latin_env):
    from benchmarks.tasks.latin import TASK
    from benchmarks.tasks.latin.data import load

    return load("smoke", 0, make_context(TASK, "smoke", 0))


def run(name, data, seed=0, **params):
    """A row (method or preset, with ``params`` on top) as the runner calls it: on the view, then checked and scored."""
    from benchmarks.contract.variants import by_name
    from benchmarks.tasks.latin import TASK

    ctx = make_context(TASK, "smoke", seed, method=name, params=params)
    output = resolve(by_name(TASK, name).method.fn)(data.view, ctx, **ctx.params)
    resolve(TASK.output.check)(data.view, output)
    return output, resolve(TASK.evaluate)(data, output)


def test_smoke_data_is_work_disjoint_and_scanned(smoke):
    works = [f.work for f in smoke.fragments]
    assert not {works[i] for i in smoke.split.test} & {works[i] for i in smoke.split.train}
    assert len(smoke.sq) == len(smoke.fragments) and all(set(s) <= set("-ux") and s for s in smoke.sq)
    assert 0.8 < smoke.lexicon_coverage <= 1.0
    test = smoke.view.fragments[len(smoke.view.labels):]  # what methods receive: no test author, same texts
    assert {(f.author, f.work) for f in test} == {("", "")}
    assert [f.text for f in test] == [smoke.fragments[i].text for i in smoke.split.test]


def test_cnn_beats_majority_without_touching_data_or_global_state(smoke):
    from benchmarks.tasks.latin.sizes import BUDGETS

    before = fingerprint(smoke)
    rng_state, threads = torch.get_rng_state(), torch.get_num_threads()
    _, control = run("majority", smoke)
    output, model = run("cnn", smoke)
    assert fingerprint(smoke) == before
    assert torch.equal(torch.get_rng_state(), rng_state) and torch.get_num_threads() == threads
    assert model.metrics["macro_f1"] > control.metrics["macro_f1"] + 0.2
    assert all(1 <= e <= BUDGETS["smoke"].max_epochs for e in output.info["epochs"])
    assert len(output.info["epochs"]) == BUDGETS["smoke"].ensemble
    assert model.items.values.sum() == round(model.metrics["accuracy"] * len(smoke.split.test))


def test_max_epochs_parameter_limits_the_cnn(smoke):
    output, evaluation = run("cnn_sq", smoke, max_epochs=1)
    assert set(output.info["epochs"]) == {1} and output.info["channels"] == 6
    assert len(evaluation.items.values) == len(smoke.split.test)


def test_svm_bf_beats_majority(smoke):
    _, control = run("majority", smoke)
    _, svm = run("svm_bf", smoke)
    assert svm.metrics["macro_f1"] > control.metrics["macro_f1"] + 0.3
    assert set(svm.details["per_author_f1"]) == set(smoke.authors)
    assert set(svm.metrics) == {"macro_f1", "micro_f1", "accuracy"}


def test_with_sq_method_pairs_with_its_twin_item_by_item(smoke):
    """The paper's McNemar test now runs on two cells' items: the with-SQ method fits only itself."""
    from benchmarks.results.pairs import mcnemar
    from benchmarks.tasks.latin import TASK

    assert ("svm_bf_sq", "svm_bf") in TASK.pairs and ("cnn_sq", "cnn") in TASK.pairs
    with_sq_output, with_sq = run("svm_bf_sq", smoke)
    _, without = run("svm_bf", smoke)
    assert "twin" not in with_sq_output.info
    y_true = smoke.labels[smoke.split.test]
    np.testing.assert_array_equal(with_sq.items.values, with_sq_output.y_pred == y_true)
    assert len(with_sq.items.values) == len(without.items.values) == len(y_true)
    p, only_sq, only_bf = mcnemar(with_sq.items.values, without.items.values)
    assert 0.0 <= p <= 1.0
    assert only_sq - only_bf == with_sq.items.values.sum() - without.items.values.sum()


def test_figure_writes_a_confusion_matrix(smoke, tmp_path):
    from benchmarks.tasks.latin.figure import confusion, figure

    output, _ = run("svm_bf", smoke)
    counts = confusion(smoke, output)
    assert counts.sum() == len(smoke.split.test)
    assert counts.sum(axis=1).tolist() == np.bincount(smoke.labels[smoke.split.test], minlength=len(smoke.authors)).tolist()
    figure(smoke, output, tmp_path / "confusion.png")
    assert (tmp_path / "confusion.png").stat().st_size > 1000


def test_cnn_ensemble_trains_differently_initialised_networks(smoke):
    import dataclasses

    from benchmarks.tasks.latin import TASK
    from benchmarks.tasks.latin.methods.cnn import train_cnn

    ctx = make_context(TASK, "smoke", 0, method="cnn")
    ctx = dataclasses.replace(ctx, budget=dataclasses.replace(ctx.budget, ensemble=2, max_epochs=2, extra_epochs=1))
    y_pred, info = train_cnn(smoke.view, "none", ctx.budget, ctx)
    assert info["epochs"] == [2, 2] and info["extra_epochs"] == 1 and len(y_pred) == len(smoke.split.test)
    first, second = info["val_macro_f1"]
    assert len(first) == len(second) == 2 and first != second  # other weights, other batch orders


def test_feature_blocks_are_computed_once_per_loaded_corpus(smoke):
    import dataclasses
    import gc

    from benchmarks.tasks.latin.methods import svm

    from benchmarks.tasks.latin.data import method_input

    view = method_input(smoke)
    assert method_input(smoke) is view  # every method of a run gets the same view, so the cache serves them all
    rows, other = view.split.train, view.split.test
    alive = set(svm._BLOCKS)  # corpora of other tests that are still held (e.g. by session fixtures)
    first = svm.dv_block(view, rows, other, 0)
    assert svm.dv_block(view, rows, other, 1) is first  # seed-free block: the same matrices, not recomputed
    assert svm.dv_block(view, rows, view.split.val, 0) is not first  # other rows: computed anew
    copy = dataclasses.replace(smoke).view  # another loaded corpus with the same content
    again = svm.dv_block(copy, rows, other, 0)
    assert again is not first and (again[1] != first[1]).nnz == 0
    del copy, again
    gc.collect()
    assert set(svm._BLOCKS) <= alive | {id(view)}  # a collected corpus leaves nothing behind


def test_check_task_passes_at_smoke(latin_env):
    """The contract, the test authors withheld from the view included, with every default row run twice."""
    from benchmarks.check import check_task
    from benchmarks.tasks.latin import TASK

    report = check_task(TASK, size="smoke")
    assert len(report.methods) == 10
