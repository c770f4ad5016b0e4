"""The sizes of the pose task: what each one holds, and how the model is trained at it.

Light to import (no numpy): ``benchmarks.tasks.pose`` reads it to declare ``TASK``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Budget:
    """How the data are split and the model is trained at one size (``ctx.budget``); the option
    ``train_fraction`` and the model's parameters ``backbone``, ``iterations``, ``pretrain_iterations``
    and ``input_scale`` override their fields."""

    backbone: str  # resnet18 | resnet50 | mobilenet_v2
    iterations: int  # optimiser steps on the target data
    batch_size: int
    input_scale: float | None  # network input pixels per image pixel (DeepLabCut's global_scale); None: the frames'
    # (INPUT_SHORT_SIDE over their shorter side, at most 1), so that any project's frames meet the network alike
    crop: tuple[int, int]  # training crop (height, width) in network input pixels
    learning_rate: float
    radius: float  # score-map positive radius in network-input pixels (DeepLabCut: 17 px at 640x480)
    pretrain_iterations: int = 0  # steps on the synthetic pre-training set, when one is used
    train_fraction: float = 0.8  # share of frames for training (DeepLabCut: 0.95; 0.8 gives a steadier test error)
    # Frames generated instead of read (keyword arguments of benchmarks.tasks.pose.synthetic.GeneratorConfig; plain numbers,
    # so that declaring the task does not import the generator); None: DeepLabCut's open-field project.
    synthetic: Mapping[str, Any] | None = None
    # The synthetic pre-training set used when the target frames are real: (videos, frames per video), rendered
    # at the target frames' most common size x the input scale.
    pretrain_frames: tuple[int, int] = (12, 40)


SIZES = {
    "smoke": "24 synthetic frames (2 videos, 128x96 and 116x88), MobileNetV2, 150 iterations on 64x96 crops",
    "default": "DeepLabCut's open-field project (116 real 640x480 frames, 4 parts, 80/20 split), MobileNetV2 at "
               "scale 0.25 (a project's frames: shorter side to 120 px), pre-trained once on 480 synthetic 160x120 "
               "frames (cached), then 600 iterations",
    "full": "DeepLabCut's open-field project, its published protocol: ResNet-50 at scale 0.8, 95/5 split, "
            "30,000 iterations after 30,000 synthetic pre-training ones (1,000 512x384 frames; once, cached) when no "
            "ImageNet weights are given. For a GPU (--device cuda)",
}

#: Where a size leaves the input scale to the frames: their shorter side becomes this many network
#: input pixels (0.25 for the open-field project's 640x480, as DeepLabCut-Live's low-resolution inference),
#: so that the training crops fit and the body parts span the same receptive fields in any project.
INPUT_SHORT_SIDE = 120

BUDGETS = {
    "smoke": Budget("mobilenet_v2", 150, 8, 1.0, (64, 96), 2e-3, 8.0, pretrain_iterations=20,
                    synthetic=dict(n_videos=2, frames_per_video=12, height=96, width=128, mixed_sizes=True),
                    pretrain_frames=(2, 12)),
    "default": Budget("mobilenet_v2", 600, 8, None, (96, 96), 2e-3, 8.0, pretrain_iterations=600,
                      pretrain_frames=(12, 40)),
    "full": Budget("resnet50", 30000, 8, 0.8, (384, 384), 5e-4, 17.0 * 0.8, pretrain_iterations=30000,
                   train_fraction=0.95, pretrain_frames=(20, 50)),
}
