"""Prose scansion: syllable quantities (long ``-``, short ``u``, final anceps ``x``) of sentences.

Follows the rules of CLTK's prose ``Scansion`` (Kirby), which the paper used: a syllable is
long by nature (a diphthong, or a vowel that the lexicon marks long) or by position (followed
by two consonants, also across a word boundary; x and z count double, h not at all, qu once);
a mute followed by a liquid does not make position, nor an initial s + stop after a word that
ends in a vowel; a final vowel (or vowel + m) before a word that begins with a vowel or h is
elided and dropped; the last syllable of a sentence is anceps ``x``.

Scansion runs on the original spelling, before u/v and i/j are merged: consonantal u and i are
recognised from their place (initial or intervocalic; qu, ngu), so editions that print u for
consonantal v scan the same as editions with v. Word analyses are cached per word type.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.tasks.latin.lexicon import Lexicon

VOWELS = frozenset("aeiouy")
MUTES = frozenset("bcdgptf")
LIQUIDS = frozenset("lr")
STOPS = frozenset("ptc")
LONG, SHORT, ANCEPS = "-", "u", "x"
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class WordShape:
    """The prosodic skeleton of one word.

    ``nature``: per vowel nucleus, whether it is long by nature; ``gaps``: per pair of
    consecutive nuclei inside the word, the consonant units between them; ``lead``/``trail``:
    the consonant units before the first and after the last nucleus (x -> ks, z -> ds,
    intervocalic consonantal i -> jj, h dropped, qu -> q).
    """

    nature: tuple[bool, ...]
    gaps: tuple[str, ...]
    lead: str
    trail: str
    analysed: bool  # whether the lexicon knew the word


def _makes_position(cluster: str, across_word: bool) -> bool:
    if len(cluster) < 2:
        return False
    if len(cluster) == 2 and cluster[0] in MUTES and cluster[1] in LIQUIDS:
        return False
    if across_word and cluster[0] == "s" and cluster[1] in STOPS:
        return False
    return True


def word_shape(word: str, lexicon: Lexicon | None) -> WordShape:
    """Segment a lower-case word (original spelling, letters only) into nuclei and clusters."""
    quantities = lexicon.quantities(word) if lexicon is not None else None
    marked = [q for _, q in quantities] if quantities is not None else [False] * len(word)
    n = len(word)
    kinds: list[str] = []  # per letter: "V" vowel, "C" consonant, "0" silent (h, u of qu/ngu)
    for i, c in enumerate(word):
        prev_vowel = i > 0 and kinds[i - 1] == "V"
        next_vowel = i + 1 < n and word[i + 1] in VOWELS
        if c not in VOWELS:
            kinds.append("0" if c == "h" else "C")
        elif c == "u" and i > 0 and (word[i - 1] == "q" or (word[i - 1] == "g" and i > 1 and word[i - 2] == "n" and next_vowel)):
            kinds.append("0")
        elif c in "ui" and next_vowel and (i == 0 or prev_vowel):
            kinds.append("C")
        else:
            kinds.append("V")
    nature: list[bool] = []
    clusters: list[str] = []
    current = ""
    i = 0
    while i < n:
        c, kind = word[i], kinds[i]
        if kind == "V":
            clusters.append(current)
            current = ""
            long = marked[i]
            if i + 1 < n and kinds[i + 1] == "V" and word[i : i + 2] in ("ae", "oe", "au"):
                # a diphthong, unless the lexicon knows a hiatus (po-e-ta: first vowel not long)
                if quantities is None or marked[i]:
                    long = True
                    i += 1
            nature.append(long)
        elif kind == "C":
            if c in "ui":  # consonantal u/i
                current += "jj" if (c == "i" and i > 0) else c
            elif c == "x":
                current += "ks"
            elif c == "z":
                current += "ds"
            else:
                current += c
        i += 1
    if not nature:
        return WordShape((), (), current, "", quantities is not None)
    return WordShape(tuple(nature), tuple(clusters[1:]), clusters[0], current, quantities is not None)


class Scanner:
    """Scans sentences; caches word shapes (call from one thread at a time)."""

    def __init__(self, lexicon: Lexicon | None) -> None:
        self.lexicon = lexicon
        self._shapes: dict[str, WordShape] = {}

    def shape(self, word: str) -> WordShape:
        shape = self._shapes.get(word)
        if shape is None:
            shape = self._shapes[word] = word_shape(word, self.lexicon)
        return shape

    def scan_sentence(self, sentence: str) -> str:
        """Quantity string of one sentence (letters other than a-z are ignored)."""
        shapes = [s for s in (self.shape(w) for w in _WORD.findall(sentence.lower())) if s.nature]
        out: list[str] = []
        for k, shape in enumerate(shapes):
            following = shapes[k + 1] if k + 1 < len(shapes) else None
            count = len(shape.nature)
            elided = following is not None and shape.trail in ("", "m") and following.lead == ""
            for j in range(count):
                if j == count - 1:
                    if elided:
                        break
                    if following is None:
                        out.append(ANCEPS)
                        break
                    cluster, across = shape.trail + following.lead, shape.trail == ""
                else:
                    cluster, across = shape.gaps[j], False
                long = shape.nature[j] or _makes_position(cluster, across)
                out.append(LONG if long else SHORT)
        return "".join(out)

    def scan(self, sentences: Sequence[str]) -> str:
        """Quantity string of consecutive sentences, concatenated (``x`` marks each end)."""
        return "".join(self.scan_sentence(s) for s in sentences)
