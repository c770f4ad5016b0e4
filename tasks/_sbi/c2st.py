"""Classifier two-sample test (C2ST) as the SBI benchmark defines it (Lueckmann et al. 2021).

An MLP classifier (ReLU, two hidden layers of 10 x dim units, adam, at most 10,000 iterations:
the value of ``sbibm.metrics.c2st``; the shared README's 1,000 is a cap that is rarely reached)
learns to tell reference samples X from approximate samples Y; the score is its 5-fold
cross-validated accuracy on data z-scored with X's mean and standard deviation. 0.5 means the
two sets cannot be told apart, 1.0 that they are disjoint.
"""

from __future__ import annotations

import warnings

import numpy as np

MAX_ITER = 10_000


def c2st(x: np.ndarray, y: np.ndarray, *, seed: int = 1, n_folds: int = 5, z_score: bool = True,
         max_iter: int = MAX_ITER) -> float:
    """C2ST accuracy of reference samples x (n, d) against approximate samples y (m, d).

    seed fixes the classifier's initialisation and the fold split (``sbibm``'s default is 1);
    max_iter caps the classifier's epochs (lower only for smoke runs: on a few hundred samples
    the MLP otherwise trains for thousands of epochs). BLAS runs on one thread: the networks are
    small, and extra threads only slow it down on a shared machine.
    Raises ValueError for mismatched dimensions or non-finite samples.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import KFold, cross_val_score
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise ValueError(f"c2st needs two (n, d) sample arrays of equal d, got {x.shape} and {y.shape}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("c2st: samples contain NaN or infinite values")
    if z_score:
        mean, std = x.mean(axis=0), x.std(axis=0)
        std = np.where(std > 0, std, 1.0)
        x, y = (x - mean) / std, (y - mean) / std
    dim = x.shape[1]
    data = np.concatenate([x, y])
    target = np.concatenate([np.zeros(len(x)), np.ones(len(y))])
    classifier = MLPClassifier(activation="relu", hidden_layer_sizes=(10 * dim, 10 * dim),
                               max_iter=max_iter, solver="adam", random_state=seed)
    folds = KFold(n_splits=n_folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(classifier, data, target, cv=folds, scoring="accuracy")
    return float(np.mean(scores))
