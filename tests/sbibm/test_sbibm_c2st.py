"""C2ST as the SBI benchmark defines it: cases whose answer is known, sbibm's constants, and the torch
networks against scikit-learn's step for step (the statistical agreement: test_sbibm_c2st_agreement)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from benchmarks.tasks._sbi.batched_mlp import AdamMLP, train
from benchmarks.tasks._sbi.c2st import MAX_ITER, N_FOLDS, SEED, _classifier, c2st, c2st_many, c2st_sklearn


def test_same_distribution_scores_one_half() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(1000, 2)), rng.normal(size=(1000, 2))
    assert c2st(x, y, max_iter=200) == pytest.approx(0.5, abs=0.05)


def test_disjoint_distributions_score_one() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(500, 3)), rng.normal(size=(500, 3)) + 10.0
    assert c2st(x, y, max_iter=200) > 0.99


def test_shifted_distribution_in_between() -> None:
    # Two unit Gaussians one standard deviation apart: the Bayes-optimal accuracy is Phi(0.5) = 0.69.
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(2000, 1)), rng.normal(size=(2000, 1)) + 1.0
    assert c2st(x, y, max_iter=200) == pytest.approx(0.69, abs=0.03)


def test_is_deterministic_and_z_scored() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(400, 2)), rng.normal(size=(400, 2)) + 0.5
    first = c2st(x, y, max_iter=50)
    assert c2st(x, y, max_iter=50) == first
    # z-scoring with x's statistics makes the score invariant to a common affine change of units
    assert c2st(1000 * x + 3, 1000 * y + 3, max_iter=50) == pytest.approx(first, abs=1e-9)


@pytest.mark.parametrize("x, y", [(np.zeros((10, 2)), np.zeros((10, 3))), (np.zeros(10), np.zeros(10)),
                                  (np.full((10, 2), np.nan), np.zeros((10, 2))), (np.zeros((2, 2)), np.zeros((1, 2))),
                                  (np.zeros((1, 2)), np.zeros((10, 2)))])
def test_bad_input_is_refused(x, y) -> None:
    with pytest.raises(ValueError, match="c2st"):
        c2st(x, y)


def test_definition_is_sbibms() -> None:
    # sbibm: MLPClassifier(activation="relu", hidden_layer_sizes=(10 * dim, 10 * dim), max_iter=10000,
    # solver="adam", random_state=seed), scikit-learn's defaults otherwise; KFold(5, shuffle=True, seed=1)
    from sklearn.neural_network import MLPClassifier

    defaults = MLPClassifier().get_params()
    settings = _classifier(7, MAX_ITER)
    assert settings.hidden == (70, 70) and (MAX_ITER, N_FOLDS, SEED) == (10_000, 5, 1)
    assert (settings.learning_rate, settings.beta_1, settings.beta_2, settings.epsilon, settings.alpha, settings.tol,
            settings.n_iter_no_change) == tuple(defaults[k] for k in (
                "learning_rate_init", "beta_1", "beta_2", "epsilon", "alpha", "tol", "n_iter_no_change"))
    assert defaults["batch_size"] == "auto" and settings.batch_size == 200  # "auto": min(200, n)
    assert not defaults["early_stopping"] and defaults["shuffle"] and defaults["learning_rate"] == "constant"


@pytest.mark.parametrize("n, max_iter", [(610, 2000), (150, 30)])
def test_batched_networks_repeat_sklearn_step_for_step(n, max_iter) -> None:
    """In float64 the torch networks are scikit-learn's to rounding: same initial weights, batches, L2,
    adam steps and stopping epoch (610 samples stop early, at 91 epochs; 150 run into max_iter)."""
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(size=(n // 2, 3)), rng.normal(size=(n - n // 2, 3)) + 0.5])
    target = np.repeat([0.0, 1.0], [n // 2, n - n // 2])
    order = rng.permutation(n)
    x, target = x[order], target[order]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning where max_iter is reached
        reference = MLPClassifier(hidden_layer_sizes=(30, 30), max_iter=max_iter, random_state=1).fit(x, target)
    trained = train(torch.tensor(x)[None].repeat(2, 1, 1), torch.tensor(target)[None].repeat(2, 1),
                    AdamMLP((30, 30), max_iter=max_iter), seed=1)
    assert trained.epochs.tolist() == [reference.n_iter_] * 2
    assert reference.n_iter_ < max_iter if n == 610 else reference.n_iter_ == max_iter
    for (weights, biases), coef, intercept in zip(trained.layers, reference.coefs_, reference.intercepts_):
        np.testing.assert_allclose(weights[1].numpy(), coef, rtol=0, atol=1e-10)
        np.testing.assert_allclose(biases[1].numpy(), intercept, rtol=0, atol=1e-10)
    predicted = trained.decide(0, torch.tensor(x)).numpy()
    np.testing.assert_array_equal(predicted, reference.predict(x) == 1)


def test_float64_c2st_is_sklearns() -> None:
    """Folds, z-scoring and scoring as scikit-learn's cross_val_score, pairs of two dimensions and of
    uneven fold sizes in one call."""
    rng = np.random.default_rng(3)
    pairs = [(rng.normal(size=(101, 2)), rng.normal(size=(100, 2)) + 0.4),
             (rng.normal(size=(120, 3)), rng.normal(size=(80, 3)) * 2.0),
             (rng.normal(size=(100, 2)), rng.normal(size=(100, 2)))]
    scores = c2st_many(pairs, max_iter=40, dtype=torch.float64)
    assert scores == pytest.approx([c2st_sklearn(x, y, max_iter=40) for x, y in pairs], abs=1e-12)


def test_many_pairs_score_as_one_by_one_and_leave_torch_threads_alone(monkeypatch) -> None:
    rng = np.random.default_rng(4)
    pairs = [(rng.normal(size=(300, 2)), rng.normal(size=(300, 2)) + shift) for shift in (0.0, 0.5, 1.5)]
    threads = torch.get_num_threads()
    together = c2st_many(pairs, max_iter=50, threads=2)
    assert torch.get_num_threads() == threads
    assert c2st_many(pairs, max_iter=50, threads=1) == together  # the threads only share the work
    assert together == pytest.approx([c2st(x, y, max_iter=50) for x, y in pairs], abs=0.01)
    monkeypatch.setattr("benchmarks.tasks._sbi.c2st.ACTIVATION_FLOATS", 1)  # every network on its own
    assert c2st_many(pairs, max_iter=50, threads=2) == pytest.approx(together, abs=0.01)
    assert c2st_many([]) == []
    with pytest.raises(ValueError, match="threads"):
        c2st_many(pairs, threads=0)
