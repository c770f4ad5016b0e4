"""Natural vowel lengths from the Collatinus lexicon (offline), for the SQ features.

CLTK's macronizer downloads its Morpheus tables at run time, so it cannot run here. The
Collatinus lexicon (Ouvrard & Verkerk, shipped in the ``pycollatinus`` package, GPL-2) lists
every lemma with its vowel quantities and the inflection models with quantified endings. We
use pycollatinus only as a morphological analyser (form -> lemma, stem number, ending) and
take the quantities ourselves from its data files, because pycollatinus 0.1.6 drops the
quantities of lemmas written without an ``=`` variant and then marks their vowels long.

A vowel of a form is marked long only when every analysis of the form agrees that it is long
(the rule of the spec's measurements); the share of tokens with at least one analysis is the
lexicon's coverage.
"""

from __future__ import annotations

import collections
import collections.abc
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

MACRON = "\u0304"
BREVE = "\u0306"
_ENCLITICS = ("que", "ne", "ue")  # -que, -ne, -ve: short vowels
_LOCK = threading.Lock()
_LEXICON: "Lexicon | None" = None


def _letters(text: str) -> list[tuple[str, bool]]:
    """Split a quantified string into (base letter, marked long) pairs.

    A macron without a breve is long; a breve, or both marks (a "common" vowel), is not.
    """
    out: list[tuple[str, bool]] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if out and char == MACRON:
                out[-1] = (out[-1][0], True)
            elif out and char == BREVE:
                out[-1] = (out[-1][0], False)
            continue
        out.append((_plain(char), False))
    return out


def _plain(char: str) -> str:
    char = char.lower()
    return {"j": "i", "v": "u", "ў": "y", "ụ": "u"}.get(char, char)


def _deramise(word: str) -> str:
    return word.lower().replace("j", "i").replace("v", "u")


def _apply_rule(graphie: str, rule: str) -> str | None:
    """Collatinus stem rule: 'K' = the lemma itself, 'n' = drop n letters, 'n,xyz' = drop and add."""
    if rule == "-":
        return None
    if rule == "K":
        return graphie
    drop, _, add = rule.partition(",")
    letters = unicodedata.normalize("NFD", graphie)
    # count base letters, not combining marks, when dropping
    bases = [i for i, c in enumerate(letters) if not unicodedata.combining(c)]
    cut = int(drop)
    end = bases[len(bases) - cut] if 0 < cut <= len(bases) else (len(letters) if cut == 0 else 0)
    kept = letters[:end]
    return unicodedata.normalize("NFC", kept + ("" if add in ("", "0") else add))


class Lexicon:
    """Quantified forms of Latin words; build with :func:`load_lexicon` (about 3 s, once)."""

    def __init__(self) -> None:
        # pycollatinus 0.1.6 still imports collections.Callable (removed in Python 3.10)
        if not hasattr(collections, "Callable"):
            collections.Callable = collections.abc.Callable  # type: ignore[attr-defined]
        from pycollatinus import Lemmatiseur

        self._analyser = Lemmatiseur()
        data = Path(self._analyser._resDir)
        self._lines: dict[str, tuple[list[str], dict[int, list[str]]]] = {}
        for name in ("lemmes.la", "lem_ext.la"):
            for line in (data / name).read_text(encoding="utf-8").splitlines():
                if not line or line.startswith("!"):
                    continue
                fields = line.split("|")
                heads = fields[0].split("=")
                graphies = (heads[1] if len(heads) > 1 else heads[0]).split(",")
                stems = {i - 1: fields[i].split(",") for i in (2, 3) if len(fields) > i and fields[i]}
                key = _key(heads[0])
                self._lines.setdefault(key, ([g.rstrip("0123456789") for g in graphies], stems))
        self._cache: dict[str, tuple[tuple[str, bool], ...] | None] = {}

    def quantities(self, word: str) -> tuple[tuple[str, bool], ...] | None:
        """(letter, long by nature) for each letter of ``word`` after v->u, j->i; None if unknown."""
        form = _deramise(word)
        if form in self._cache:
            return self._cache[form]
        candidates = self._candidates(form)
        if not candidates:
            for enclitic in _ENCLITICS:
                if form.endswith(enclitic) and len(form) > len(enclitic) + 1:
                    base = self._candidates(form[: -len(enclitic)])
                    candidates = [c + _letters(enclitic) for c in base]
                    if candidates:
                        break
        result = None
        if candidates:
            result = tuple(
                (letter, all(c[i][1] for c in candidates)) for i, (letter, _) in enumerate(candidates[0])
            )
        self._cache[form] = result
        return result

    def _candidates(self, form: str) -> list[list[tuple[str, bool]]]:
        found = []
        for irregular in self._analyser._irregs.get(form, []):
            found.append(_letters(irregular.grq().replace("*", "")))
        desinences = self._analyser._desinences
        radicals = self._analyser._radicaux
        for i in range(len(form) + 1):
            stem, ending = form[:i], form[i:]
            endings = desinences.get(ending)
            if not endings:
                continue
            for radical in radicals.get(stem, []):
                lemma = radical.lemme()
                for desinence in endings:
                    if desinence.modele() != lemma.modele() or desinence.numRad() != radical.numRad():
                        continue
                    for quantified_stem in self._stems(lemma, radical.numRad(), stem):
                        found.append(quantified_stem + _letters(desinence.grq()))
        # keep only analyses that spell the form letter by letter
        return [c for c in found if "".join(letter for letter, _ in c) == form]

    def _stems(self, lemma, number: int, stem: str) -> list[list[tuple[str, bool]]]:
        entry = self._lines.get(_key(lemma.cle()))
        if entry is None:
            return []
        graphies, explicit = entry
        if number in explicit:
            texts = explicit[number]
        else:
            rule = lemma.modele().genRadical(number) if number in lemma.modele().cles_radicaux() else "K"
            texts = [t for t in (_apply_rule(g, rule) for g in graphies) if t is not None]
        out = []
        for text in texts:
            letters = _letters(text)
            if "".join(letter for letter, _ in letters) == stem:
                out.append(letters)
        return out


def _key(head: str) -> str:
    from unidecode import unidecode

    return _deramise(unidecode(head))


def load_lexicon() -> Lexicon:
    """The process-wide lexicon (built once; read-only afterwards apart from its word cache)."""
    global _LEXICON
    with _LOCK:
        if _LEXICON is None:
            _LEXICON = Lexicon()
        return _LEXICON


def coverage(words: Iterable[str], lexicon: Lexicon) -> float:
    """Share of word tokens (0-1) that the lexicon analyses."""
    words = list(words)
    if not words:
        return float("nan")
    return sum(lexicon.quantities(w) is not None for w in words) / len(words)
