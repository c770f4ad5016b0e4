"""The task's data: the Latin Library mirror (or a user corpus), fragments, SQ strings and the split."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.context import RunContext
from benchmarks.data import fetch
from tasks.latin import LATIN_LIBRARY
from tasks.latin.corpus import Fragment, load_corpus
from tasks.latin.splits import Split, make_split


@dataclass(frozen=True)
class LatinData:
    """Fragments with their author labels, SQ strings and the split (read-only for methods)."""

    fragments: tuple[Fragment, ...]
    authors: tuple[str, ...]  # class names; labels index into this
    labels: np.ndarray  # (n_fragments,) int
    sq: tuple[str, ...]  # scansion string of each fragment, over {-, u, x}
    split: Split
    split_mode: str
    lexicon_coverage: float  # share of word tokens the lexicon analysed
    dropped: tuple[str, ...] = ()
    info: Mapping[str, Any] = field(default_factory=dict)


def load(size: str, seed: int, ctx: RunContext) -> LatinData:
    """Read, clean and fragment the corpus; scan it; split it (deterministic in ``seed``).

    The budget may name a subset: ``works`` of the mirror (smoke's :data:`tasks.latin.sizes.SMOKE_WORKS`),
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
    from tasks.latin.lexicon import load_lexicon
    from tasks.latin.scansion import Scanner

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
