"""The model method: DeepLabCut's ResNet + deconvolution network, trained on the training frames.

Initial weights, in order of preference (option ``pretrain``, default ``auto``): ImageNet
weights given by the ``weights`` option or found in the torch hub cache (never downloaded);
else, when the data carry a synthetic pre-training set (real frames at full size), pre-training
on it and fine-tuning on the real frames, with a twin trained from scratch for comparison;
else random initialisation. The record's details say which was used.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch

from tasks.pose.data import PoseData
from tasks.pose.metrics import dlc_error
from tasks.pose.network import PoseNet, imagenet_weights
from tasks.pose.prediction import PosePrediction
from tasks.pose.training import predict, train

PRETRAIN_CHOICES = ("auto", "imagenet", "synthetic", "none")


def dlc(data: PoseData, *, device: torch.device, seed: int, options: Mapping[str, Any]) -> PosePrediction:
    """Train on ``data.train`` frames and predict every frame; see the module docstring for weights."""
    budget = data.budget
    choice, weights = choose_initialisation(
        str(options.get("pretrain") or "auto"), options.get("weights"), budget.backbone, data.pretrain is not None
    )
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):  # seeded initialisation without touching the caller's RNG
        torch.manual_seed(seed)
        started = time.perf_counter()
        net = _fit(data, choice, weights, device, seed)
        fit_seconds = time.perf_counter() - started
        points, scores = predict(net, data.frames, budget.input_scale, device)
        details: dict[str, Any] = {
            "backbone": budget.backbone,
            "weights": _describe(choice, weights, data),
            "iterations": budget.iterations,
            "batch_size": budget.batch_size,
            "input_scale": budget.input_scale,
            "fit_seconds": round(fit_seconds, 2),
        }
        if choice == "synthetic" and options.get("ablate_pretraining", True):
            torch.manual_seed(seed)
            scratch = _fit(data, "none", None, device, seed)
            scratch_points, _ = predict(scratch, data.frames, budget.input_scale, device)
            test = data.test
            details["test_error_without_pretraining"] = dlc_error(scratch_points[test], data.frames.keypoints[test])
            details["test_error_with_pretraining"] = dlc_error(points[test], data.frames.keypoints[test])
    return PosePrediction(points=points, scores=scores, details=details)


def choose_initialisation(
    pretrain: str, weights: str | Path | None, backbone: str, has_synthetic: bool
) -> tuple[str, Path | None]:
    """(imagenet | synthetic | none, the ImageNet checkpoint when used). Raises ValueError when an
    explicit choice cannot be honoured (no weights found, no synthetic set)."""
    if pretrain not in PRETRAIN_CHOICES:
        raise ValueError(f"option 'pretrain' must be one of {PRETRAIN_CHOICES}, got {pretrain!r}")
    if weights is not None:
        path = Path(weights).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"option 'weights': no file at {path}")
    else:
        path = imagenet_weights(backbone)
    if pretrain == "imagenet" and path is None:
        raise ValueError(f"pretrain='imagenet' but no {backbone} checkpoint in the torch cache; pass weights=PATH")
    if pretrain == "synthetic" and not has_synthetic:
        raise ValueError("pretrain='synthetic' needs real target frames (size full or option project)")
    if pretrain == "auto":
        pretrain = "imagenet" if path is not None else ("synthetic" if has_synthetic else "none")
    return pretrain, (path if pretrain == "imagenet" else None)


def _fit(data: PoseData, choice: str, weights: Path | None, device: torch.device, seed: int) -> PoseNet:
    budget = data.budget
    net = PoseNet(budget.backbone, len(data.frames.bodyparts), weights=weights).to(device)
    settings = dict(batch_size=budget.batch_size, crop=budget.crop, input_scale=budget.input_scale,
                    learning_rate=budget.learning_rate, radius=budget.radius, device=device)
    if choice == "synthetic":
        source = PoseNet(budget.backbone, len(data.pretrain.bodyparts)).to(device)
        train(source, data.pretrain, np.arange(len(data.pretrain)), iterations=budget.pretrain_iterations,
              seed=seed + 1, progress="pre-training on synthetic frames", **settings)
        transfer(source, net, data.pretrain.bodyparts, data.frames.bodyparts)
    train(net, data.frames, data.train, iterations=budget.iterations, seed=seed, progress="training", **settings)
    return net


def transfer(source: PoseNet, target: PoseNet, source_parts: tuple[str, ...], target_parts: tuple[str, ...]) -> None:
    """Copy the backbone, and the head channels of body parts both sets name alike (others stay fresh)."""
    target.body.load_state_dict(source.body.state_dict())
    with torch.no_grad():
        for k, part in enumerate(target_parts):
            if part in source_parts:
                j = source_parts.index(part)
                target.score.weight[:, k] = source.score.weight[:, j]
                target.score.bias[k] = source.score.bias[j]
                target.locref.weight[:, 2 * k : 2 * k + 2] = source.locref.weight[:, 2 * j : 2 * j + 2]
                target.locref.bias[2 * k : 2 * k + 2] = source.locref.bias[2 * j : 2 * j + 2]


def _describe(choice: str, weights: Path | None, data: PoseData) -> str:
    if choice == "imagenet":
        return f"ImageNet ({weights})"
    if choice == "synthetic":
        return f"synthetic pre-training: {data.budget.pretrain_iterations} iterations on {len(data.pretrain)} frames"
    return "random initialisation (no ImageNet weights in the torch cache; synthetic target data)"
