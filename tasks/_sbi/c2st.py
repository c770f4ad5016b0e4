"""Classifier two-sample test (C2ST) as the SBI benchmark defines it (Lueckmann et al. 2021).

An MLP classifier (ReLU, two hidden layers of 10 x dim units, adam, at most 10,000 epochs: the
value of ``sbibm.metrics.c2st``; the shared README's 1,000 is a cap that is rarely reached)
learns to tell reference samples X from approximate samples Y; the score is its 5-fold
cross-validated accuracy on data z-scored with X's mean and standard deviation. 0.5 means the
two sets cannot be told apart, 1.0 that they are disjoint.

``c2st`` and ``c2st_many`` train scikit-learn's ``MLPClassifier`` step for step in torch
(``batched_mlp``: same initial weights, batches, loss, adam and stopping rule), every fold of every
pair of a dimension and size as one batched network, in float32 as sbibm's (its samples are
float32 tensors, so scikit-learn trains in float32 there). ``c2st_sklearn`` is sbibm's code with
scikit-learn, the reference the tests hold the torch version to; minutes where the torch version
takes seconds.
"""

from __future__ import annotations

import contextlib
import warnings
from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import torch

from benchmarks.tasks._sbi.batched_mlp import AdamMLP, train

MAX_ITER = 10_000  # sbibm's max_iter
HIDDEN_PER_DIM = 10  # two hidden layers of 10 x dim units
N_FOLDS = 5
SEED = 1  # sbibm's default
#: CPU threads of the classifiers where the caller names none (each trains a share of the networks).
THREADS = 2
BATCH_SIZE = AdamMLP.batch_size  # scikit-learn's "auto": min(200, n)
#: Networks train together while a layer's activations (networks x batch x units floats) stay under
#: this (2 MB in float32): beyond it they leave the cache, and 10-D runs a third slower per network.
ACTIVATION_FLOATS = 500_000


def _classifier(dim: int, max_iter: int) -> AdamMLP:
    """sbibm's classifier: scikit-learn's MLPClassifier defaults but for these three settings."""
    return AdamMLP(hidden=(HIDDEN_PER_DIM * dim, HIDDEN_PER_DIM * dim), max_iter=max_iter)


def _labelled(x: np.ndarray, y: np.ndarray, z_score: bool) -> tuple[np.ndarray, np.ndarray]:
    """Checked samples as one data set (n + m, d), z-scored by x's mean and standard deviation
    (torch.std's, as sbibm's), and its targets (0 for x, 1 for y)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise ValueError(f"c2st needs two (n, d) sample arrays of equal d, got {x.shape} and {y.shape}")
    if len(x) < 2 or len(y) < 1:
        raise ValueError(f"c2st needs at least 2 reference samples and 1 other sample, got {len(x)} and {len(y)}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("c2st: samples contain NaN or infinite values")
    if z_score:
        mean, std = x.mean(axis=0), x.std(axis=0, ddof=1)
        std = np.where(std > 0, std, 1.0)
        x, y = (x - mean) / std, (y - mean) / std
    return np.concatenate([x, y]), np.concatenate([np.zeros(len(x)), np.ones(len(y))])


@contextlib.contextmanager
def _torch_threads(threads: int) -> Iterator[None]:
    """Hold torch to ``threads`` inside the block and give the caller's number back after."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@dataclass(frozen=True)
class _Fold:
    pair: int  # index into the pairs
    fold: int
    train_rows: np.ndarray
    test_rows: np.ndarray


def _accuracies(labelled: list[tuple[np.ndarray, np.ndarray]], folds: list[_Fold], settings: AdamMLP, seed: int,
                device: torch.device, dtype: torch.dtype) -> list[float]:
    """Held-out accuracy of each fold's classifier; the folds share a dimension and a training size."""
    def stacked(part: int) -> torch.Tensor:
        return torch.as_tensor(np.stack([labelled[f.pair][part][f.train_rows] for f in folds]), dtype=dtype, device=device)

    trained = train(stacked(0), stacked(1), settings, seed)
    scores = []
    for network, fold in enumerate(folds):
        data, target = labelled[fold.pair]
        predicted = trained.decide(network, torch.as_tensor(data[fold.test_rows], dtype=dtype, device=device))
        scores.append(float(np.mean(predicted.cpu().numpy() == (target[fold.test_rows] == 1))))
    return scores


