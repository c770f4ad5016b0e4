"""Speed of the pose task's hot paths: inference frames/s at 640x480 (ResNet-50 and ResNet-18, CPU),
training seconds per 1,000 iterations (a few measured and scaled; MobileNetV2 against the previous
ResNet-18), cached synthetic pre-training against building it, and the generator's frames/s.

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
    from benchmarks.tasks.pose.network import PoseNet

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


def test_training_seconds_per_1000_iterations_mobilenet_against_resnet18(benchmark, tmp_path, monkeypatch):
    """The default model's backbone (MobileNetV2) against the previous one (ResNet-18), same crops, same run."""
    from benchmarks.context import make_context
    from benchmarks.tasks.pose import TASK
    from benchmarks.tasks.pose.data import load
    from benchmarks.tasks.pose.network import PoseNet
    from benchmarks.tasks.pose.training import AUGMENTATION, train

    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path))
    data = load("smoke", 0, make_context(TASK, size="smoke", seed=0))  # synthetic: no download
    budget = TASK.budgets["smoke" if SIZE == "smoke" else "default"]
    steps = 3 if SIZE == "smoke" else 20

    def per_1000(backbone: str) -> float:
        net = PoseNet(backbone, len(data.frames.bodyparts))
        started = time.process_time()
        train(net, data.frames, data.train, iterations=steps, batch_size=budget.batch_size, crop=budget.crop,
              input_scale=1.0, learning_rate=budget.learning_rate, radius=budget.radius, seed=0,
              device=torch.device("cpu"), augmentation=AUGMENTATION)
        return (time.process_time() - started) / steps * 1000

    def run() -> tuple[float, float]:
        return per_1000("resnet18"), per_1000("mobilenet_v2")

    previous, current = benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info.update({"crop": list(budget.crop), "batch_size": budget.batch_size, "measured_iterations": steps,
                                 "cpu_seconds_per_1000_iterations_resnet18": previous,
                                 "cpu_seconds_per_1000_iterations_mobilenet_v2": current,
                                 "speedup": previous / current})
    assert previous > 0 and current > 0


def test_pretrained_weights_read_from_the_cache_against_training_them(benchmark, tmp_path, monkeypatch):
    """Pre-training once and reading it back: the second call must cost a file read, not the training."""
    from benchmarks.tasks.pose.pretraining import pretrained_weights

    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path))
    settings = {"pretrain_version": 0, "generator_version": 1, "data_seed": 1, "seed": 0, "backbone": "mobilenet_v2",
                "generator": {"n_videos": 1, "frames_per_video": 8, "height": 64, "width": 96}, "iterations": 3,
                "batch_size": 4, "crop": [64, 64], "learning_rate": 1e-3, "radius": 8.0, "augmentation": {}}

    def run() -> tuple[float, float]:
        started = time.perf_counter()
        pretrained_weights(settings, torch.device("cpu"))
        built = time.perf_counter() - started
        started = time.perf_counter()
        _, _, info = pretrained_weights(settings, torch.device("cpu"))
        assert info["cached"]
        return built, time.perf_counter() - started

    built, read = benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info.update({"build_seconds": built, "read_seconds": read, "ratio": built / read})
    assert read > 0


@pytest.mark.parametrize("height, width", [(96, 128), (480, 640)])
def test_generator_frames_per_second(benchmark, height, width):
    from benchmarks.tasks.pose.synthetic import GeneratorConfig, generate

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
