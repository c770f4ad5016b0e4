"""``load(size, seed, ctx)``: labelled frames read from a DeepLabCut project, split by the seed.

Sizes default and full read DeepLabCut's open-field project (116 real frames). The synthetic
size (smoke) and the model's pre-training sets are generated once per configuration, written as
a DeepLabCut project into the data cache and read back by the same reader as the real project,
so both take one path.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from benchmarks.context import RunContext
from benchmarks.tasks.pose.project import LabelledFrames, read_project, write_project
from benchmarks.tasks.pose.splits import split_frames, split_videos
from benchmarks.tasks.pose.synthetic import GeneratorConfig, generate

GENERATOR_VERSION = 1  # bump when the generator's output changes: cached projects are keyed by it
DATA_SEED = 2018  # synthetic sets are fixed datasets; the run's seed draws the split and the training


@dataclass(frozen=True)
class PoseData:
    """Frames with their split. Synthetic pre-training frames are not here: only the model uses
    them, so it builds them (:mod:`benchmarks.tasks.pose.pretraining`). What a method receives
    (:func:`method_input`) is a PoseData whose test frames' keypoints are NaN."""

    frames: LabelledFrames
    train: np.ndarray  # frame indices
    test: np.ndarray
    source: str  # synthetic | openfield | project


def load(size: str, seed: int, ctx: RunContext) -> PoseData:
    """The labelled frames of ``size`` split into train and test frames by ``seed``.

    A budget with a synthetic set (smoke's) generates it; the others read DeepLabCut's open-field
    project (fetched, or from the mirror). Options read: ``project`` (a DeepLabCut project
    folder used instead), ``split`` (frames | videos) and the budget's ``train_fraction``.
    """
    options = ctx.options
    if options["project"] is not None:
        frames, source = read_project(Path(options["project"]).expanduser()), "project"
    elif ctx.budget.synthetic is not None:
        frames, source = synthetic_project(GeneratorConfig(**ctx.budget.synthetic), DATA_SEED), "synthetic"
    else:
        from benchmarks.data import fetch

        from benchmarks.tasks.pose import OPENFIELD, OPENFIELD_PROJECT

        frames, source = read_project(fetch(OPENFIELD) / OPENFIELD_PROJECT), "openfield"
    fraction = ctx.budget.train_fraction
    if options["split"] == "videos":
        train, test = split_videos(frames.videos, fraction, seed)
    else:
        train, test = split_frames(len(frames), fraction, seed)
    return PoseData(frames, train, test, source)


def method_input(data: PoseData) -> PoseData:
    """What a method receives: every frame's image (the model predicts the test frames too) and the
    training frames' keypoints; the test frames' keypoints are NaN, as unlabelled points are. The images
    are shared; only the small keypoint array is copied."""
    keypoints = data.frames.keypoints.copy()
    keypoints[data.test] = np.nan
    return replace(data, frames=replace(data.frames, keypoints=keypoints))


def test_targets(data: PoseData) -> dict[str, np.ndarray]:
    """The labelled points of the test frames, (n_test, K, 2), which the test metrics score against."""
    return {"test_keypoints": data.frames.keypoints[data.test]}


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