def c2st_many(pairs: Sequence[tuple[np.ndarray, np.ndarray]], *, seed: int = SEED, n_folds: int = N_FOLDS,
              z_score: bool = True, max_iter: int = MAX_ITER, threads: int = THREADS,
              device: str | torch.device = "cpu", dtype: torch.dtype = torch.float32) -> list[float]:
    """C2ST of each pair (x (n, d) reference samples, y (m, d) approximate samples), in order.

    Each score is ``c2st(x, y)``'s up to float rounding (how a reduction is ordered may depend on
    how many networks train together, and the rounding grows over hundreds of epochs: 0.004 at
    10,000 samples in 10-D): all folds of all pairs with the same dimension and training-fold
    size train as one batched network. seed fixes the classifiers' initialisation
    and shuffles and the fold split (sbibm's default is 1); max_iter caps the epochs (lower only
    for smoke runs). threads: CPU threads, each training a share of the networks with torch held
    to one thread (restored after): coarse shares keep a busy machine from stalling every
    operation, as torch's own threads would; device: where the networks train (one thread on a
    GPU); dtype: float32 as sbibm's (float64 repeats ``c2st_sklearn(..., float32=False)`` to
    rounding, for tests).
    Raises ValueError for mismatched dimensions, too few or non-finite samples, or threads < 1.
    """
    from sklearn.model_selection import KFold

    if threads < 1:
        raise ValueError(f"c2st: threads must be at least 1, got {threads}")
    labelled = [_labelled(x, y, z_score) for x, y in pairs]
    if not labelled:
        return []
    if min(len(data) for data, _ in labelled) < n_folds:
        raise ValueError(f"c2st: {n_folds} folds need at least {n_folds} samples in all")
    splitter = KFold(n_splits=n_folds, shuffle=True, random_state=seed)
    groups: dict[tuple[int, int], list[_Fold]] = defaultdict(list)
    for pair, (data, _) in enumerate(labelled):
        for fold, (train_rows, test_rows) in enumerate(splitter.split(data)):
            groups[data.shape[1], len(train_rows)].append(_Fold(pair, fold, train_rows, test_rows))

    device = torch.device(device)
    workers = threads if device.type == "cpu" else 1
    # a group splits where there are fewer groups than THREADS (a smaller batch costs overhead), and
    # where its activations would leave the cache; never by the threads asked for, so that a score
    # does not depend on them (how many networks train together moves the rounding)
    split = max(1, THREADS // len(groups))
    shares = []
    for (dim, train_size), folds in groups.items():
        most = max(1, ACTIVATION_FLOATS // (min(BATCH_SIZE, train_size) * HIDDEN_PER_DIM * dim))
        parts = max(min(split, len(folds)), -(-len(folds) // most))
        shares += [(dim, [folds[i] for i in rows]) for rows in np.array_split(np.arange(len(folds)), parts)]
    shares.sort(key=lambda share: -len(share[1]))  # the largest first, so that the workers finish together

    def run(share: tuple[int, list[_Fold]]) -> list[float]:
        dim, folds = share
        return _accuracies(labelled, folds, _classifier(dim, max_iter), seed, device, dtype)

    with _torch_threads(1), ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(run, shares))
    accuracies = np.zeros((len(pairs), n_folds))
    for (_, folds), scores in zip(shares, results):
        for fold, score in zip(folds, scores):
            accuracies[fold.pair, fold.fold] = score
    return [float(np.mean(row)) for row in accuracies]


def c2st(x: np.ndarray, y: np.ndarray, *, seed: int = SEED, n_folds: int = N_FOLDS, z_score: bool = True,
         max_iter: int = MAX_ITER, threads: int = THREADS, device: str | torch.device = "cpu") -> float:
    """C2ST accuracy of reference samples x (n, d) against approximate samples y (m, d).

    seed fixes the classifier's initialisation and the fold split (sbibm's default is 1);
    max_iter caps the classifier's epochs (lower only for smoke runs: on a few hundred samples
    the MLP otherwise trains for thousands of epochs). threads and device as in ``c2st_many``.
    Raises ValueError for mismatched dimensions, too few or non-finite samples.
    """
    return c2st_many([(x, y)], seed=seed, n_folds=n_folds, z_score=z_score, max_iter=max_iter,
                     threads=threads, device=device)[0]


def c2st_sklearn(x: np.ndarray, y: np.ndarray, *, seed: int = SEED, n_folds: int = N_FOLDS,
                 z_score: bool = True, max_iter: int = MAX_ITER, float32: bool = False) -> float:
    """The reference: sbibm's ``c2st`` with scikit-learn's MLPClassifier, as this suite ran it before
    the torch version (float64, BLAS on one thread; z-scored now with sbibm's n - 1 standard
    deviation, where the suite used n); minutes at 10,000 samples per side.

    float32=True trains on float32 data, as sbibm does with its float32 tensors.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import KFold, cross_val_score
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    data, target = _labelled(x, y, z_score)
    if float32:
        data = data.astype(np.float32)
    dim = data.shape[1]
    classifier = MLPClassifier(activation="relu", hidden_layer_sizes=(HIDDEN_PER_DIM * dim, HIDDEN_PER_DIM * dim),
                               max_iter=max_iter, solver="adam", random_state=seed)
    folds = KFold(n_splits=n_folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(classifier, data, target, cv=folds, scoring="accuracy")
    return float(np.mean(scores))
