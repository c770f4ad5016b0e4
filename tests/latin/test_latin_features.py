"""BF, distortion views and the FAKE control on hand-made fragments."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.tasks.latin.corpus import Fragment
from benchmarks.tasks.latin.features import FUNCTION_WORDS, base_features, distort, fake_quantities


def test_base_features_blocks_by_hand():
    fragment = Fragment("a", "a/w", ("et in urbe erat vir bonus", "non est"))
    bf = base_features([fragment])
    n_fw = len(FUNCTION_WORDS)
    assert bf.shape == (1, n_fw + 25 + 100)
    fw, word_len, sent_len = bf[0, :n_fw], bf[0, n_fw : n_fw + 25], bf[0, n_fw + 25 :]
    for block in (fw, word_len, sent_len):
        assert np.linalg.norm(block) == pytest.approx(1.0)
    # 8 words: et, in, erat, non, est are function words, one occurrence each -> equal weights
    counts = {FUNCTION_WORDS[i] for i in np.flatnonzero(fw)}
    assert counts == {"et", "in", "erat", "non", "est"}
    # lengths 2 2 4 4 3 5 3 3: share >= 1 is 1, >= 3 is 6/8, >= 5 is 1/8, >= 6 is 0
    raw = np.array([1, 1, 6 / 8, 3 / 8, 1 / 8] + [0] * 20)
    assert word_len == pytest.approx(raw / np.linalg.norm(raw))
    # sentences of 6 and 2 words: share with >= i words is 1 (i <= 2), 0.5 (3..6), 0 after
    raw = np.array([1, 1, 0.5, 0.5, 0.5, 0.5] + [0] * 94)
    assert sent_len == pytest.approx(raw / np.linalg.norm(raw))


def test_distortion_views_keep_function_words_and_dots():
    text = "sed caesar uenit in galliam ."
    assert distort(text, "MA") == "sed ****** ***** in ******* ."
    assert distort(text, "SA") == "sed * * in * ."
    assert distort(text, "EX") == "sed c****r u***t in g*****m ."
    with pytest.raises(ValueError, match="unknown distortion view"):
        distort(text, "L2")


def test_fake_quantities_same_shape_and_deterministic():
    fragments = [Fragment("a", "a/w", ("caesar uenit et uidit",)), Fragment("b", "b/w", ("caesar dixit",))]
    first, again, other = fake_quantities(fragments, 0), fake_quantities(fragments, 0), fake_quantities(fragments, 1)
    assert first == again and first != other
    assert set("".join(first)) <= set("-ux")
    # floor(len/3) symbols per word: caesar 2, uenit 1, et 0, uidit 1 / caesar 2, dixit 1
    assert [len(s) for s in first] == [4, 3]
    assert first[0][:2] == first[1][:2]  # the same word type gets the same string
