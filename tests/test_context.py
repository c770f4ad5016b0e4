"""The run context: seeded streams, budgets, torch seeding and threads restored, progress anywhere."""

from __future__ import annotations

import io
import multiprocessing

import numpy as np
import pytest
import torch

from benchmarks.context import RunContext, make_context
from benchmarks.contract.registry import discover
from benchmarks.running.progress import LineReporter, QueueReporter, format_seconds, track


@pytest.fixture
def toy(toy_tasks):
    return discover().get("toy")


def test_streams_are_reproducible_and_independent(toy):
    ctx = make_context(toy, seed=3)
    assert np.array_equal(ctx.rng("split").random(5), make_context(toy, seed=3).rng("split").random(5))
    assert not np.array_equal(ctx.rng("split").random(5), ctx.rng("init").random(5))
    assert not np.array_equal(ctx.rng("split").random(5), make_context(toy, seed=4).rng("split").random(5))
    assert ctx.rng(1, "a").random() == ctx.rng(1, "a").random()
    assert 0 <= ctx.seed_for("tsne") < 2**32 and ctx.seed_for("tsne") != ctx.seed_for("umap")
    with pytest.raises(TypeError, match="ints or strings"):
        ctx.rng(1.5)


def test_options_are_checked_and_budget_options_reach_the_budget(toy):
    ctx = make_context(toy, "default", options={"n_samples": "7"})
    assert ctx.budget.n_samples == 7 and ctx.options["n_samples"] == 7
    assert make_context(toy, "default").budget.n_samples == 200
    with pytest.raises(TypeError):
        ctx.options["true_mean"] = 1.0  # read-only for methods
    with pytest.raises(ValueError, match="--set toy.n_samples=0"):
        make_context(toy, options={"n_samples": "0"})


def test_torch_seeded_seeds_inside_and_restores_the_callers_state(toy):
    ctx = make_context(toy, seed=5, threads=1)
    torch.manual_seed(123)
    expected_outside = torch.rand(3)
    torch.manual_seed(123)
    threads = torch.get_num_threads()
    with ctx.torch_seeded():
        inside = torch.rand(3)
        assert torch.get_num_threads() == 1
    assert torch.equal(torch.rand(3), expected_outside)  # the caller's stream went on untouched
    assert torch.get_num_threads() == threads
    with ctx.torch_seeded():
        assert torch.equal(torch.rand(3), inside)  # same seed, same numbers
    with ctx.torch_seeded("other"):
        assert not torch.equal(torch.rand(3), inside)


def test_thread_limit_never_exceeds_the_cells_threads(toy):
    ctx = make_context(toy, threads=2)
    with ctx.thread_limit(8) as limit:
        assert limit == 2 and torch.get_num_threads() == 2
    with ctx.thread_limit(1) as limit:
        assert limit == 1


def test_line_reporter_says_how_far_and_how_long_is_left(monkeypatch):
    clock = iter([0.0, 40.0, 80.0, 80.0])
    monkeypatch.setattr("benchmarks.running.progress.time.monotonic", lambda: next(clock))
    out = io.StringIO()
    reporter = LineReporter(out, interval_s=30)
    list(track(range(2), "training", reporter, label="toy/smoke/mean seed 0"))
    lines = out.getvalue().splitlines()
    assert lines[0] == "toy/smoke/mean seed 0 · training: 1/2 (50%), 40s elapsed, ~40s left"
    assert lines[-1].startswith("done toy/smoke/mean seed 0 · training: 2/2 (100%)")


def test_a_workers_progress_reaches_the_parent_through_a_queue():
    queue = multiprocessing.get_context("spawn").Queue()
    reporter = QueueReporter(queue, interval_s=3600)
    assert list(track([1, 2, 3], "epochs", reporter, label="cell")) == [1, 2, 3]
    messages = [queue.get(timeout=5) for _ in range(2)]
    # the steps between are throttled; the start and the end always arrive
    assert messages == [("cell · epochs", "epochs", 0, 3, False), ("cell · epochs", "epochs", 3, 3, True)]


def test_track_in_a_context_without_a_terminal_is_silent_for_short_loops(toy, capsys):
    ctx = RunContext("toy", "smoke", 0, None, {}, method="mean", reporter=LineReporter())
    assert sum(ctx.track(range(4), "quick")) == 6
    assert capsys.readouterr().err == ""


def test_seconds_read_like_a_clock():
    assert [format_seconds(s) for s in (5, 75, 3700)] == ["5s", "1m15s", "1h01m"]


def test_a_phase_adds_up_its_wall_and_cpu_time_also_when_it_raises(toy, monkeypatch):
    clock = iter([10.0, 12.5, 20.0, 21.0])  # wall: two entries of 2.5 s and 1 s
    monkeypatch.setattr("benchmarks.running.measure.time.perf_counter", lambda: next(clock))
    ctx = make_context(toy, "smoke")
    with ctx.phase("train"):
        pass
    with pytest.raises(ValueError), ctx.phase("train"):
        raise ValueError("a phase that fails still took its time")
    assert ctx.phases["train"].wall_s == pytest.approx(3.5)
    assert ctx.phases["train"].cpu_s >= 0
    with pytest.raises(ValueError, match="without '/'"), ctx.phase("method/train"):
        pass
