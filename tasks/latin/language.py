"""Is a paragraph Latin? Editors' notes and front matter in English must not reach the fragments.

The rule compares counts of very frequent function words of each language (none of them a
word of the other): a paragraph is Latin unless it has more English ones than Latin ones.
Latin prose has a Latin function word in every three or four words and no English one; an
English note has one in every three or four words and at most a quoted Latin phrase. Counts,
not shares, so that a short Latin line (verse, a wrapped line) with no function word is kept.
"""

from __future__ import annotations

import re

LATIN_MARKERS = frozenset(
    """ab ac ad atque autem cum de enim eius eo erat ergo esse est et etiam ex haec hoc iam igitur ita
    nam ne nec neque non per pro quae quam qui quid quod sed si sunt tamen uel ut""".split()
)
# not: "is", "at", "an", "has", "it", "me", "have" (Latin words too)
ENGLISH_MARKERS = frozenset(
    """the and of to that was with for by this which from be are were been on or not these there their
    its would should could into than what when who""".split()
)
_WORD = re.compile(r"[a-z]+")


def is_latin(paragraph: str) -> bool:
    """False when ``paragraph`` has more English than Latin function words (either spelling of u/v, i/j)."""
    words = _WORD.findall(paragraph.lower())
    english = sum(w in ENGLISH_MARKERS for w in words)
    latin = sum(w.replace("v", "u").replace("j", "i") in LATIN_MARKERS for w in words)
    return english <= latin
