"""The Splat-like generator of the single_cell task."""

import numpy as np

from benchmarks.tasks.single_cell.splat import SplatParams, simulate


def test_simulation_is_deterministic_in_the_seed():
    a, b, c = simulate(1200, seed=7), simulate(1200, seed=7), simulate(1200, seed=8)
    assert (a.counts != b.counts).nnz == 0 and np.array_equal(a.labels, b.labels)
    assert (a.counts != c.counts).nnz > 0


def test_progress_goes_through_the_given_track():
    calls = []

    def track(items, description, total=None):
        calls.append((description, total))
        return iter(items)

    tracked, plain = simulate(12_000, seed=3, track=track), simulate(12_000, seed=3)
    assert calls == [("simulating 12,000 cells", 2)]  # two blocks of 10,000 cells
    assert (tracked.counts != plain.counts).nnz == 0


def test_counts_are_integer_umi_like_with_rare_types():
    params = SplatParams()
    data = simulate(12_000, seed=0, params=params)  # two blocks of 10,000 cells
    values = data.counts.data
    assert data.counts.shape == (12_000, params.n_genes)
    assert np.all(values >= 0) and np.array_equal(values, np.round(values))
    library = np.asarray(data.counts.sum(axis=1)).ravel()
    # log-normal library sizes: median e^lib_loc, log-sd lib_scale
    assert abs(np.log(np.median(library)) - params.lib_loc) < 0.05
    assert abs(np.log(library).std() - params.lib_scale) < 0.03
    frequency = np.bincount(data.labels, minlength=params.n_types) / len(data.labels)
    assert frequency.min() < 0.01 and frequency.max() > 0.15  # rare and common types
    assert len(data.type_names) == params.n_types and data.type_names[0].startswith("F0.")


def test_counts_are_overdispersed_like_gamma_poisson():
    data = simulate(3000, seed=1)
    cells = data.labels == np.bincount(data.labels).argmax()
    library = np.asarray(data.counts[cells].sum(axis=1)).ravel()
    normalised = data.counts[cells].toarray() / library[:, None] * np.median(library)
    mean, variance = normalised.mean(axis=0), normalised.var(axis=0)
    expressed = mean > 20
    assert expressed.sum() > 10
    # Poisson alone would give variance ~ mean; Splat's BCV (>= 0.1) adds at least (0.1 mean)^2
    assert np.median(variance[expressed] / mean[expressed]) > 1.2


def test_types_of_a_family_are_closer_than_types_of_different_families():
    from benchmarks.tasks.single_cell.splat import type_profiles

    params = SplatParams()
    proportions, _, family = type_profiles(params, np.random.default_rng(0))
    logp = np.log(proportions)
    distance = np.linalg.norm(logp[:, None] - logp[None], axis=2)
    same = family[:, None] == family[None]
    off_diagonal = ~np.eye(len(family), dtype=bool)
    assert distance[same & off_diagonal].mean() < distance[~same].mean()
