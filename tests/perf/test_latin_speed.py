"""Speed of the latin task's hot paths: scansion + feature extraction (words per second) and CNN
training time per epoch. Issue target: 1,000,000 words scanned and featurised in under 60 s on
2 cores, i.e. >= 16,667 words/s. Smoke-sized unless LATIN_PERF_SIZE=default."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

TARGET_WORDS_PER_SECOND = 1_000_000 / 60
ROOT = Path(__file__).resolve().parents[2]
SIZE = os.environ.get("LATIN_PERF_SIZE", "smoke")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    mirror = Path(os.environ.get("BENCHMARKS_MIRROR") or ROOT.parent / "shared" / "data")
    if not (mirror / "latin").is_dir():
        pytest.skip(f"no Latin Library mirror at {mirror}/latin")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BENCHMARKS_MIRROR", str(mirror))
        patch.setenv("BENCHMARKS_DATA", str(tmp_path_factory.mktemp("latin-perf")))
        from benchmarks.context import make_context
        from tasks.latin import TASK
        from tasks.latin.data import load

        yield load(SIZE, 0, make_context(TASK, SIZE, 0))


def _scan_and_featurise(fragments) -> float:
    """Seconds of CPU time to scan (cold word caches) and compute BF + DV strings of ``fragments``."""
    from tasks.latin.data import scan_fragments
    from tasks.latin.features import DV_VIEWS, base_features, distort
    from tasks.latin.lexicon import load_lexicon

    load_lexicon()._cache.clear()  # measure lexicon look-ups too, not only cache hits
    start = time.process_time()
    scan_fragments(fragments)
    base_features(fragments)
    for fragment in fragments:
        for view in DV_VIEWS:
            distort(fragment.text, view)
    return time.process_time() - start


def test_scansion_and_features_words_per_second(benchmark, data):
    seconds = benchmark.pedantic(_scan_and_featurise, args=(data.fragments,), rounds=1, iterations=1)
    words = data.info["n_words"]
    rate = words / seconds
    benchmark.extra_info.update({"words": words, "cpu_seconds": seconds, "words_per_second": rate})
    if benchmark.disabled:
        return  # `make test` runs this once to exercise it; the target is checked by `make bench`
    load = os.getloadavg()[0]
    if load > os.cpu_count():
        pytest.skip(f"load average {load:.1f} > {os.cpu_count()} cores; measured {rate:,.0f} words/s")
    assert rate >= TARGET_WORDS_PER_SECOND, f"{rate:,.0f} words/s < {TARGET_WORDS_PER_SECOND:,.0f}"


def test_cnn_seconds_per_epoch(benchmark, data):
    from benchmarks.context import make_context
    from tasks.latin import TASK
    from tasks.latin.methods.cnn import train_cnn

    one_epoch = make_context(TASK, SIZE, 0, {"max_epochs": 1}, method="cnn_sq")
    _, info = benchmark.pedantic(train_cnn, args=(data, "sq", one_epoch), rounds=1, iterations=1)
    benchmark.extra_info.update({"seconds_per_epoch": info["seconds_per_epoch"], "train_fragments": len(data.split.train)})
    assert info["epochs"] == 1 and info["seconds_per_epoch"] > 0
