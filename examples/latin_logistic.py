"""Logistic regression on the latin task's BF features (+ SQ 3-7-grams): a method from outside the suite.

Corbara, Moreo & Sebastiani's exploratory logs (their SyllabicQuantity_Latin repository, Dec 2020) attributed
Latin prose fragments with a logistic regression on BF + SQ 3-7-grams; this is such a classifier on the
task's data, on the task's own BF function (function words, word and sentence lengths) and
SQ strings (as character 3-7-gram TF-IDF). C is given, not searched, so it fits once on the training and
validation fragments; classes are balanced as in the suite's SVMs. It returns the test fragments' authors.

Run it at smoke beside the suite's rows (BF alone: ``--method 'examples/latin_logistic.py:logistic_regression[sq=false]'``):

    python -m benchmarks run --task latin --size smoke --results /tmp/latin-example
    python -m benchmarks run --task latin --size smoke --method examples/latin_logistic.py:logistic_regression \
        --results /tmp/latin-example
    python -m benchmarks leaderboard --results /tmp/latin-example
"""

from __future__ import annotations

import numpy as np


def logistic_regression(data, ctx, *, C=1.0, sq=True):
    """Class-balanced logistic regression (inverse regularisation ``C``) on BF [+ SQ 3-7-gram TF-IDF]."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from benchmarks.tasks.latin.features import base_features
    from benchmarks.tasks.latin.metrics import Prediction

    known, test = np.concatenate([data.split.train, data.split.val]), data.split.test  # labels exist for known only
    bf = sparse.csr_matrix(base_features(data.fragments))
    x_known, x_test = [bf[known]], [bf[test]]
    if sq:
        tfidf = TfidfVectorizer(analyzer="char", ngram_range=(3, 7), sublinear_tf=True, lowercase=False)
        x_known.append(tfidf.fit_transform([data.sq[i] for i in known]))  # the vocabulary of labelled fragments only
        x_test.append(tfidf.transform([data.sq[i] for i in test]))
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    model.fit(sparse.hstack(x_known).tocsr(), data.labels[known])
    return Prediction(model.predict(sparse.hstack(x_test).tocsr()), {"C": C, "sq": sq})
