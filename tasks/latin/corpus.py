"""Corpus loader: a folder of plain-text works, one sub-folder per author (The Latin Library layout).

Each work is cleaned (site header and footer, which name the author; section numbers and
``[n]`` markers; editorial brackets; digits; control characters), split into sentences
(``. ? ! ; :`` end a sentence, as in the paper, but not after an abbreviated praenomen such as
``C.`` or ``Cn.``), sentences of fewer than 5 words are merged into the next one, and the
sentences are grouped into fragments of 10 consecutive, non-overlapping sentences.

Fragments keep the sentences in their original spelling (lower case, accents removed) so that
scansion can tell consonantal v from vowel u; :func:`normalise` gives the orthography-neutral
text (v->u, j->i) for the text channels.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.tasks.latin.language import is_latin

SENTENCES_PER_FRAGMENT = 10
MIN_SENTENCE_WORDS = 5
ON_TOO_FEW = ("drop", "stop")

_FOOTER = re.compile(r"the latin library|the classics page|^\s*(christian latin|neo-latin|medieval latin)\s*$", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SECTION_MARK = re.compile(r"\[[^\]]*\]")  # [ 12 ] markers and editors' deletions [et]
_ANGLE = re.compile(r"[<>]")  # editors' additions <in>: keep the word
# chapter numbers in Roman numerals opening a paragraph ("I. Maior pars"); C. and L. are names
_CHAPTER = re.compile(r"^(?:[IVX]+|[IVXLC]{2,})\.\s+")
_ABBREVIATION = re.compile(r"\b(A|Ap|C|Cn|D|K|L|M|Mam|N|P|Q|S|Ser|Sex|Sp|T|Ti|Tib|V)\.")
_SENTENCE_END = re.compile(r"[.?!;:]+")
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Fragment:
    """Up to 10 consecutive sentences of one work.

    ``sentences``: lower case, accents removed, original u/v and i/j spelling, letters and
    spaces only.
    """

    author: str
    work: str  # "author/file-stem", unique in the corpus
    sentences: tuple[str, ...]

    @property
    def words(self) -> list[str]:
        return [w for s in self.sentences for w in s.split()]

    @property
    def text(self) -> str:
        """Orthography-neutral text for the text channels: v->u, j->i, sentences end with ' .'."""
        return " ".join(normalise(s) + " ." for s in self.sentences)


@dataclass
class Corpus:
    """Fragments of every kept author, and what was dropped and why."""

    fragments: list[Fragment]
    dropped: list[str] = field(default_factory=list)

    @property
    def authors(self) -> list[str]:
        return sorted({f.author for f in self.fragments})


def normalise(text: str) -> str:
    """Lower case, v->u, j->i (the u/v and i/j of editions differ; the author does not)."""
    return text.lower().replace("v", "u").replace("j", "i")


def read_work(path: Path) -> str:
    """The text of one work; ``ValueError`` naming the file when it is not UTF-8 text."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path}: not UTF-8 text (byte {error.start}: {data[error.start:error.start + 4]!r}); "
            "convert it, e.g. with iconv -f latin1 -t utf-8"
        ) from None
    nul = data.count(b"\x00")
    if nul > max(16, len(data) // 100):
        raise ValueError(f"{path}: looks like a binary file ({nul} NUL bytes), not plain text")
    return text


def _is_title(line: str) -> bool:
    """A heading: no sentence-final punctuation and short, or an upper-case Latin title."""
    words = len(line.split())
    upper = line.upper() == line and words <= 20
    return upper or (words <= 12 and not _SENTENCE_END.search(line[-1:]))


def clean_text(text: str) -> str:
    """Strip the Latin Library's furniture and editorial marks; keep the prose (original case).

    Removed: the header (first line when it is a heading, e.g. "Cicero: de Amicitia"), lines
    (paragraphs) that are not Latin (editors' notes, front matter: :func:`benchmarks.tasks.latin.language.is_latin`),
    upper-case titles, rows of section numbers, the footer (author name, "The Latin Library", "The
    Classics Page"), Roman chapter numbers opening a paragraph, ``[n]`` markers and editors'
    deletions ``[...]``, the brackets of editors' additions ``<...>``, digits and control characters.
    """
    lines = [line.strip() for line in _CONTROL.sub("", text).splitlines()]
    lines = [line for line in lines if any(c.isalpha() for c in line) and not _FOOTER.search(line)]
    while lines and len(lines[-1].split()) <= 3 and not _SENTENCE_END.search(lines[-1]):
        lines.pop()  # the footer's author name
    if lines and _is_title(lines[0]):
        lines.pop(0)
    lines = [line for line in lines if is_latin(line)]  # editors' notes, front matter in English
    lines = [_CHAPTER.sub("", line) for line in lines if not (line.upper() == line and len(line.split()) <= 20)]
    body = _SECTION_MARK.sub(" ", " ".join(lines))
    body = _ANGLE.sub("", body)
    body = re.sub(r"\d+", " ", body)
    return re.sub(r"\s+", " ", body).strip()


def _plain_words(sentence: str) -> str:
    decomposed = unicodedata.normalize("NFD", sentence.lower())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    letters = letters.replace("æ", "ae").replace("œ", "oe")
    return " ".join(_WORD.findall(letters))


def split_sentences(text: str) -> list[str]:
    """Sentences of a cleaned text, as lower-case words separated by single spaces."""
    protected = _ABBREVIATION.sub(lambda m: m.group(1) + "\u2024", text)  # hide the abbreviation dot
    sentences = [_plain_words(s) for s in _SENTENCE_END.split(protected)]
    return [s for s in sentences if s]


def merge_short(sentences: Sequence[str], min_words: int = MIN_SENTENCE_WORDS) -> list[str]:
    """Merge each sentence of fewer than ``min_words`` words into the next (the last into the previous)."""
    merged: list[str] = []
    pending = ""
    for sentence in sentences:
        sentence = f"{pending} {sentence}".strip()
        if len(sentence.split()) < min_words:
            pending = sentence
        else:
            merged.append(sentence)
            pending = ""
    if pending:
        if merged:
            merged[-1] = f"{merged[-1]} {pending}"
        else:
            merged.append(pending)
    return merged


def make_fragments(author: str, work: str, sentences: Sequence[str], size: int = SENTENCES_PER_FRAGMENT) -> list[Fragment]:
    """Consecutive non-overlapping fragments of ``size`` sentences (the last one may be shorter)."""
    return [Fragment(author, work, tuple(sentences[i : i + size])) for i in range(0, len(sentences), size)]


def _handle(problem: str, on_too_few: str, dropped: list[str]) -> None:
    if on_too_few == "stop":
        raise ValueError(problem + " (set on_too_few=drop to skip it and go on)")
    warnings.warn(problem + "; dropped", stacklevel=3)
    dropped.append(problem)


def load_corpus(
    folder: Path | str,
    *,
    authors: Iterable[str] | None = None,
    works: dict[str, Sequence[str]] | None = None,
    min_fragments: int = 20,
    on_too_few: str = "stop",
) -> Corpus:
    """Read ``folder/<author>/<work>.txt`` into fragments.

    ``authors``: sub-folders to read (default: all); ``works``: per author, the file stems to read
    (default: all ``*.txt``). A file that is not UTF-8 text, a work with no sentence after
    cleaning, or an author with fewer than ``min_fragments`` fragments is dropped with a warning
    (``on_too_few="drop"``) or stops the run with a ``ValueError`` naming it (``"stop"``).
    """
    if on_too_few not in ON_TOO_FEW:
        raise ValueError(f"on_too_few must be one of {ON_TOO_FEW}, got {on_too_few!r}")
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: corpus folder not found (expected <author>/<work>.txt files)")
    names = sorted(authors) if authors is not None else sorted(p.name for p in folder.iterdir() if p.is_dir())
    if not names:
        raise ValueError(f"{folder}: no author sub-folders (expected <author>/<work>.txt files)")
    fragments: list[Fragment] = []
    dropped: list[str] = []
    for author in names:
        directory = folder / author
        if not directory.is_dir():
            raise FileNotFoundError(f"{directory}: author folder not found")
        paths = (
            [directory / f"{stem}.txt" for stem in works[author]]
            if works is not None and author in works
            else sorted(directory.glob("*.txt"))
        )
        found: list[Fragment] = []
        for path in paths:
            if not path.is_file():
                raise FileNotFoundError(f"{path}: work file not found")
            try:
                text = read_work(path)
            except ValueError as error:
                _handle(str(error), on_too_few, dropped)
                continue
            sentences = merge_short(split_sentences(clean_text(text)))
            if not sentences:
                _handle(f"{path}: empty work (no sentence left after cleaning)", on_too_few, dropped)
                continue
            found += make_fragments(author, f"{author}/{path.stem}", sentences)
        if len(found) < min_fragments:
            _handle(
                f"{directory}: author {author!r} has {len(found)} fragments, fewer than min_fragments={min_fragments}",
                on_too_few,
                dropped,
            )
            continue
        fragments += found
    kept = Counter(f.author for f in fragments)
    if len(kept) < 2:
        raise ValueError(f"{folder}: fewer than 2 authors left ({dict(kept)}); attribution needs at least 2")
    return Corpus(fragments=fragments, dropped=dropped)
