"""The task's data: the Latin Library mirror (or a user corpus), fragments, SQ strings and the split;
what methods receive of it (:class:`LatinInput`, no test authors) and the test targets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.context import RunContext
from benchmarks.data import fetch
from benchmarks.tasks.latin import LATIN_LIBRARY
from benchmarks.tasks.latin.corpus import Fragment, load_corpus
from benchmarks.tasks.latin.splits import Split, make_split


@dataclass(frozen=True)
class LatinInput:
    """What a method receives (read-only): the fragments in split order, training, then validation, then test,
    and the authors of the training and validation fragments only.

    ``split`` holds positions in this order (``split.test`` is the last ``len(split.test)`` positions); test
    fragments carry neither author nor work (empty strings: a work is named ``author/file``). A method
    returns one author index per test fragment, in ``split.test`` order.
    """

    authors: tuple[str, ...]  # class names; labels index into this
    fragments: tuple[Fragment, ...]
    labels: np.ndarray  # (len(split.train) + len(split.val),) int: the author of each fragment before the test ones
    sq: tuple[str, ...]  # scansion string of each fragment, over {-, u, x}
    split: Split
    split_mode: str


@dataclass(frozen=True)
class LatinData:
    """Fragments with their author labels, SQ strings and the split; ``view`` is what methods receive."""

    fragments: tuple[Fragment, ...]
    authors: tuple[str, ...]  # class names; labels index into this
    labels: np.ndarray  # (n_fragments,) int
    sq: tuple[str, ...]  # scansion string of each fragment, over {-, u, x}
    split: Split
    split_mode: str
    lexicon_coverage: float  # share of word tokens the lexicon analysed
    dropped: tuple[str, ...] = ()
    info: Mapping[str, Any] = field(default_factory=dict)
    # built once per loaded corpus, so that every method of a run gets the same view (and the SVMs share
    # the feature blocks they cache per view)
    view: LatinInput = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "view", _view(self))


def _view(data: LatinData) -> LatinInput:
    train, val, test = data.split.train, data.split.val, data.split.test
    order = np.concatenate([train, val, test])
    known = len(train) + len(val)
    fragments = tuple(data.fragments[i] for i in order[:known])
    fragments += tuple(replace(data.fragments[i], author="", work="") for i in order[known:])
    ends = np.cumsum([len(train), len(val), len(test)])
    split = Split(np.arange(ends[0]), np.arange(ends[0], ends[1]), np.arange(ends[1], ends[2]))
    return LatinInput(data.authors, fragments, data.labels[order[:known]], tuple(data.sq[i] for i in order), split,
                      data.split_mode)


def method_input(data: LatinData) -> LatinInput:
    """The data without the test fragments' authors (see :class:`LatinInput`)."""
    return data.view


def test_targets(data: LatinData) -> dict[str, np.ndarray]:
    """The author index of each test fragment, in ``split.test`` order: what ``evaluate`` scores against."""
    return {"test_labels": data.labels[data.split.test]}


def load(size: str, seed: int, ctx: RunContext) -> LatinData:
    """Read, clean and fragment the corpus; scan it; split it (deterministic in ``seed``).

    The budget may name a subset: ``works`` of the mirror (smoke's :data:`benchmarks.tasks.latin.sizes.SMOKE_WORKS`),
    or ``corpus_subset``, the first authors and works of a user's corpus; else the whole corpus is read.
    """
    options, budget = ctx.options, ctx.budget
    if options["corpus"] is not None:
        folder = Path(options["corpus"])
        works = _first_works(folder, *budget.corpus_subset) if budget.corpus_subset else None
    else:
        folder = fetch(LATIN_LIBRARY)
        works = budget.works
    corpus = load_corpus(
        folder,
        authors=list(works) if works is not None else None,
        works=works,
        min_fragments=options["min_fragments"],
        on_too_few=options["on_too_few"],
    )
    fragments = tuple(corpus.fragments)
    authors = tuple(corpus.authors)
    labels = np.array([authors.index(f.author) for f in fragments])
    split_mode = options["split"]
    split = make_split(split_mode, [f.author for f in fragments], [f.work for f in fragments], seed)
    sq, coverage = scan_fragments(fragments, ctx)
    info = {
        "n_fragments": len(fragments),
        "n_words": sum(len(f.words) for f in fragments),
        "n_works": len({f.work for f in fragments}),
        "test_works": sorted({fragments[i].work for i in split.test}) if split_mode == "work" else [],
    }
    return LatinData(fragments, authors, labels, sq, split, split_mode, coverage, tuple(corpus.dropped), info)


def scan_fragments(fragments: tuple[Fragment, ...], ctx: RunContext | None = None) -> tuple[tuple[str, ...], float]:
    """SQ strings of the fragments and the lexicon's token coverage (0-1); progress through ``ctx.track`` if given."""
    from benchmarks.tasks.latin.lexicon import load_lexicon
    from benchmarks.tasks.latin.scansion import Scanner

    scanner = Scanner(load_lexicon())
    items = ctx.track(fragments, "scansion", total=len(fragments)) if ctx is not None else fragments
    sq = tuple(scanner.scan(f.sentences) for f in items)
    known = total = 0
    for fragment in fragments:
        for word in fragment.words:
            total += 1
            known += scanner.shape(word).analysed
    return sq, known / max(total, 1)


def _first_works(folder: Path, n_authors: int, n_works: int) -> dict[str, tuple[str, ...]]:
    """A user corpus's smoke subset: the first authors and works in name order."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: corpus folder not found (expected <author>/<work>.txt files)")
    authors = sorted(p for p in folder.iterdir() if p.is_dir())[:n_authors]
    return {a.name: tuple(p.stem for p in sorted(a.glob("*.txt"))[:n_works]) for a in authors}
