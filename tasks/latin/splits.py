"""Train / validation / test splits, deterministic in the seed.

- ``work`` (primary, the honest setting): for each author, whole works go to the test side until
  they hold at least ``test_fraction`` of the author's fragments, so no work is on both sides.
  Validation is made of whole works the same way when at least two works remain for training,
  otherwise of a random ``val_fraction`` of the author's training fragments.
- ``fragment`` (the paper's): fragments stratified by author, 10% test, then 10% of the rest for
  validation (81/9/10).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SPLIT_MODES = ("work", "fragment")


@dataclass(frozen=True)
class Split:
    """Indices (into the fragment list) of each side; disjoint, together all fragments."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


def _take_works(works: list[str], sizes: dict[str, int], share: float, total: int) -> list[str]:
    taken: list[str] = []
    count = 0
    for work in works:
        if count >= share * total and taken:
            break
        taken.append(work)
        count += sizes[work]
    return taken


def split_by_work(
    authors: Sequence[str], works: Sequence[str], seed: int, test_fraction: float = 0.15, val_fraction: float = 0.1
) -> Split:
    """Work-disjoint split; ``authors``/``works``: per fragment. Needs >= 2 works per author."""
    rng = np.random.default_rng(seed)
    authors_arr, works_arr = np.asarray(authors), np.asarray(works)
    train, val, test = [], [], []
    for author in sorted(set(authors)):
        rows = np.flatnonzero(authors_arr == author)
        names, counts = np.unique(works_arr[rows], return_counts=True)
        if len(names) < 2:
            raise ValueError(
                f"author {author!r} has a single work ({names[0]}): a work-disjoint split needs at least 2 "
                "(use split=fragment, or drop the author)"
            )
        sizes = dict(zip(names.tolist(), counts.tolist()))
        order = [names[i] for i in rng.permutation(len(names))]
        test_works = _take_works(order[:-1], sizes, test_fraction, len(rows))  # keep >= 1 training work
        rest = [w for w in order if w not in test_works]
        test += rows[np.isin(works_arr[rows], test_works)].tolist()
        rest_rows = rows[np.isin(works_arr[rows], rest)]
        if len(rest) >= 3:
            val_works = _take_works(rest[:-1], sizes, val_fraction, len(rest_rows))
            in_val = np.isin(works_arr[rest_rows], val_works)
        else:
            in_val = np.zeros(len(rest_rows), bool)
            n_val = max(1, round(val_fraction * len(rest_rows)))
            in_val[rng.choice(len(rest_rows), size=n_val, replace=False)] = True
        val += rest_rows[in_val].tolist()
        train += rest_rows[~in_val].tolist()
    return Split(np.sort(np.array(train)), np.sort(np.array(val)), np.sort(np.array(test)))


def split_by_fragment(authors: Sequence[str], seed: int, test_fraction: float = 0.1, val_fraction: float = 0.1) -> Split:
    """Stratified random split of fragments (the paper's 81/9/10)."""
    from sklearn.model_selection import train_test_split

    index = np.arange(len(authors))
    labels = np.asarray(authors)
    rest, test = train_test_split(index, test_size=test_fraction, stratify=labels, random_state=seed)
    train, val = train_test_split(rest, test_size=val_fraction, stratify=labels[rest], random_state=seed + 1)
    return Split(np.sort(train), np.sort(val), np.sort(test))


def make_split(mode: str, authors: Sequence[str], works: Sequence[str], seed: int) -> Split:
    if mode == "work":
        return split_by_work(authors, works, seed)
    if mode == "fragment":
        return split_by_fragment(authors, seed)
    raise ValueError(f"split must be one of {SPLIT_MODES}, got {mode!r}")
