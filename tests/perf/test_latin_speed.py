"""Speed of the latin task's hot paths: scansion + feature extraction (words per second) and CNN
training time per epoch. Issue target: 1,000,000 words scanned and featurised in under 60 s on
2 cores, i.e. >= 16,667 words/s. Issue 16: one CNN epoch <= 2 s at default on 2 cores, measured
against the convolution reference in the same run. Smoke-sized unless LATIN_PERF_SIZE=default."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

TARGET_WORDS_PER_SECOND = 1_000_000 / 60
#: below this the CNN's epoch has lost its edge over version 2's network (a regression); the target is 2.75
MIN_CNN_RATIO = 2.0
VERSION_2_FILTERS = 32  # the default width of task version 2, whose epoch took 5.5 s on 2 quiet cores
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
        from benchmarks.tasks.latin import TASK
        from benchmarks.tasks.latin.data import load

        yield load(SIZE, 0, make_context(TASK, SIZE, 0))


def _scan_and_featurise(fragments) -> float:
    """Seconds of CPU time to scan (cold word caches) and compute BF + DV strings of ``fragments``."""
    from benchmarks.tasks.latin.data import scan_fragments
    from benchmarks.tasks.latin.features import DV_VIEWS, base_features, distort
    from benchmarks.tasks.latin.lexicon import load_lexicon

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


def test_cnn_epoch_against_the_convolution_reference(benchmark, data):
    """One training epoch of the multi-channel CNN (with SQ) at the size's budget against the network of
    task version 2: ``nn.Conv1d`` and ``amax`` at that version's width (32 filters), same batches, same
    threads, same run. Issue 16's target: <= 2 s per epoch at default on 2 cores where version 2 took
    5.5 s, a ratio >= 2.75 (``LATIN_PERF_SIZE=default``)."""
    import numpy as np
    import torch

    from benchmarks.context import make_context
    from benchmarks.tasks.latin import TASK
    from benchmarks.tasks.latin.features import base_features
    from benchmarks.tasks.latin.methods.charconv import CharChannel, ConvCharChannel
    from benchmarks.tasks.latin.methods.cnn import MultiChannelCNN, build_channels, train_epoch

    ctx = make_context(TASK, SIZE, 0, method="cnn_sq")
    budget = ctx.budget
    channels = build_channels(data, "sq", budget, 0)
    bf = base_features(data.fragments).astype(np.float32)

    def epoch(channel: type, filters: int) -> float:
        with ctx.torch_seeded(threads=budget.threads):
            model = MultiChannelCNN([c.vocabulary for c in channels], bf.shape[1], filters, len(data.authors),
                                    channel=channel)
            optimiser = torch.optim.Adam(model.parameters(), lr=budget.learning_rate)
            started = time.perf_counter()
            train_epoch(model, optimiser, channels, bf, data.labels, data.split.train, budget.batch_size,
                        np.random.default_rng(0), ctx.device)
            return time.perf_counter() - started

    load = os.getloadavg()[0]
    reference = epoch(ConvCharChannel, VERSION_2_FILTERS)
    seconds = benchmark.pedantic(epoch, args=(CharChannel, budget.filters), rounds=1, iterations=1)
    ratio = reference / seconds
    benchmark.extra_info.update(seconds_per_epoch=seconds, filters=budget.filters, reference_seconds_per_epoch=reference,
                                reference_filters=VERSION_2_FILTERS, ratio=ratio,
                                train_fragments=len(data.split.train), load_average=[load, os.getloadavg()[0]])
    if not benchmark.disabled:
        assert ratio >= MIN_CNN_RATIO, f"CNN epoch only {ratio:.1f}x faster than version 2's network"
