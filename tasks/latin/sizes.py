"""What each size of the latin task reads and spends (light module, imported by ``__init__``).

The corpus is the same at ``default`` and ``full`` (six authors, 83 works); ``smoke`` reads
:data:`SMOKE_WORKS`. What changes with the size is the multi-channel CNN's budget: the ``full``
one is the paper's schedule.
"""

from __future__ import annotations

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
    """Size-dependent settings of the multi-channel CNN (``--set latin.max_epochs=N`` overrides ``max_epochs``)."""

    filters: int
    max_chars: int  # text and DV channels are cut to this many characters
    max_syllables: int  # SQ / FAKE channel length
    max_epochs: int
    patience: int  # epochs without a better validation macro-F1 before stopping
    warmup: int  # epochs before early stopping may stop
    batch_size: int = 64
    learning_rate: float = 1e-3  # Adam's default, as in the paper
    threads: int | None = None  # CPU threads for torch (None: all the cell's)


BUDGETS = {
    # smoke: few fragments, so small batches and a higher learning rate give enough steps;
    # tiny convolutions: more threads than one only add synchronisation cost
    "smoke": Budget(
        filters=32, max_chars=300, max_syllables=200, max_epochs=20, patience=5, warmup=10,
        batch_size=16, learning_rate=3e-3, threads=1,
    ),
    # default: a quarter of the paper's width x length, so that an epoch takes seconds on a laptop
    "default": Budget(filters=32, max_chars=500, max_syllables=250, max_epochs=12, patience=3, warmup=4, batch_size=32),
    "full": Budget(filters=128, max_chars=2000, max_syllables=1000, max_epochs=5000, patience=100, warmup=50),
}

DESCRIPTIONS = {
    "smoke": "4 authors x 3 short works (~45k words, ~270 fragments); CNN 32 filters, <= 20 epochs",
    "default": "6 authors, 83 works (~680k words, ~4,300 fragments); CNN 32 filters, 500 characters, <= 12 epochs",
    "full": "same corpus with the paper's CNN schedule (128 filters, <= 5000 epochs, patience 100)",
}
