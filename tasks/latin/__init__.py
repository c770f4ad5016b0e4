"""Latin prose authorship attribution with syllabic-quantity (rhythm) features.

After Corbara, Moreo & Sebastiani (JASIST 2023): do the quantity patterns of Latin prose
(long, short, anceps syllables) reveal the author beyond topic-independent style features?
Heavy imports (torch, sklearn, pycollatinus) stay in the modules named by the strings below.
"""

from pathlib import Path

from benchmarks.task import Direction, Method, MethodKind, Metric, Option, Task

from tasks.latin.dataset import LATIN_LIBRARY

_M = "tasks.latin."


TASK = Task(
    name="latin",
    summary="Do syllabic-quantity (rhythm) patterns of Latin prose reveal the author beyond topic-agnostic style features?",
    citation=(
        "Corbara, Moreo & Sebastiani (2023). Syllabic quantity patterns as rhythmic features for Latin "
        "authorship attribution. JASIST 74(1):128-141. arXiv:2110.14203"
    ),
    version=1,
    metrics=(
        Metric("macro_f1", Direction.HIGHER, "", "macro-averaged F1 over authors on the test fragments"),
        Metric("micro_f1", Direction.HIGHER, "", "micro-averaged F1 (= accuracy for single-label data)"),
        Metric("accuracy", Direction.HIGHER, "", "share of test fragments attributed correctly"),
        Metric("mcnemar_p", Direction.LOWER, "", "exact McNemar p-value against the method's without-SQ twin"),
    ),
    sizes={
        "smoke": "4 authors x 3 short works (~45k words, ~270 fragments); CNN 32 filters, <= 20 epochs",
        "default": "6 authors, 83 works (~680k words, ~4,300 fragments); CNN 32 filters, 500 characters, <= 12 epochs",
        "full": "same corpus with the paper's CNN schedule (128 filters, <= 5000 epochs, patience 100)",
    },
    methods=(
        Method("majority", MethodKind.CONTROL, _M + "baselines:majority", "the author with most training fragments"),
        Method("svm_bf", MethodKind.BASELINE, _M + "baselines:svm_bf", "linear SVM on BF (function words, word/sentence lengths)"),
        Method("svm_bf_sq", MethodKind.BASELINE, _M + "baselines:svm_bf_sq", "linear SVM on BF + SQ 3-7-grams; McNemar vs svm_bf"),
        Method("svm_bf_dv", MethodKind.BASELINE, _M + "baselines:svm_bf_dv", "linear SVM on BF + DV-MA/SA/EX 3-grams"),
        Method("svm_bf_dv_sq", MethodKind.BASELINE, _M + "baselines:svm_bf_dv_sq", "linear SVM on BF + DVs + SQ; McNemar vs svm_bf_dv"),
        Method("svm_bf_dv_fake", MethodKind.BASELINE, _M + "baselines:svm_bf_dv_fake", "BF + DVs + FAKE quantities (control); McNemar vs svm_bf_dv"),
        Method(
            "char_ngram_tfidf", MethodKind.BASELINE, _M + "baselines:char_ngram_tfidf",
            "char 2-5-gram TF-IDF + linear SVM: topic-laden, near ceiling (~0.99 macro-F1 on Latin Library texts)",
        ),
        Method("cnn", MethodKind.MODEL, _M + "model:cnn", "multi-channel CNN: text, DV-MA/SA/EX, BF"),
        Method("cnn_sq", MethodKind.MODEL, _M + "model:cnn_sq", "multi-channel CNN + SQ channel; McNemar vs cnn"),
        Method("cnn_fake", MethodKind.MODEL, _M + "model:cnn_fake", "multi-channel CNN + FAKE channel (control); McNemar vs cnn"),
    ),
    load=_M + "data:load",
    evaluate=_M + "evaluation:evaluate",
    figure=_M + "evaluation:figure",
    options=(
        Option("corpus", Path, None, "folder of <author>/<work>.txt plain-text files (default: the Latin Library mirror)"),
        Option("split", str, "work", "work: no work on both sides (primary); fragment: stratified fragments, 81/9/10 (the paper's)"),
        Option("min_fragments", int, 20, "authors with fewer fragments (of 10 sentences) are dropped or stop the run"),
        Option("on_too_few", str, "stop", "stop or drop: what to do with an author with too few fragments, an empty or non-UTF-8 work"),
        Option("max_epochs", int, None, "CNN epoch limit (default: the size's)"),
    ),
    datasets=(LATIN_LIBRARY,),
)
