"""Metrics and evaluate() against cases computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.task import Direction
from benchmarks.tasks.latin.corpus import Fragment
from benchmarks.tasks.latin.data import LatinData
from benchmarks.tasks.latin.metrics import Prediction, check_output, evaluate, f1_scores
from benchmarks.tasks.latin.splits import Split


def test_f1_scores_by_hand():
    y_true = np.array([0, 0, 0, 0, 1, 1, 2, 2])
    y_pred = np.array([0, 0, 0, 1, 1, 0, 2, 2])
    # class 0: tp 3, fp 1, fn 1 -> F1 3/4; class 1: tp 1, fp 1, fn 1 -> 1/2; class 2: 1
    scores = f1_scores(y_true, y_pred, n_classes=3)
    assert scores["per_class"] == pytest.approx([0.75, 0.5, 1.0])
    assert scores["macro_f1"] == pytest.approx((0.75 + 0.5 + 1.0) / 3)
    assert scores["micro_f1"] == pytest.approx(6 / 8)
    assert scores["accuracy"] == pytest.approx(6 / 8)


def test_macro_f1_counts_a_never_predicted_class_as_zero():
    scores = f1_scores(np.array([0, 0, 1, 1]), np.array([0, 0, 0, 0]), n_classes=2)
    assert scores["per_class"] == pytest.approx([2 / 3, 0.0])
    assert scores["macro_f1"] == pytest.approx(1 / 3)


def _hand_data() -> LatinData:
    """Six fragments of two authors; test fragments 1, 2, 4, 5 (authors a, a, b, b)."""
    authors = ("a", "b")
    labels = np.array([0, 0, 0, 1, 1, 1])
    fragments = tuple(Fragment(authors[k], f"{authors[k]}/w{i}", (f"et in urbe {i} erat",)) for i, k in enumerate(labels))
    split = Split(train=np.array([0]), val=np.array([3]), test=np.array([1, 2, 4, 5]))
    return LatinData(fragments, authors, labels, tuple(f"-u{i}" for i in range(6)), split, "fragment", 1.0)


def test_evaluate_scores_and_items_per_test_fragment():
    evaluation = evaluate(_hand_data(), Prediction(np.array([0, 1, 1, 1]), {"C": 1.0}))
    # test labels 0 0 1 1, predictions 0 1 1 1: a F1 2/3, b F1 4/5
    assert evaluation.metrics["accuracy"] == pytest.approx(3 / 4)
    assert evaluation.metrics["macro_f1"] == pytest.approx((2 / 3 + 4 / 5) / 2)
    assert set(evaluation.metrics) == {"macro_f1", "micro_f1", "accuracy"}
    assert evaluation.items.values.tolist() == [True, False, True, True]
    assert evaluation.items.direction is Direction.HIGHER and evaluation.items.binary
    assert evaluation.details["method"] == {"C": 1.0}
    assert evaluation.details["test_support"] == {"a": 2, "b": 2}


def test_evaluate_rejects_a_wrong_number_of_predictions():
    with pytest.raises(ValueError, match="expected 4 test predictions"):
        evaluate(_hand_data(), Prediction(np.array([0, 1, 1])))


def test_methods_receive_the_fragments_in_split_order_without_test_authors():
    from benchmarks.running.withheld import leaks
    from benchmarks.task import resolve
    from benchmarks.tasks.latin import TASK

    data = _hand_data()
    view = resolve(TASK.method_input)(data)
    assert [f.sentences for f in view.fragments] == [data.fragments[i].sentences for i in (0, 3, 1, 2, 4, 5)]
    assert view.sq == ("-u0", "-u3", "-u1", "-u2", "-u4", "-u5")
    assert [(f.author, f.work) for f in view.fragments] == [("a", "a/w0"), ("b", "b/w3")] + [("", "")] * 4
    assert view.labels.tolist() == [0, 1] and view.authors == data.authors
    assert (view.split.train.tolist(), view.split.val.tolist(), view.split.test.tolist()) == ([0], [1], [2, 3, 4, 5])
    targets = resolve(TASK.test_targets)(data)
    assert targets["test_labels"].tolist() == [0, 0, 1, 1] and leaks(view, targets) == []


@pytest.mark.parametrize("output, wrong", [
    ({"y_pred": [0, 1, 1, 1]}, "returns author indices"),
    (Prediction(np.array([0, 1, 1])), r"shape \(3,\); expected \(4,\)"),
    (Prediction(np.array([0.0, 1.0, 1.0, 1.0])), "dtype float64; expected integer"),
    (Prediction(np.array([0, 1, 2, -1])), r"holds \[-1, 2\], not indices of the 2 authors"),
    (Prediction(np.array([0, 1, 1, 1]), info=None), "info is a NoneType"),
])
def test_check_output_names_what_is_wrong(output, wrong):
    view = _hand_data().view
    check_output(view, Prediction(np.array([0, 1, 1, 1])))
    with pytest.raises(ValueError, match=wrong):
        check_output(view, output)


def test_a_plain_array_of_author_indices_is_an_output_as_a_prediction_is():
    from types import SimpleNamespace

    from benchmarks.tasks.latin.metrics import as_prediction, check_output

    view = SimpleNamespace(split=SimpleNamespace(test=np.arange(3)), authors=("a", "b"))
    check_output(view, np.array([0, 1, 1]))
    check_output(view, [1, 0, 0])
    assert as_prediction([1, 0]).info == {}
    with pytest.raises(ValueError, match="not indices"):
        check_output(view, np.array([0, 2, 1]))
