"""Latin prose authorship attribution with syllabic-quantity (rhythm) features.

After Corbara, Moreo & Sebastiani (JASIST 2023): do the quantity patterns of Latin prose
(long, short, anceps syllables) reveal the author beyond topic-independent style features?
Heavy imports (torch, sklearn, pycollatinus) stay in the modules named by the strings below.
"""

from pathlib import Path

from benchmarks.data import Dataset, read_registry
from benchmarks.task import (Checklist, Direction, Method, MethodKind, Metric, Option, Output, Param, Preset, Shows, Task,
                             Topline)
from benchmarks.tasks.latin.sizes import BUDGETS, DESCRIPTIONS

_M = "benchmarks.tasks.latin."
_RHYTHMS = ("none", "sq", "fake")

LATIN_LIBRARY = Dataset(
    name="latin_library_6",
    mirror="latin",
    base_url="https://raw.githubusercontent.com/cltk/lat_text_latin_library/76229acaf02efd1964ac32009408a90b6f279758/",
    files=read_registry(Path(__file__).parent / "files" / "latin_library.txt"),
    licence="Public Domain Mark 1.0 (The Latin Library texts as collected by CLTK)",
    citation="The Latin Library (thelatinlibrary.com), via cltk/lat_text_latin_library",
    description="Prose works of Caesar, Cicero, Livy, Sallust, Seneca and Tacitus, one file per work or book.",
)

