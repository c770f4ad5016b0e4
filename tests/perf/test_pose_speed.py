"""Speed of the pose task's hot paths: inference frames/s at 640x480 (ResNet-50 and ResNet-18, CPU),
training seconds per 1,000 iterations (a few measured and scaled) and the generator's frames/s.

Smoke-sized in ``make test`` (one frame, three iterations); POSE_PERF_SIZE=default measures more.
Training and generator rates use process CPU time (the machine may be shared); inference reports both.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest
import torch

SIZE = os.environ.get("POSE_PERF_SIZE", "smoke")
REPEATS = 5 if SIZE != "smoke" else 1


@pytest.mark.parametrize("backbone", ["resnet18", "resnet50"])
def test_inference_frames_per_second_640x480(benchmark, backbone):
    from tasks.pose.network import PoseNet

    net = PoseNet(backbone, n_parts=4).eval()
    frame = torch.randn(1, 3, 480, 640)

    def infer() -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        with torch.no_grad():
            for _ in range(REPEATS):
                net(frame)
        return (time.perf_counter() - wall) / REPEATS, (time.process_time() - cpu) / REPEATS

    wall, cpu = benchmark.pedantic(infer, rounds=1, iterations=1, warmup_rounds=0)
    benchmark.extra_info.update({"backbone": backbone, "frames_per_second": 1 / wall,
                                 "frames_per_cpu_second": 1 / cpu, "threads": torch.get_num_threads()})
    assert wall > 0 and cpu > 0


def test_training_seconds_per_1000_iterations(benchmark, tmp_path, monkeypatch):
    from benchmarks.context import make_context
    from tasks.pose import TASK
    from tasks.pose.data import load
    from tasks.pose.network import PoseNet
    from tasks.pose.training import train

    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path))
    ctx = make_context(TASK, size="smoke" if SIZE == "smoke" else "default", seed=0)
    data = load(ctx.size, ctx.seed, ctx)
    budget = ctx.budget
    steps = 3 if SIZE == "smoke" else 20
    net = PoseNet(budget.backbone, len(data.frames.bodyparts))

    def run() -> float:
        started = time.process_time()
        train(net, data.frames, data.train, iterations=steps, batch_size=budget.batch_size, crop=budget.crop,
              input_scale=budget.input_scale, learning_rate=budget.learning_rate, radius=budget.radius, seed=0,
              device=torch.device("cpu"))
        return (time.process_time() - started) / steps * 1000

    per_1000 = benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info.update({"backbone": budget.backbone, "crop": list(budget.crop), "batch_size": budget.batch_size,
                                 "cpu_seconds_per_1000_iterations": per_1000, "measured_iterations": steps})
    assert per_1000 > 0


@pytest.mark.parametrize("height, width", [(96, 128), (480, 640)])
def test_generator_frames_per_second(benchmark, height, width):
    from tasks.pose.synthetic import GeneratorConfig, generate

    n = 8 if SIZE == "smoke" else 50
    config = GeneratorConfig(n_videos=1, frames_per_video=n, height=height, width=width)

    def run() -> float:
        started = time.process_time()
        frames = generate(config, 0)
        assert len(frames) == n and np.isfinite(frames.keypoints).any()
        return n / (time.process_time() - started)

    rate = benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info.update({"frames_per_second": rate, "height": height, "width": width})
    assert rate > 0
