"""Rejection ABC's kernel width, chosen by cross-validation as sbibm's REJ-ABC chooses it."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.tasks._sbi.methods.rejection_abc import _held_out_log_likelihood, cv_bandwidth


def test_held_out_log_likelihood_is_the_mean_over_folds_of_each_folds_log_density() -> None:
    from scipy.special import logsumexp
    from scipy.stats import multivariate_normal
    from sklearn.model_selection import KFold

    rng = np.random.default_rng(0)
    samples = rng.normal(size=(40, 3)) * [1.0, 2.0, 0.5]
    widths = np.array([0.1, 0.3, 0.8])
    expected = np.zeros(len(widths))
    for i, width in enumerate(widths):  # point by point: the mean of the kernels centred on the other folds
        for train, test in KFold(8).split(samples):
            for point in samples[test]:
                kernels = [multivariate_normal(centre, width**2 * np.eye(3)).logpdf(point) for centre in samples[train]]
                expected[i] += logsumexp(kernels) - np.log(len(train))
    np.testing.assert_allclose(_held_out_log_likelihood(samples, widths, 8), expected / 8, rtol=1e-10)


def test_cv_width_follows_the_structure_not_the_spread() -> None:
    rng = np.random.default_rng(1)
    # two tight clusters far apart: the pooled spread is ~5, the clusters' 0.05
    clusters = np.concatenate([rng.normal(-5, 0.05, size=(50, 2)), rng.normal(5, 0.05, size=(50, 2))])
    spread_one = rng.normal(0, 1, size=(100, 2))
    narrow, wide = cv_bandwidth(clusters), cv_bandwidth(spread_one)
    assert narrow < 0.1 * clusters.std()  # narrowed below the first grid's lower end
    assert 0.1 < wide < 1.0  # about Scott's width for 100 standard normal points in 2-D (0.46)


def test_equal_samples_have_no_width() -> None:
    with pytest.raises(ValueError, match="all equal"):
        cv_bandwidth(np.ones((20, 2)))
