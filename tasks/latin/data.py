"""The task's data: the Latin Library mirror (or a user corpus), fragments, SQ strings and the split."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.data import fetch
from tasks.latin.corpus import Fragment, load_corpus
from tasks.latin.dataset import LATIN_LIBRARY
from tasks.latin.splits import Split, make_split

#: The smoke subset: 4 authors x 3 short works, about 45,000 words.
SMOKE_WORKS: dict[str, tuple[str, ...]] = {
    "caesar": ("gall2", "gall3", "gall4"),
    "cicero": ("cat1", "cat2", "cat3"),
    "seneca": ("ben1", "sen.prov", "sen.otio"),
    "tacitus": ("tac.ger", "tac.ann16", "tac.hist5"),
}


@dataclass(frozen=True)
class CnnConfig:
    """Size-dependent settings of the multi-channel CNN (the paper's are the ``full`` ones)."""

    filters: int
    max_chars: int  # text and DV channels are cut to this many characters
    max_syllables: int  # SQ / FAKE channel length
    max_epochs: int
    patience: int  # epochs without a better validation macro-F1 before stopping
    warmup: int  # epochs before early stopping may stop
    batch_size: int = 64
    learning_rate: float = 1e-3  # Adam's default, as in the paper
    threads: int | None = None  # CPU threads for torch (None: torch's default); restored afterwards


CNN_CONFIGS = {
    # smoke: few fragments, so small batches and a higher learning rate give enough steps
    "smoke": CnnConfig(
        filters=32, max_chars=300, max_syllables=200, max_epochs=20, patience=5, warmup=10,
        batch_size=16, learning_rate=3e-3, threads=1,
    ),
    # default: a quarter of the paper's width x length, so that an epoch takes seconds on a laptop
    "default": CnnConfig(
        filters=32, max_chars=500, max_syllables=250, max_epochs=12, patience=3, warmup=4, batch_size=32
    ),
    "full": CnnConfig(filters=128, max_chars=2000, max_syllables=1000, max_epochs=5000, patience=100, warmup=50),
}


@dataclass(frozen=True)
class LatinData:
    """Fragments with their author labels, SQ strings and the split (read-only for methods)."""

    fragments: tuple[Fragment, ...]
    authors: tuple[str, ...]  # class names; labels index into this
    labels: np.ndarray  # (n_fragments,) int
    sq: tuple[str, ...]  # scansion string of each fragment, over {-, u, x}
    split: Split
    split_mode: str
    cnn: CnnConfig
    lexicon_coverage: float  # share of word tokens the lexicon analysed
    dropped: tuple[str, ...] = ()
    info: Mapping[str, Any] = field(default_factory=dict)

    def texts(self, rows: np.ndarray) -> list[str]:
        return [self.fragments[i].text for i in rows]


def load(size: str, seed: int, options: Mapping[str, Any]) -> LatinData:
    """Read, clean and fragment the corpus; scan it; split it (deterministic in ``seed``)."""
    if size not in CNN_CONFIGS:
        raise ValueError(f"unknown size {size!r} (smoke, default or full)")
    corpus_path = options.get("corpus")
    if corpus_path:
        folder = Path(corpus_path)
        works = _first_works(folder) if size == "smoke" else None
    else:
        folder = fetch(LATIN_LIBRARY)
        works = SMOKE_WORKS if size == "smoke" else None
    corpus = load_corpus(
        folder,
        authors=list(works) if works is not None else None,
        works=works,
        min_fragments=int(options.get("min_fragments", 20)),
        on_too_few=str(options.get("on_too_few", "stop")),
    )
    fragments = tuple(corpus.fragments)
    authors = tuple(corpus.authors)
    labels = np.array([authors.index(f.author) for f in fragments])
    split_mode = str(options.get("split", "work"))
    split = make_split(split_mode, [f.author for f in fragments], [f.work for f in fragments], seed)
    sq, coverage = scan_fragments(fragments)
    config = CNN_CONFIGS[size]
    if options.get("max_epochs"):
        config = CnnConfig(**{**config.__dict__, "max_epochs": int(options["max_epochs"])})
    info = {
        "n_fragments": len(fragments),
        "n_words": sum(len(f.words) for f in fragments),
        "n_works": len({f.work for f in fragments}),
        "test_works": sorted({fragments[i].work for i in split.test}) if split_mode == "work" else [],
    }
    return LatinData(fragments, authors, labels, sq, split, split_mode, config, coverage, tuple(corpus.dropped), info)


def scan_fragments(fragments: tuple[Fragment, ...]) -> tuple[tuple[str, ...], float]:
    """SQ strings of the fragments and the lexicon's token coverage (0-1)."""
    from benchmarks.progress import track
    from tasks.latin.lexicon import load_lexicon
    from tasks.latin.scansion import Scanner

    scanner = Scanner(load_lexicon())
    sq = tuple(scanner.scan(f.sentences) for f in track(fragments, "scansion", total=len(fragments)))
    known = total = 0
    for fragment in fragments:
        for word in fragment.words:
            total += 1
            known += scanner.shape(word).analysed
    return sq, known / max(total, 1)


def _first_works(folder: Path, n_authors: int = 4, n_works: int = 3) -> dict[str, tuple[str, ...]]:
    """A user corpus's smoke subset: the first authors and works in name order."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: corpus folder not found (expected <author>/<work>.txt files)")
    authors = sorted(p for p in folder.iterdir() if p.is_dir())[:n_authors]
    return {a.name: tuple(p.stem for p in sorted(a.glob("*.txt"))[:n_works]) for a in authors}
