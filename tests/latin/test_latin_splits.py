"""Splits: work-disjoint and stratified by fragment, deterministic in the seed."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.tasks.latin.splits import make_split, split_by_fragment, split_by_work


def corpus(works_per_author: dict[str, list[int]]) -> tuple[list[str], list[str]]:
    authors, works = [], []
    for author, sizes in works_per_author.items():
        for k, size in enumerate(sizes):
            authors += [author] * size
            works += [f"{author}/w{k}"] * size
    return authors, works


AUTHORS, WORKS = corpus({"a": [30, 20, 25, 10, 15], "b": [40, 35], "c": [12, 14, 9]})


def test_work_split_puts_no_work_on_two_sides_and_covers_everything():
    split = split_by_work(AUTHORS, WORKS, seed=3)
    sides = [set(np.asarray(WORKS)[rows]) for rows in (split.train, split.val, split.test)]
    assert not sides[0] & sides[2] and not sides[1] & sides[2]
    together = np.concatenate([split.train, split.val, split.test])
    assert sorted(together.tolist()) == list(range(len(AUTHORS)))
    for author in "abc":  # every author on both sides
        assert author in set(np.asarray(AUTHORS)[split.test]) and author in set(np.asarray(AUTHORS)[split.train])


def test_work_split_validation_is_by_work_when_three_works_remain():
    split = split_by_work(AUTHORS, WORKS, seed=0)
    works = np.asarray(WORKS)
    a_rows = [r for r in split.val if AUTHORS[r] == "a"]
    assert a_rows and not set(works[a_rows]) & set(works[split.train])


def test_work_split_is_deterministic_in_the_seed():
    first, again = split_by_work(AUTHORS, WORKS, seed=1), split_by_work(AUTHORS, WORKS, seed=1)
    assert all(np.array_equal(x, y) for x, y in zip((first.train, first.val, first.test), (again.train, again.val, again.test)))
    tests = {tuple(split_by_work(AUTHORS, WORKS, seed=s).test) for s in range(6)}
    assert len(tests) > 1


def test_work_split_needs_two_works_per_author():
    authors, works = corpus({"a": [20, 20], "b": [30]})
    with pytest.raises(ValueError, match="author 'b' has a single work"):
        split_by_work(authors, works, seed=0)


def test_fragment_split_is_stratified_81_9_10():
    authors, works = corpus({"a": [500], "b": [300], "c": [200]})
    split = split_by_fragment(authors, seed=0)
    assert (len(split.train), len(split.val), len(split.test)) == (810, 90, 100)
    test_authors = np.asarray(authors)[split.test]
    assert [int(np.sum(test_authors == a)) for a in "abc"] == [50, 30, 20]


def test_unknown_mode():
    with pytest.raises(ValueError, match="split must be one of"):
        make_split("author", AUTHORS, WORKS, 0)
