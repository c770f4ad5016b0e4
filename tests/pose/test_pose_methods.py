"""Methods at smoke size: the control is what it says, the baseline and the model beat the control."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from benchmarks.fingerprint import fingerprint
from tasks.pose import TASK
from tasks.pose.baselines import mean_position, ridge
from tasks.pose.data import load
from tasks.pose.evaluate import evaluate
from tasks.pose.figure import figure
from tasks.pose.model import choose_initialisation, dlc
from tasks.pose.project import write_project
from tasks.pose.synthetic import GeneratorConfig, generate

CPU = torch.device("cpu")


@pytest.fixture
def smoke(data_env):
    return load("smoke", 0, TASK.resolve_options())


def test_control_is_the_training_mean(smoke):
    output = mean_position(smoke, device=CPU, seed=0, options={})
    train = smoke.frames.keypoints[smoke.train]
    for k in range(train.shape[1]):
        rows = train[:, k][~np.isnan(train[:, k]).any(axis=-1)]
        np.testing.assert_allclose(output.points[:, k], np.broadcast_to(rows.mean(axis=0), output.points[:, k].shape))
    result = evaluate(smoke, output)
    assert math.isnan(result.metrics["test_error_pcutoff"]) and "no likelihood" in result.notes["pcutoff_share"]


def test_ridge_beats_the_control_and_leaves_data_alone(smoke):
    before = fingerprint(smoke)
    control = evaluate(smoke, mean_position(smoke, device=CPU, seed=0, options={})).metrics["test_error"]
    result = evaluate(smoke, ridge(smoke, device=CPU, seed=0, options={}))
    assert result.metrics["test_error"] < control
    assert result.details["features"] in ("hog", "pixels")
    pixels = evaluate(smoke, ridge(smoke, device=CPU, seed=0, options={"ridge_features": "pixels"}))
    assert pixels.details["features"] == "pixels"
    assert fingerprint(smoke) == before


def test_model_beats_the_control_on_smoke_frames(data_env, tmp_path):
    # The smoke cell's 40 iterations only check that the model runs; from random weights it needs
    # about 100 to place points better than the training mean, so this test trains 120 on the same frames.
    options = TASK.resolve_options({"iterations": 120})
    smoke = load("smoke", 0, options)
    before = fingerprint(smoke)
    control = evaluate(smoke, mean_position(smoke, device=CPU, seed=0, options={}))
    output = dlc(smoke, device=CPU, seed=0, options=options)
    result = evaluate(smoke, output)
    assert result.metrics["test_error"] < control.metrics["test_error"]
    assert result.metrics["pck"] > control.metrics["pck"]
    assert 0 <= result.metrics["pcutoff_share"] <= 1
    assert result.details["backbone"] == "resnet18" and "weights" in result.details
    assert set(result.details["test_rmse_per_bodypart"]) == set(smoke.frames.bodyparts)
    assert fingerprint(smoke) == before
    figure(smoke, output, tmp_path / "pose.png")
    assert (tmp_path / "pose.png").stat().st_size > 10_000


def test_synthetic_pretraining_then_fine_tuning_on_a_user_project(data_env, tmp_path):
    frames = generate(GeneratorConfig(n_videos=2, frames_per_video=5, height=64, width=96), 4)
    frames = type(frames)(frames.images, frames.keypoints[:, [0, 1, 2, 4]], ("snout", "leftear", "rightear", "tailbase"),
                          frames.paths, frames.videos, "me", "user")
    project = write_project(tmp_path / "user", frames)
    options = TASK.resolve_options({"project": str(project), "iterations": 3, "pretrain_iterations": 3, "split": "videos"})
    data = load("smoke", 0, options)
    assert data.source == "project" and data.pretrain is not None
    output = dlc(data, device=CPU, seed=0, options=options)
    assert output.details["weights"].startswith("synthetic pre-training")
    assert math.isfinite(output.details["test_error_without_pretraining"])
    assert output.details["test_error_with_pretraining"] == pytest.approx(evaluate(data, output).metrics["test_error"])


def test_choice_of_initial_weights(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))  # an empty torch cache
    assert choose_initialisation("auto", None, "resnet18", has_synthetic=False) == ("none", None)
    assert choose_initialisation("auto", None, "resnet18", has_synthetic=True) == ("synthetic", None)
    with pytest.raises(ValueError, match="no resnet50 checkpoint"):
        choose_initialisation("imagenet", None, "resnet50", has_synthetic=True)
    with pytest.raises(FileNotFoundError, match="no file at"):
        choose_initialisation("auto", tmp_path / "missing.pth", "resnet18", has_synthetic=False)
    cached = tmp_path / "hub" / "checkpoints" / "resnet18-f37072fd.pth"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"")
    assert choose_initialisation("auto", None, "resnet18", has_synthetic=True) == ("imagenet", cached)
    with pytest.raises(ValueError, match="'pretrain' must be one of"):
        choose_initialisation("coco", None, "resnet18", has_synthetic=False)


def test_real_openfield_frames_through_every_method(openfield, tmp_path):
    options = TASK.resolve_options({"project": str(openfield), "iterations": 2, "pretrain_iterations": 2,
                                    "input_scale": 0.25})
    data = load("smoke", 0, options)
    assert data.source == "project" and len(data.frames) == 116 and len(data.test) == 23
    assert data.pretrain.images[0].shape == (480, 640)  # pre-training frames match the real frames' size
    for method in (mean_position, ridge):
        result = evaluate(data, method(data, device=CPU, seed=0, options=options))
        assert all(math.isfinite(result.metrics[m]) for m in ("test_error", "test_rmse", "train_error", "pck"))
    control_error = result.metrics["test_error"]
    output = dlc(data, device=CPU, seed=0, options=options)
    assert output.points.shape == (116, 4, 2) and "test_error_without_pretraining" in output.details
    figure(data, output, tmp_path / "openfield.png")
    assert control_error > 0 and (tmp_path / "openfield.png").stat().st_size > 10_000


def test_load_rejects_bad_options(data_env):
    with pytest.raises(ValueError, match="option 'split' must be 'frames' or 'videos'"):
        load("smoke", 0, TASK.resolve_options({"split": "random"}))
    with pytest.raises(ValueError, match="option 'backbone' must be resnet18, resnet50 or auto"):
        load("smoke", 0, TASK.resolve_options({"backbone": "vgg16"}))
    with pytest.raises(ValueError, match="unknown size 'huge'"):
        load("huge", 0, TASK.resolve_options())
    videos = load("smoke", 3, TASK.resolve_options({"split": "videos"}))
    assert {videos.frames.videos[i] for i in videos.train}.isdisjoint({videos.frames.videos[i] for i in videos.test})
