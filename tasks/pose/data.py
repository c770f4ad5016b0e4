"""``load(size, seed, options)``: labelled frames read from a DeepLabCut project, split by the seed.

Synthetic sizes are generated once per configuration, written as a DeepLabCut project into the
data cache and read back by the same reader as the real project, so both take one path.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tasks.pose.project import LabelledFrames, read_project, write_project
from tasks.pose.splits import split_frames, split_videos
from tasks.pose.synthetic import GeneratorConfig, generate

GENERATOR_VERSION = 1  # bump when the generator's output changes: cached projects are keyed by it
DATA_SEED = 2018  # synthetic sets are fixed datasets; the run's seed draws the split and the training


@dataclass(frozen=True)
class Budget:
    """How the model is trained at one size (options may override some fields)."""

    backbone: str  # resnet18 | resnet50
    iterations: int  # optimiser steps on the target data
    batch_size: int
    input_scale: float  # network input pixels per image pixel (DeepLabCut's global_scale)
    crop: tuple[int, int]  # training crop (height, width) in network input pixels
    learning_rate: float
    radius: float  # score-map positive radius in network-input pixels (DeepLabCut: 17 px at 640x480)
    pretrain_iterations: int = 0  # steps on the synthetic pre-training set, when one is used


@dataclass(frozen=True)
class PoseData:
    """Frames with their split; ``pretrain`` holds synthetic frames for pre-training (real target frames only)."""

    frames: LabelledFrames
    train: np.ndarray  # frame indices
    test: np.ndarray
    size: str
    source: str  # synthetic | openfield | project
    budget: Budget
    pretrain: LabelledFrames | None = None


SYNTHETIC = {
    "smoke": GeneratorConfig(n_videos=2, frames_per_video=12, height=96, width=128, mixed_sizes=True),
    "default": GeneratorConfig(n_videos=12, frames_per_video=40, height=120, width=160, mixed_sizes=True),
}
# Synthetic pre-training sets (videos, frames per video), used when the target frames are real (size
# full, or option project); rendered at the target frames' most common size, so that one input scale fits both.
PRETRAIN_FRAMES = {"smoke": (2, 12), "default": (12, 40), "full": (20, 50)}

BUDGETS = {
    "smoke": Budget("resnet18", 40, 8, 1.0, (64, 96), 2e-3, 8.0, pretrain_iterations=20),
    "default": Budget("resnet18", 1000, 8, 1.0, (80, 80), 1e-3, 8.0, pretrain_iterations=1000),
    "full": Budget("resnet50", 30000, 8, 0.8, (384, 384), 5e-4, 17.0 * 0.8, pretrain_iterations=30000),
}


def load(size: str, seed: int, options: Mapping[str, Any]) -> PoseData:
    """The labelled frames of ``size`` split into train and test frames by ``seed``.

    ``options``: ``project`` (a DeepLabCut project folder used instead of the size's data),
    ``split`` (frames | videos), ``train_fraction``, ``iterations``, ``backbone``, ``input_scale``.
    """
    if size not in BUDGETS:
        raise ValueError(f"unknown size {size!r}; expected one of {sorted(BUDGETS)}")
    budget = _budget(size, options)
    pretrain = None
    if options.get("project"):
        frames, source = read_project(Path(options["project"]).expanduser()), "project"
    elif size == "full":
        from benchmarks.data import fetch

        from tasks.pose.dataset import OPENFIELD, OPENFIELD_PROJECT

        frames, source = read_project(fetch(OPENFIELD) / OPENFIELD_PROJECT), "openfield"
    else:
        frames, source = synthetic_project(SYNTHETIC[size], DATA_SEED), "synthetic"
    wants_synthetic = str(options.get("pretrain") or "auto") in ("auto", "synthetic")
    if source != "synthetic" and budget.pretrain_iterations > 0 and wants_synthetic:
        pretrain = synthetic_project(pretraining_config(size, frames), DATA_SEED + 1)
    fraction = float(options.get("train_fraction") or 0.8)
    if options.get("split", "frames") == "videos":
        train, test = split_videos(frames.videos, fraction, seed)
    elif options.get("split", "frames") == "frames":
        train, test = split_frames(len(frames), fraction, seed)
    else:
        raise ValueError(f"option 'split' must be 'frames' or 'videos', got {options.get('split')!r}")
    return PoseData(frames, train, test, size, source, budget, pretrain)


def pretraining_config(size: str, frames: LabelledFrames) -> GeneratorConfig:
    """The synthetic pre-training set for ``frames``: the size's frame count at their most common image size."""
    shapes = [image.shape[:2] for image in frames.images]
    height, width = max(set(shapes), key=shapes.count)
    n_videos, per_video = PRETRAIN_FRAMES[size]
    return GeneratorConfig(n_videos=n_videos, frames_per_video=per_video, height=height, width=width)


def _budget(size: str, options: Mapping[str, Any]) -> Budget:
    budget = BUDGETS[size]
    changes: dict[str, Any] = {}
    if options.get("iterations") is not None:
        changes["iterations"] = int(options["iterations"])
    if options.get("pretrain_iterations") is not None:
        changes["pretrain_iterations"] = int(options["pretrain_iterations"])
    if options.get("backbone") not in (None, "auto"):
        if options["backbone"] not in ("resnet18", "resnet50"):
            raise ValueError(f"option 'backbone' must be resnet18, resnet50 or auto, got {options['backbone']!r}")
        changes["backbone"] = options["backbone"]
    if options.get("input_scale") is not None:
        changes["input_scale"] = float(options["input_scale"])
    return Budget(**{**asdict(budget), **changes, "crop": tuple(budget.crop)})


def synthetic_project(config: GeneratorConfig, seed: int) -> LabelledFrames:
    """Generate (once, cached as a DeepLabCut project) and read back a synthetic set."""
    from benchmarks.data import cache_root

    key = hashlib.sha256(repr((GENERATOR_VERSION, asdict(config), seed)).encode()).hexdigest()[:16]
    folder = cache_root() / "pose-synthetic" / key
    if not (folder / "config.yaml").is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".part-"))
        staging.chmod(0o755)  # mkdtemp makes it private; a shared cache is read by others
        try:
            write_project(staging, generate(config, seed), extra_config={"generator": asdict(config), "seed": seed})
            try:
                os.replace(staging, folder)  # atomic: a parallel worker may have written it first
            except OSError:
                pass
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return read_project(folder)
