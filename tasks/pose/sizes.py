"""The sizes of the pose task: what each one holds, and how the model is trained at it.

Light to import (no numpy): ``tasks.pose`` reads it to declare ``TASK``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """How the model is trained at one size (``ctx.budget``); the options ``backbone``,
    ``iterations``, ``pretrain_iterations`` and ``input_scale`` override their fields."""

    backbone: str  # resnet18 | resnet50
    iterations: int  # optimiser steps on the target data
    batch_size: int
    input_scale: float  # network input pixels per image pixel (DeepLabCut's global_scale)
    crop: tuple[int, int]  # training crop (height, width) in network input pixels
    learning_rate: float
    radius: float  # score-map positive radius in network-input pixels (DeepLabCut: 17 px at 640x480)
    pretrain_iterations: int = 0  # steps on the synthetic pre-training set, when one is used


SIZES = {
    "smoke": "24 synthetic frames (2 videos, 128x96 and 116x88), ResNet-18, 40 iterations on 64x96 crops "
             "(checks that it runs; from random weights it needs ~100 to beat the control)",
    "default": "480 synthetic frames (12 videos, 160x120 and 144x108), ResNet-18, 1,000 iterations on 80x80 crops",
    "full": "DeepLabCut's open-field project (116 real 640x480 frames, 4 parts), ResNet-50 at scale 0.8; "
            "pre-trained on 1,000 synthetic 640x480 frames when no ImageNet weights are cached",
}

BUDGETS = {
    "smoke": Budget("resnet18", 40, 8, 1.0, (64, 96), 2e-3, 8.0, pretrain_iterations=20),
    "default": Budget("resnet18", 1000, 8, 1.0, (80, 80), 1e-3, 8.0, pretrain_iterations=1000),
    "full": Budget("resnet50", 30000, 8, 0.8, (384, 384), 5e-4, 17.0 * 0.8, pretrain_iterations=30000),
}

#: The frames of the synthetic sizes, as keyword arguments of :class:`tasks.pose.synthetic.GeneratorConfig`
#: (plain numbers here, so that declaring the task does not import the generator's numpy and scipy).
SYNTHETIC = {
    "smoke": dict(n_videos=2, frames_per_video=12, height=96, width=128, mixed_sizes=True),
    "default": dict(n_videos=12, frames_per_video=40, height=120, width=160, mixed_sizes=True),
}

#: Synthetic pre-training sets (videos, frames per video), used when the target frames are real (size full,
#: or option project); rendered at the target frames' most common size, so that one input scale fits both.
PRETRAIN_FRAMES = {"smoke": (2, 12), "default": (12, 40), "full": (20, 50)}
