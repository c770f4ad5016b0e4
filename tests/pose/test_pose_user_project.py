"""A user's own DeepLabCut project, pointed to with ``--set pose.project=``: written here with the
synthetic generator at an image size and a number of body parts that neither the open-field
project nor the pre-training set has, then run through the command line like a user would."""

from __future__ import annotations

import json

import pytest

from benchmarks.tasks.pose.project import write_project
from benchmarks.tasks.pose.synthetic import GeneratorConfig, generate

PARTS = [0, 1, 2, 4, 5]  # snout, ears, tail base and tail end: five parts (the generator has six, openfield four)


@pytest.fixture
def user_project(tmp_path):
    """60 labelled 512x384 frames of 4 videos, 5 body parts, under a scorer of its own."""
    frames = generate(GeneratorConfig(n_videos=4, frames_per_video=15, height=384, width=512), 7)
    frames = type(frames)(frames.images, frames.keypoints[:, PARTS], tuple(frames.bodyparts[k] for k in PARTS),
                          frames.paths, frames.videos, "user", "user-project")
    return write_project(tmp_path / "user-project", frames)


@pytest.mark.slow
def test_model_beats_ridge_on_a_user_project(data_env, user_project, tmp_path, monkeypatch):
    import torch

    from benchmarks.cli.app import main

    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))  # no ImageNet weights: synthetic pre-training
    results = tmp_path / "results"
    # the default size's model with a third of its iterations and a sixth of its pre-training, to keep the test
    # short (36 px against 49 px)
    model_row = "dlc_resnet[iterations=200,pretrain_iterations=100]"
    args = ["run", "--task", "pose", "--size", "default", "--method", "ridge_hog", "--method", model_row,
            "--set", f"pose.project={user_project}", "--results", str(results)]
    assert main(args) == 0
    records = {r["method"]: r for r in (json.loads(p.read_text()) for p in results.rglob("*.json")) if "method" in r}
    assert {records[m]["status"] for m in ("ridge_hog", model_row)} == {"ok"}
    model, ridge = (records[m]["metrics"]["test_error"] for m in (model_row, "ridge_hog"))
    assert model < ridge, f"model {model:.1f} px, ridge_hog {ridge:.1f} px"
    assert records[model_row]["details"]["weights"].startswith("synthetic pre-training")
