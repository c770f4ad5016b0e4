"""Metrics against cases computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from tasks.latin.metrics import f1_scores, mcnemar_p


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


def test_mcnemar_exact_by_hand():
    y = np.zeros(10, int)
    a = np.zeros(10, int)  # always right
    b = np.array([1] * 6 + [0] * 4)  # wrong on 6 items where a is right
    # b = 6 discordant, c = 0: p = 2 * 0.5**6
    assert mcnemar_p(y, a, b) == pytest.approx(2 * 0.5**6)
    assert mcnemar_p(y, a, a) == 1.0
    # 3 vs 1 discordant: p = 2 * P(X <= 1), X ~ Bin(4, 1/2) = 2 * 5/16
    b2 = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    a2 = np.array([0, 0, 0, 1, 0, 0, 0, 0, 0, 0])
    assert mcnemar_p(y, a2, b2) == pytest.approx(10 / 16)
    with pytest.raises(ValueError, match="lengths differ"):
        mcnemar_p(y, a, b[:5])
