"""Feature views of fragments: BF, the distortion views (DVs), SQ strings and the FAKE control.

- BF (base features, topic-independent): relative frequencies of Latin function words, the
  word-length curve (share of words with >= i letters, i = 1..25) and the sentence-length curve
  (share of sentences with >= i words, i = 1..100); each block is L2-normalised.
- DVs (Stamatatos 2018), over the normalised text with the function words kept and ``.`` kept:
  DV-MA stars every letter of other words, DV-SA replaces each other word by one star,
  DV-EX keeps the first and last letters of other words and stars the rest.
- SQ: the scansion string of the fragment (see :mod:`benchmarks.tasks.latin.scansion`).
- FAKE: each word type gets a random string over {-, u, x} of length floor(len/3): same shape
  as SQ, no rhythm; it checks that SQ's gain is not extra capacity.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from benchmarks.tasks.latin.corpus import Fragment, normalise

#: Classical Latin function words (normalised spelling: u for v, i for j). Prepositions,
#: conjunctions, adverbs, pronouns and forms of esse, after the paper's list without its
#: medieval items (idest, scilicet, uidelicet, hec).
FUNCTION_WORDS: tuple[str, ...] = tuple(
    """a ab abs ad adhuc ante apud at atque aut autem cum circa contra de deinde dum e enim ergo
    esse est et etiam etsi ex hic haec hoc huius iam ibi id idem igitur ille illa illud in inde
    inter ipse ita itaque nam namque ne nec necque neque nihil nisi non nunc ob per post postquam
    pro propter quae quam quamquam quasi qui quia quibus quid quidem quo quod quoque sed semper
    si sic sine sub sunt super tam tamen tum tunc ubi uel ut uti erat esset fuit sit""".split()
)
_FW_INDEX = {word: i for i, word in enumerate(FUNCTION_WORDS)}
_FW_SET = frozenset(FUNCTION_WORDS)
WORD_LENGTHS = 25
SENTENCE_LENGTHS = 100


def _l2(block: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(block, axis=1, keepdims=True)
    return block / np.where(norm > 0, norm, 1.0)


def base_features(fragments: Sequence[Fragment]) -> np.ndarray:
    """BF matrix, shape (n_fragments, n_function_words + 25 + 100), float64, blocks L2-normalised."""
    n = len(fragments)
    fw = np.zeros((n, len(FUNCTION_WORDS)))
    word_len = np.zeros((n, WORD_LENGTHS))
    sent_len = np.zeros((n, SENTENCE_LENGTHS))
    thresholds_w = np.arange(1, WORD_LENGTHS + 1)
    thresholds_s = np.arange(1, SENTENCE_LENGTHS + 1)
    for row, fragment in enumerate(fragments):
        words = normalise(" ".join(fragment.sentences)).split()
        for word in words:
            index = _FW_INDEX.get(word)
            if index is not None:
                fw[row, index] += 1
        fw[row] /= max(len(words), 1)
        lengths = np.array([len(w) for w in words])
        word_len[row] = (lengths[:, None] >= thresholds_w).mean(axis=0) if len(words) else 0.0
        counts = np.array([len(s.split()) for s in fragment.sentences])
        sent_len[row] = (counts[:, None] >= thresholds_s).mean(axis=0)
    return np.hstack([_l2(fw), _l2(word_len), _l2(sent_len)])


def distort(text: str, view: str) -> str:
    """A distortion view of normalised text (words separated by spaces, ``.`` kept).

    ``view``: ``"MA"`` (multiple asterisks), ``"SA"`` (single asterisk), ``"EX"`` (keep the ends).
    """
    out = []
    for word in text.split():
        if word in _FW_SET or word == ".":
            out.append(word)
        elif view == "MA":
            out.append("*" * len(word))
        elif view == "SA":
            out.append("*")
        elif view == "EX":
            out.append(word if len(word) <= 2 else word[0] + "*" * (len(word) - 2) + word[-1])
        else:
            raise ValueError(f"unknown distortion view {view!r} (MA, SA or EX)")
    return " ".join(out)


DV_VIEWS = ("MA", "SA", "EX")


def fake_quantities(fragments: Sequence[Fragment], seed: int) -> list[str]:
    """FAKE strings: per word type a random string over {-, u, x} of length floor(len/3)."""
    rng = np.random.default_rng(seed)
    table: dict[str, str] = {}
    symbols = np.array(list("-ux"))
    vocabulary = sorted({w for f in fragments for w in normalise(" ".join(f.sentences)).split()})
    for word in vocabulary:  # sorted, so the table depends on the seed only
        table[word] = "".join(symbols[rng.integers(0, 3, size=len(word) // 3)])
    return ["".join(table[w] for w in normalise(" ".join(f.sentences)).split()) for f in fragments]