TASK = Task(
    name="latin",
    # the budget names the mirror's data (smoke: 4 authors x 3 works of it); a user's corpus is user:<hash>
    dataset_id=lambda size, options: None if options["corpus"] else BUDGETS[size].dataset,
    summary="Do syllabic-quantity (rhythm) patterns of Latin prose reveal the author beyond topic-agnostic style features?",
    citation=(
        "Corbara, Moreo & Sebastiani (2023). Syllabic quantity patterns as rhythmic features for Latin "
        "authorship attribution. JASIST 74(1):128-141. arXiv:2110.14203"
    ),
    # 2: the mcnemar_p metric is gone (the runner tests the pairs below on the items); the CNN's batch order
    # comes from the cell's "batches" stream
    # 3: cleaning drops non-Latin lines (editors' notes, front matter); the CNN trains on random windows of
    # each fragment to convergence (64 filters at default) and reads whole fragments to predict
    # 4: at most 30 CNN epochs at default (was 40)
    # 5: the CNN's max-pool skips the padding that fills a batch (a row's output no longer depends on its
    # batch), and prediction batches fragments of similar lengths
    version=5,
    metrics=(
        Metric("macro_f1", Direction.HIGHER, "", "macro-averaged F1 over authors on the test fragments", ideal=1.0),
        Metric("micro_f1", Direction.HIGHER, "", "micro-averaged F1 (= accuracy for single-label data)"),
        Metric("accuracy", Direction.HIGHER, "", "share of test fragments attributed correctly"),
    ),
    sizes=DESCRIPTIONS,
    budgets=BUDGETS,
    methods=(
        Method("majority", MethodKind.CONTROL, _M + "methods.majority:majority", "the author with most training fragments"),
        Method(
            "svm", MethodKind.BASELINE, _M + "methods.svm:svm",
            "linear SVM on BF (function words, word/sentence lengths) [+ DV 3-grams] [+ SQ or FAKE 3-7-grams]",
            params=(
                Param("dv", bool, False, "add the DV-MA/SA/EX character 3-grams to BF"),
                Param("rhythm", str, "none", "add syllabic-quantity 3-7-grams (sq), FAKE quantities of the same shape "
                      "(fake, the control) or neither", choices=_RHYTHMS),
            ),
        ),
        Method(
            "char_ngram_tfidf", MethodKind.BASELINE, _M + "methods.svm:char_ngram_tfidf",
            "char 2-5-gram TF-IDF + linear SVM: sees names and topics, not a topic-agnostic style feature",
        ),
        Method(
            "cnn", MethodKind.MODEL, _M + "methods.cnn:cnn", "multi-channel CNN: text, DV-MA/SA/EX, BF [+ SQ or FAKE]",
            params=(
                Param("rhythm", str, "none", "add a channel of syllabic quantities (sq), FAKE quantities of the same "
                      "shape (fake, the control) or neither", choices=_RHYTHMS),
                Param("max_epochs", int, None, "epoch limit (default: the size's)", minimum=1, budget=True),
            ),
        ),
    ),
    # the paper's rows
    presets=(
        Preset("svm_bf", "svm", {}, "linear SVM on BF"),
        Preset("svm_bf_sq", "svm", {"rhythm": "sq"}, "linear SVM on BF + SQ 3-7-grams"),
        Preset("svm_bf_dv", "svm", {"dv": True}, "linear SVM on BF + DV-MA/SA/EX 3-grams"),
        Preset("svm_bf_dv_sq", "svm", {"dv": True, "rhythm": "sq"}, "linear SVM on BF + DVs + SQ"),
        Preset("svm_bf_dv_fake", "svm", {"dv": True, "rhythm": "fake"}, "BF + DVs + FAKE quantities (control)"),
        Preset("cnn_sq", "cnn", {"rhythm": "sq"}, "multi-channel CNN + SQ channel"),
        Preset("cnn_fake", "cnn", {"rhythm": "fake"}, "multi-channel CNN + FAKE channel (control)"),
    ),
    # the paper's McNemar tests: each with-SQ (or FAKE) method against the same method without it
    pairs=(
        ("svm_bf_sq", "svm_bf"),
        ("svm_bf_dv_sq", "svm_bf_dv"),
        ("svm_bf_dv_fake", "svm_bf_dv"),
        ("cnn_sq", "cnn"),
        ("cnn_fake", "cnn"),
    ),
    load=_M + "data:load",
    method_input=_M + "data:method_input",
    test_targets=_M + "data:test_targets",
    output=Output(
        "int array (n_test,) of author indices into data.authors, one per test fragment in data.split.test order; "
        "or a Prediction(y_pred, info) of benchmarks.tasks.latin.metrics, info a JSON-able dict about the fit",
        _M + "metrics:check_output",
    ),
    evaluate=_M + "metrics:evaluate",
    figure=_M + "figure:figure",
    options=(
        Option("corpus", Path, None, "folder of <author>/<work>.txt plain-text files (default: the Latin Library mirror)"),
        Option("split", str, "work", "work: no work on both sides (primary); fragment: stratified fragments, 81/9/10 (the paper's)",
               choices=("work", "fragment")),
        Option("min_fragments", int, 20, "authors with fewer fragments (of 10 sentences) are dropped or stop the run",
               minimum=1),
        Option("on_too_few", str, "stop", "stop or drop: what to do with an author with too few fragments, an empty or non-UTF-8 work",
               choices=("stop", "drop")),
    ),
    datasets=(LATIN_LIBRARY,),
    checklist=Checklist(
        question="Do the rhythmic patterns of Latin prose, its sequences of long and short syllables (syllabic "
                 "quantity), identify the author beyond topic-independent style features such as function words?",
        data="Plain text of six classical prose authors (Caesar, Cicero, Livy, Sallust, Seneca, Tacitus; 83 works, "
             "about 680,000 words) from The Latin Library, cut into about 4,300 fragments of 10 sentences, each "
             "labelled with its author; by default no work is on both sides of the split. Smoke reads 4 authors x 3 "
             "short works; the option corpus reads a user's folder of <author>/<work>.txt files instead.",
        success="Macro-averaged F1 over authors on the test fragments (higher is better). The question is answered "
                "by pairs: a method with syllabic-quantity (SQ) features must beat the same method without them "
                "(McNemar test on the fragments), while random FAKE quantities of the same shape must not.",
        baselines="Linear SVMs on function-word frequencies and word and sentence lengths (BF) and on distortion "
                  "views (DVs): the topic-agnostic features of Corbara, Moreo & Sebastiani's study, which SQ must add "
                  "to. Character n-gram TF-IDF also sees names and topics, so it is shown but does not answer the "
                  "question.",
        toplines=(
            Topline("Corbara, Moreo & Sebastiani, SyllabicQuantity_Latin repository logs (Dec 2020): BF + SQ "
                    "3-7-grams, macro-F1 0.611, micro-F1 0.755 (an exploratory log; the paper's tables were not "
                    "retrieved)",
                    "published", "latinitas_antiqua_v0",
                    "LatinitasAntiqua-v0 corpus (19 authors, 68 texts, 15,837 fragments), logistic regression, "
                    "5-fold cross-validation by fragment",
                    short="the authors' logged macro-F1 of 0.611"),
        ),
    ),
    # at smoke (3 authors' worth of fragments) both families already leave the majority class far behind
    smoke_shows=(Shows("cnn", "majority", margin=0.2), Shows("svm_bf", "majority", margin=0.4)),
    headline=("micro_f1",),
    answer_note="The strongest baseline, char_ngram_tfidf, is the field's (PAN's character n-grams), not the paper's, "
                "whose result tables could not be retrieved: no published claim is tested here",
)
