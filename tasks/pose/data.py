"""``load(size, seed, ctx)``: labelled frames read from a DeepLabCut project, split by the seed.

Synthetic sizes are generated once per configuration, written as a DeepLabCut project into the
data cache and read back by the same reader as the real project, so both take one path.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from benchmarks.context import RunContext
from tasks.pose.project import LabelledFrames, read_project, write_project
from tasks.pose.sizes import PRETRAIN_FRAMES, SYNTHETIC
from tasks.pose.splits import split_frames, split_videos
from tasks.pose.synthetic import GeneratorConfig, generate

GENERATOR_VERSION = 1  # bump when the generator's output changes: cached projects are keyed by it
DATA_SEED = 2018  # synthetic sets are fixed datasets; the run's seed draws the split and the training


@dataclass(frozen=True)
class PoseData:
    """Frames with their split; ``pretrain`` holds synthetic frames for pre-training (real target frames only)."""

    frames: LabelledFrames
    train: np.ndarray  # frame indices
    test: np.ndarray
    size: str
    source: str  # synthetic | openfield | project
    pretrain: LabelledFrames | None = None


def load(size: str, seed: int, ctx: RunContext) -> PoseData:
    """The labelled frames of ``size`` split into train and test frames by ``seed``.

    Options read: ``project`` (a DeepLabCut project folder used instead of the size's data),
    ``split`` (frames | videos), ``train_fraction``, and ``pretrain`` with the budget's
    ``pretrain_iterations`` (whether real frames come with a synthetic pre-training set).
    """
    options = ctx.options
    pretrain = None
    if options["project"] is not None:
        frames, source = read_project(Path(options["project"]).expanduser()), "project"
    elif size == "full":
        from benchmarks.data import fetch

        from tasks.pose import OPENFIELD, OPENFIELD_PROJECT

        frames, source = read_project(fetch(OPENFIELD) / OPENFIELD_PROJECT), "openfield"
    else:
        frames, source = synthetic_project(GeneratorConfig(**SYNTHETIC[size]), DATA_SEED), "synthetic"
    # Built here for every method although only the model uses it; issue 14 moves it into the model.
    wants_synthetic = options["pretrain"] in ("auto", "synthetic")
    if source != "synthetic" and ctx.budget.pretrain_iterations > 0 and wants_synthetic:
        pretrain = synthetic_project(pretraining_config(size, frames), DATA_SEED + 1)
    if options["split"] == "videos":
        train, test = split_videos(frames.videos, options["train_fraction"], seed)
    else:
        train, test = split_frames(len(frames), options["train_fraction"], seed)
    return PoseData(frames, train, test, size, source, pretrain)


def pretraining_config(size: str, frames: LabelledFrames) -> GeneratorConfig:
    """The synthetic pre-training set for ``frames``: the size's frame count at their most common image size."""
    shapes = [image.shape[:2] for image in frames.images]
    height, width = max(set(shapes), key=shapes.count)
    n_videos, per_video = PRETRAIN_FRAMES[size]
    return GeneratorConfig(n_videos=n_videos, frames_per_video=per_video, height=height, width=width)


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
