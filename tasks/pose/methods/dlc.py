"""The model: DeepLabCut's backbone + deconvolution network, trained on the training frames.

Initial weights (parameter ``pretrain``): ``imagenet``: ImageNet weights given by the ``weights``
parameter or found in the torch hub cache (never downloaded); ``synthetic``: for real target frames
(sizes default and full, or option ``project``), weights pre-trained on synthetic frames, computed
once per setting and cached (:mod:`benchmarks.tasks.pose.pretraining`), then fine-tuned on the real frames;
``none``: random initialisation; ``auto`` (the default): the first of these that is available. The record's
details say which was used. Pre-trained against from scratch is a comparison of two rows
(``--method 'dlc_resnet[pretrain=[synthetic,none]]'``), not a second network trained inside this one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

from benchmarks.context import RunContext
from benchmarks.tasks.pose.data import PoseData
from benchmarks.tasks.pose.network import PoseNet, imagenet_weights
from benchmarks.tasks.pose.prediction import PosePrediction
from benchmarks.tasks.pose.sizes import Budget
from benchmarks.tasks.pose.training import AUGMENTATION, input_scale_for, predict, train


def dlc(data: PoseData, ctx: RunContext, *, backbone: str, iterations: int, pretrain_iterations: int,
        input_scale: float | None, pretrain: str, weights: str | None) -> PosePrediction:
    """Train on ``data.train`` frames and predict every frame; see the module docstring for the initial
    weights. The budget parameters replace the size's fields (as the runner does in ``ctx.budget``)."""
    budget = replace(ctx.budget, backbone=backbone, iterations=iterations, pretrain_iterations=pretrain_iterations,
                     input_scale=input_scale)
    has_synthetic = data.source != "synthetic" and pretrain_iterations > 0
    choice, checkpoint = choose_initialisation(pretrain, weights, backbone, has_synthetic)
    scale = input_scale_for(data.frames, input_scale)
    with ctx.torch_seeded():  # seeded initialisation and a thread limit, without touching the caller's state
        net, pretraining = _fit(data, ctx, budget, choice, checkpoint, scale)
        with ctx.phase("predict"):
            points, scores = predict(net, data.frames, scale, ctx.device)
    details: dict[str, Any] = {
        "backbone": budget.backbone,
        "weights": _describe(choice, pretrain, checkpoint, pretraining),
        "iterations": budget.iterations,
        "batch_size": budget.batch_size,
        "input_scale": scale,
    }
    if pretraining is not None:
        details["pretraining"] = {k: pretraining[k] for k in ("cached", "frames", "device")}
    return PosePrediction(points=points, scores=scores, details=details)


def choose_initialisation(
    pretrain: str, weights: str | Path | None, backbone: str, has_synthetic: bool
) -> tuple[str, Path | None]:
    """(imagenet | synthetic | none, the ImageNet checkpoint when used) for parameter ``pretrain``.

    Raises when an explicit choice cannot be honoured (no weights found, no synthetic set).
    """
    if weights is not None:
        path = Path(weights).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"parameter 'weights': no file at {path}")
    else:
        path = imagenet_weights(backbone)
    if pretrain == "imagenet" and path is None:
        raise ValueError(f"pretrain='imagenet' but no {backbone} checkpoint in the torch cache; pass weights=PATH")
    if pretrain == "synthetic" and not has_synthetic:
        raise ValueError("pretrain='synthetic' needs real target frames (sizes default and full, or option "
                         "project) and pretrain_iterations > 0")
    if pretrain == "auto":
        pretrain = "imagenet" if path is not None else ("synthetic" if has_synthetic else "none")
    return pretrain, (path if pretrain == "imagenet" else None)


def _fit(data: PoseData, ctx: RunContext, budget: Budget, choice: str, weights: Path | None,
         input_scale: float) -> tuple[PoseNet, dict | None]:
    """The trained network (on frames resized by ``input_scale``), and the pre-training's facts when synthetic
    pre-training was used."""
    from benchmarks.tasks.pose.pretraining import pretrained_weights, pretraining_settings

    device = ctx.device
    net = PoseNet(budget.backbone, len(data.frames.bodyparts), weights=weights).to(device)
    pretraining = None
    if choice == "synthetic":
        settings = pretraining_settings(data.frames, budget, AUGMENTATION)
        with ctx.phase("pretrain"):  # once per setting: later cells read the cached weights
            state, parts, pretraining = pretrained_weights(settings, device, ctx.track)
        source = PoseNet(budget.backbone, len(parts))
        source.load_state_dict(state)
        transfer(source.to(device), net, parts, data.frames.bodyparts)
    with ctx.phase("train"):
        train(net, data.frames, data.train, iterations=budget.iterations, batch_size=budget.batch_size,
              crop=budget.crop, input_scale=input_scale, learning_rate=budget.learning_rate, radius=budget.radius,
              seed=ctx.seed, device=device, augmentation=AUGMENTATION, track=ctx.track, description="training")
    return net, pretraining


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


def _describe(choice: str, requested: str, weights: Path | None, pretraining: dict | None) -> str:
    if choice == "imagenet":
        return f"ImageNet ({weights})"
    if choice == "synthetic":
        return (f"synthetic pre-training: {pretraining['settings']['iterations']} iterations on "
                f"{pretraining['frames']} frames")
    if requested == "none":
        return "random initialisation (pretrain=none)"
    return "random initialisation (no ImageNet weights in the torch cache, no synthetic pre-training set)"
