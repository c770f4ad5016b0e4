"""Synthetic pre-training of the model's backbone, computed once per setting and cached on disk.

The synthetic frames are rendered at the real frames' most common size times the input scale
(so the animal has the same size in network pixels as on the real frames, and rendering 640x480
frames for a network that sees 160x120 is avoided) and the network is trained on them at scale 1.
The trained weights are stored under ``$BENCHMARKS_DATA/pose-pretrained/<key>/`` (``weights.pt``,
a plain tensor dict read with ``weights_only=True``, and ``settings.json`` with the settings and
the weights' SHA-256); the key is a hash of every setting that changes them, as for the pyloric
simulation bank, so later runs and other seeds reuse them and a changed setting never does.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch

from benchmarks.tasks.pose.project import LabelledFrames
from benchmarks.tasks.pose.sizes import Budget
from benchmarks.tasks.pose.synthetic import GeneratorConfig
from benchmarks.tasks.pose.training import Augmentation

PRETRAIN_VERSION = 1  # bump when pre-training changes in a way its settings do not show
PRETRAIN_SEED = 2019  # pre-training is a fixed artefact, shared by every run seed (like a dataset)
_WEIGHTS, _SETTINGS = "weights.pt", "settings.json"


def pretraining_config(frames: LabelledFrames, budget: Budget) -> GeneratorConfig:
    """The synthetic set for ``frames``: the budget's frame count at their most common image size x its input scale."""
    from benchmarks.tasks.pose.training import common_image_size, input_scale_for

    input_scale = input_scale_for(frames, budget.input_scale)
    height, width = common_image_size(frames)
    n_videos, per_video = budget.pretrain_frames
    return GeneratorConfig(n_videos=n_videos, frames_per_video=per_video,
                           height=max(32, round(height * input_scale)), width=max(32, round(width * input_scale)))


def pretraining_settings(frames: LabelledFrames, budget: Budget, augmentation: Augmentation) -> dict[str, Any]:
    """Everything that determines the pre-trained weights (the cache key)."""
    from benchmarks.tasks.pose.data import DATA_SEED, GENERATOR_VERSION

    settings = {
        "pretrain_version": PRETRAIN_VERSION,
        "generator_version": GENERATOR_VERSION,
        "generator": asdict(pretraining_config(frames, budget)),
        "data_seed": DATA_SEED + 1,
        "seed": PRETRAIN_SEED,
        "backbone": budget.backbone,
        "iterations": budget.pretrain_iterations,
        "batch_size": budget.batch_size,
        "crop": budget.crop,
        "learning_rate": budget.learning_rate,
        "radius": budget.radius,
        "augmentation": asdict(augmentation),
    }
    return json.loads(json.dumps(settings))  # as stored: tuples become lists, so a read-back compares equal


def cache_folder(settings: dict[str, Any]) -> Path:
    """``$BENCHMARKS_DATA/pose-pretrained/<backbone>_<key>``: the settings name the folder."""
    from benchmarks.data import cache_root

    key = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]
    return cache_root() / "pose-pretrained" / f"{settings['backbone']}_{key}"


def pretrained_weights(
    settings: dict[str, Any], device: torch.device, track: Callable | None = None
) -> tuple[dict[str, torch.Tensor], tuple[str, ...], dict[str, Any]]:
    """(state dict of a :class:`PoseNet` pre-trained on synthetic frames, its body parts, facts for
    the record): read from the cache, or trained once with ``settings`` and stored."""
    folder = cache_folder(settings)
    cached = _read(folder, settings)
    if cached is not None:
        state, info = cached
        return state, tuple(info["bodyparts"]), {**info, "cached": True}
    state, bodyparts, n_frames = _pretrain(settings, device, track)
    info = {"settings": settings, "bodyparts": list(bodyparts), "frames": n_frames, "device": str(device)}
    _write(folder, state, info)
    return state, bodyparts, {**info, "cached": False}


def _pretrain(settings: dict[str, Any], device: torch.device, track: Callable | None):
    from benchmarks.tasks.pose.data import synthetic_project
    from benchmarks.tasks.pose.network import PoseNet
    from benchmarks.tasks.pose.training import train

    frames = synthetic_project(GeneratorConfig(**settings["generator"]), settings["data_seed"])
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):  # a fixed seed for a shared artefact; the caller's state is restored
        torch.manual_seed(settings["seed"])
        net = PoseNet(settings["backbone"], len(frames.bodyparts)).to(device)
    train(net, frames, np.arange(len(frames)), iterations=settings["iterations"], batch_size=settings["batch_size"],
          crop=tuple(settings["crop"]), input_scale=1.0, learning_rate=settings["learning_rate"],
          radius=settings["radius"], seed=settings["seed"], device=device,
          augmentation=Augmentation(**{k: tuple(v) if isinstance(v, list) else v for k, v in settings["augmentation"].items()}),
          track=track, description="pre-training on synthetic frames (once, then cached)")
    state = {name: tensor.detach().cpu() for name, tensor in net.state_dict().items()}
    return state, frames.bodyparts, len(frames)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read(folder: Path, settings: dict[str, Any]):
    """The cached weights and facts, or None when missing, from other settings, or damaged (then rebuilt)."""
    try:
        info = json.loads((folder / _SETTINGS).read_text())
        if info.get("settings") != settings or info.get("sha256") != _sha256(folder / _WEIGHTS):
            return None
        state = torch.load(folder / _WEIGHTS, map_location="cpu", weights_only=True)
    except (OSError, ValueError, RuntimeError):
        return None
    return state, info


def _write(folder: Path, state: dict[str, torch.Tensor], info: dict[str, Any]) -> None:
    """Atomically: a staging folder renamed into place; a parallel worker's copy may win the rename."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".part-"))
    staging.chmod(0o755)  # mkdtemp makes it private; a shared cache is read by others
    try:
        torch.save(state, staging / _WEIGHTS)
        (staging / _SETTINGS).write_text(json.dumps({**info, "sha256": _sha256(staging / _WEIGHTS)}, indent=1))
        if folder.exists() and _read(folder, info["settings"]) is None:
            shutil.rmtree(folder, ignore_errors=True)  # damaged or stale: replace it
        try:
            os.replace(staging, folder)
        except OSError:
            pass  # another worker stored the same weights first
    finally:
        shutil.rmtree(staging, ignore_errors=True)
