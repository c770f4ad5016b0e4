"""Corpus loader: cleaning, sentences, fragments, and clear errors on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.tasks.latin.corpus import (Fragment, clean_text, load_corpus, make_fragments, merge_short, normalise, read_work,
                                split_sentences)

PAGE = """Caesar: Gallic War I
\t\t \n
 C. IVLI CAESARIS COMMENTARIORVM DE BELLO GALLICO LIBER PRIMVS
 1 \t 2 \t 3
[ 1 ] Gallia est omnis divisa in partes tres, quarum unam incolunt Belgae. Hi omnes lingua [et] institutis <inter> se differunt.
[ 2 ] Apud Helvetios longe nobilissimus fuit Orgetorix 58 annos natus.
\t\t Caesar
\t\t The Latin Library
\t\t The Classics Page
"""


def sentence(n_words: int, word: str = "verbum") -> str:
    return " ".join([word] * n_words) + "."


def write_corpus(root: Path, works: dict[str, dict[str, str]]) -> Path:
    for author, files in works.items():
        (root / author).mkdir(parents=True)
        for stem, text in files.items():
            (root / author / f"{stem}.txt").write_text(text, encoding="utf-8")
    return root


def test_clean_text_strips_site_furniture_markers_brackets_and_digits():
    text = clean_text(PAGE)
    assert text.startswith("Gallia est omnis divisa")
    assert "Latin Library" not in text and "Classics" not in text and "CAESARIS" not in text
    assert not text.endswith("Caesar")  # the footer's author name must not leak into the text
    assert "[" not in text and "<" not in text and "58" not in text
    assert "lingua institutis inter se" in text  # deletion [et] dropped, addition <inter> kept


def test_split_sentences_keeps_praenomina_and_splits_at_semicolons():
    sentences = split_sentences("C. Caesar venit; M. Tullius Cicero dixit: Romam eamus! Quid agis?")
    assert sentences == ["c caesar venit", "m tullius cicero dixit", "romam eamus", "quid agis"]


def test_split_sentences_removes_accents_but_keeps_v_and_j():
    assert split_sentences("Iúlius vīdit jam Æneam.") == ["iulius vidit jam aeneam"]


def test_merge_short_sentences_into_the_next_and_the_last_into_the_previous():
    sentences = ["a b", "c d e f g", "h i j k l m", "n o"]
    assert merge_short(sentences, min_words=5) == ["a b c d e f g", "h i j k l m n o"]


def test_fragments_are_ten_consecutive_sentences_the_last_shorter():
    sentences = [f"s{i} a b c d" for i in range(23)]
    fragments = make_fragments("cicero", "cicero/x", sentences)
    assert [len(f.sentences) for f in fragments] == [10, 10, 3]
    assert fragments[1].sentences[0] == "s10 a b c d"
    assert all(f.author == "cicero" and f.work == "cicero/x" for f in fragments)


def test_normalised_text_merges_u_v_and_i_j():
    fragment = Fragment("a", "a/w", ("virtus jam valet",))
    assert normalise("Virtus Jam") == "uirtus iam"
    assert fragment.text == "uirtus iam ualet ."


def test_read_work_rejects_non_utf8_and_binary_files(tmp_path):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Caesar dixit: ecce \xe6quor.".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.txt: not UTF-8 text"):
        read_work(latin1)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00" * 400 + b"abc")
    with pytest.raises(ValueError, match=r"binary\.txt: looks like a binary file"):
        read_work(binary)


def _corpus_texts(n_sentences: int) -> str:
    return "Titulus\n" + " ".join(sentence(6) for _ in range(n_sentences)) + "\n"


def test_load_corpus_reads_authors_and_works(tmp_path):
    root = write_corpus(tmp_path, {"a": {"w1": _corpus_texts(25), "w2": _corpus_texts(10)}, "b": {"w1": _corpus_texts(30)}})
    corpus = load_corpus(root, min_fragments=2)
    assert corpus.authors == ["a", "b"]
    assert [f.work for f in corpus.fragments] == ["a/w1"] * 3 + ["a/w2"] + ["b/w1"] * 3


def test_empty_work_stops_or_is_dropped(tmp_path):
    root = write_corpus(
        tmp_path, {"a": {"w1": _corpus_texts(30), "empty": "Titulus\n 1 2 3\n"}, "b": {"w1": _corpus_texts(30)}}
    )
    with pytest.raises(ValueError, match=r"empty\.txt: empty work"):
        load_corpus(root, min_fragments=1, on_too_few="stop")
    with pytest.warns(UserWarning, match="empty work"):
        corpus = load_corpus(root, min_fragments=1, on_too_few="drop")
    assert {f.work for f in corpus.fragments} == {"a/w1", "b/w1"}
    assert len(corpus.dropped) == 1


def test_non_utf8_work_stops_or_is_dropped(tmp_path):
    root = write_corpus(tmp_path, {"a": {"w1": _corpus_texts(30)}, "b": {"w1": _corpus_texts(30)}})
    (root / "a" / "bad.txt").write_bytes(b"Titulus\n" + "Caesar \xe6quor vidit hodie bene.".encode("latin-1"))
    with pytest.raises(ValueError, match=r"bad\.txt: not UTF-8"):
        load_corpus(root, min_fragments=1)
    with pytest.warns(UserWarning, match="not UTF-8"):
        assert load_corpus(root, min_fragments=1, on_too_few="drop").authors == ["a", "b"]


def test_author_with_too_few_fragments_stops_or_is_dropped(tmp_path):
    root = write_corpus(
        tmp_path, {"a": {"w1": _corpus_texts(50)}, "b": {"w1": _corpus_texts(50)}, "c": {"w1": _corpus_texts(15)}}
    )
    with pytest.raises(ValueError, match=r"author 'c' has 2 fragments, fewer than min_fragments=5"):
        load_corpus(root, min_fragments=5)
    with pytest.warns(UserWarning, match="author 'c'"):
        assert load_corpus(root, min_fragments=5, on_too_few="drop").authors == ["a", "b"]


def test_bad_arguments_get_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="corpus folder not found"):
        load_corpus(tmp_path / "missing")
    with pytest.raises(ValueError, match="on_too_few must be one of"):
        load_corpus(tmp_path, on_too_few="ignore")
    root = write_corpus(tmp_path / "one", {"a": {"w1": _corpus_texts(30)}})
    with pytest.raises(ValueError, match="fewer than 2 authors"):
        load_corpus(root, min_fragments=1)


def test_user_corpus_through_load_with_fragment_split(tmp_path):
    from benchmarks.context import make_context
    from benchmarks.tasks.latin import TASK
    from benchmarks.tasks.latin.data import load

    root = write_corpus(
        tmp_path, {a: {f"w{k}": _corpus_texts(60) for k in range(4)} for a in ("alpha", "beta", "gamma")}
    )
    ctx = make_context(TASK, "smoke", 0, {"corpus": str(root), "split": "fragment", "min_fragments": 5})
    data = load("smoke", 0, ctx)
    assert data.authors == ("alpha", "beta", "gamma")
    assert {f.work.split("/")[1] for f in data.fragments} == {"w0", "w1", "w2"}  # smoke: first 3 works
    assert len(data.split.test) == 3 * 2  # 10% of 3 x 18 fragments, stratified
    assert len(data.sq) == len(data.fragments)


def test_real_mirror_fragments(latin_env):
    from benchmarks.data import fetch
    from benchmarks.tasks.latin import LATIN_LIBRARY
    from benchmarks.tasks.latin.sizes import SMOKE_WORKS

    corpus = load_corpus(fetch(LATIN_LIBRARY), authors=list(SMOKE_WORKS), works=SMOKE_WORKS)
    assert corpus.authors == sorted(SMOKE_WORKS)
    assert all(len(s.split()) >= 5 for f in corpus.fragments for s in f.sentences)
    assert all(len(f.sentences) <= 10 for f in corpus.fragments)
    text = " ".join(f.text for f in corpus.fragments)
    assert "latin library" not in text and "classics page" not in text
    assert not any(c.isdigit() for c in text)
    first = next(f for f in corpus.fragments if f.work == "caesar/gall2")
    assert first.sentences[0].startswith("cum esset caesar in citeriore gallia")


def test_clean_text_keeps_the_first_line_of_a_plain_user_text():
    text = "Gallia est omnis divisa in partes tres.\nII. Quarum unam incolunt Belgae.\nC. Caesar venit.\n"
    assert clean_text(text) == "Gallia est omnis divisa in partes tres. Quarum unam incolunt Belgae. C. Caesar venit."


@pytest.mark.parametrize(
    "overrides, allowed",
    [
        ({"on_too_few": "ignore"}, "one of stop, drop"),
        ({"min_fragments": 0}, "an int >= 1"),
        ({"split": "author"}, "one of work, fragment"),
    ],
)
def test_bad_options_stop_before_any_cell(overrides, allowed):
    from benchmarks.task import OptionError
    from benchmarks.tasks.latin import TASK

    with pytest.raises(OptionError, match=f"--set latin.{next(iter(overrides))}=.*must be {allowed}"):
        TASK.resolve_options(overrides)


def test_max_epochs_is_the_cnn_s_parameter_with_the_size_s_default():
    from benchmarks.contract.variants import bind, by_name
    from benchmarks.task import OptionError
    from benchmarks.tasks.latin import TASK
    from benchmarks.tasks.latin.sizes import BUDGETS

    assert "max_epochs" not in TASK.resolve_options()  # a data option would be in every cell's key, the SVMs' too
    assert bind(by_name(TASK, "cnn_sq"), BUDGETS["default"])[1]["max_epochs"] == BUDGETS["default"].max_epochs
    variant = by_name(TASK, "cnn_sq", {"max_epochs": "3"})
    assert variant.name == "cnn[rhythm=sq,max_epochs=3]" and bind(variant, BUDGETS["default"])[1]["max_epochs"] == 3
    with pytest.raises(OptionError, match="must be an int >= 1"):
        by_name(TASK, "cnn", {"max_epochs": -5})


def test_presets_are_the_paper_s_rows_and_run_by_default():
    from benchmarks.contract.variants import by_name, default_variants
    from benchmarks.tasks.latin import TASK

    rows = [v.name for v in default_variants(TASK, "smoke")]
    assert rows == ["majority", "svm_bf", "svm_bf_sq", "svm_bf_dv", "svm_bf_dv_sq", "svm_bf_dv_fake",
                    "char_ngram_tfidf", "cnn", "cnn_sq", "cnn_fake"]
    assert by_name(TASK, "svm", {"dv": "true", "rhythm": "sq"}).name == "svm_bf_dv_sq"  # explicit form, preset's row
    assert by_name(TASK, "svm").name == "svm_bf" and by_name(TASK, "cnn").name == "cnn"
    assert by_name(TASK, "svm", {"rhythm": "fake"}).name == "svm[rhythm=fake]"  # not a paper row: named by its values


def test_is_latin_tells_editors_notes_from_prose_and_verse():
    from benchmarks.tasks.latin.language import is_latin

    assert is_latin("Gallia est omnis divisa in partes tres, quarum unam incolunt Belgae.")
    assert is_latin("Obsequium amicos, veritas odium parit.")  # no function word of either language: kept
    assert is_latin("Is pecuniam et vim habet; at his non est fides.")  # "is", "at", "his" are Latin too
    assert not is_latin("This text is taken from the edition of Halm, with the corrections of the editor.")
    assert not is_latin("The manuscripts read et cetera here; the reading is corrupt.")  # a quoted Latin word


def test_clean_text_drops_english_notes_and_front_matter():
    page = (
        "Cicero: de Amicitia\n"
        "Translated and edited for the web by the staff of the library; see the notes at the end.\n"
        "Q. Mucius augur multa narrare de C. Laelio socero suo memoriter et iucunde solebat.\n"
        "Note: the text of this passage is corrupt in all of the manuscripts.\n"
        "Obsequium amicos, veritas odium parit.\n"
    )
    assert clean_text(page) == (
        "Q. Mucius augur multa narrare de C. Laelio socero suo memoriter et iucunde solebat. "
        "Obsequium amicos, veritas odium parit."
    )


def test_language_rule_drops_no_line_of_the_mirror_s_prose(latin_env):
    """On the shipped texts only the English header lines (removed as headers anyway) fail the rule."""
    from benchmarks.tasks.latin.corpus import _CONTROL
    from benchmarks.tasks.latin.language import is_latin

    flagged = []
    for path in sorted((latin_env / "latin").glob("*/*.txt")):
        lines = [line.strip() for line in _CONTROL.sub("", read_work(path)).splitlines()]
        flagged += [(path.name, k) for k, line in enumerate(lines) if line and not is_latin(line)
                    and "Latin Library" not in line and "Classics Page" not in line]
    assert flagged and all(k == 0 for _, k in flagged)  # "Seneca: On Benefits I" and the like
