"""Methods at smoke size: the control is what it says, the baseline and the model beat the control;
options and parameters are checked before anything runs, methods never see the test keypoints, and the
model keeps the run context's seeding and progress."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from benchmarks.check import check_task
from benchmarks.context import make_context
from benchmarks.contract.variants import bind, variant
from benchmarks.data.fingerprint import fingerprint
from benchmarks.task import Direction, OptionError, resolve
from benchmarks.tasks.pose import TASK
from benchmarks.tasks.pose.data import load, method_input
from benchmarks.tasks.pose.figure import figure
from benchmarks.tasks.pose.methods import dlc as dlc_module
from benchmarks.tasks.pose.methods.dlc import choose_initialisation
from benchmarks.tasks.pose.metrics import check_output, evaluate
from benchmarks.tasks.pose.prediction import PosePrediction
from benchmarks.tasks.pose.project import write_project
from benchmarks.tasks.pose.synthetic import GeneratorConfig, generate


def context(method: str | None = None, size: str = "smoke", seed: int = 0, reporter=None, **options):
    """The run context the runner would give ``method`` (None: ``load``) with ``options`` set."""
    return make_context(TASK, size=size, seed=seed, options=options, method=method, reporter=reporter)


def loaded(size: str = "smoke", seed: int = 0, **options):
    return load(size, seed, context(None, size, seed, **options))


def run(name: str, data, seed: int = 0, reporter=None, options=None, **params) -> PosePrediction:
    """Method ``name`` of the smoke size called as the runner calls it: on the view without the test keypoints,
    with ``params`` and the budget parameters resolved (into ``ctx.budget`` too); its output passes the check."""
    method = TASK.method(name)
    ctx = context(name, seed=seed, reporter=reporter, **(options or {}))
    values = bind(variant(TASK, method, params), ctx.budget)[1]
    ctx = replace(ctx, budget=replace(ctx.budget, **{p.name: values[p.name] for p in method.params if p.budget}),
                  params=values)
    view = method_input(data)
    output = resolve(method.fn)(view, ctx, **values)
    check_output(view, output)
    return output


class Recorder:
    """A progress reporter that keeps every update."""

    def __init__(self) -> None:
        self.updates: list[tuple[str, int, int | None, bool]] = []

    def update(self, key, description, completed, total, finished) -> None:
        self.updates.append((description, completed, total, finished))


@pytest.fixture
def empty_torch_cache(tmp_path, monkeypatch):
    """No ImageNet checkpoint to find: ``pretrain=auto`` does not depend on this machine's cache."""
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))
    return tmp_path / "hub"


@pytest.fixture
def smoke(data_env):
    return loaded()


def test_control_is_the_training_mean(smoke):
    output = run("mean_position", smoke)
    train = smoke.frames.keypoints[smoke.train]
    for k in range(train.shape[1]):
        rows = train[:, k][~np.isnan(train[:, k]).any(axis=-1)]
        np.testing.assert_allclose(output.points[:, k], np.broadcast_to(rows.mean(axis=0), output.points[:, k].shape))
    result = evaluate(smoke, output)
    assert math.isnan(result.metrics["test_error_pcutoff"]) and "no likelihood" in result.notes["pcutoff_share"]


def test_items_are_the_error_of_each_part_on_each_test_frame(smoke):
    output = run("mean_position", smoke)
    control = evaluate(smoke, output)
    baseline = evaluate(smoke, run("ridge_hog", smoke))
    n_parts = len(smoke.frames.bodyparts)
    for result in (control, baseline):
        items = result.items
        assert items.direction is Direction.LOWER and not items.binary
        assert items.values.shape == (len(smoke.test) * n_parts,)
        assert np.nanmean(items.values) == pytest.approx(result.metrics["test_error"])
        assert np.isfinite(items.values).sum() == result.details["n_test_points_labelled"]
    # item i is the same (frame, part) for every method: NaN exactly where the test point is unlabelled
    unlabelled = np.isnan(smoke.frames.keypoints[smoke.test]).any(axis=-1).ravel()
    np.testing.assert_array_equal(np.isnan(control.items.values), unlabelled)
    np.testing.assert_array_equal(np.isnan(baseline.items.values), unlabelled)
    labelled = np.flatnonzero(~unlabelled)
    frame, part = divmod(labelled[len(labelled) // 2], n_parts)  # item frame * n_parts + part
    i = smoke.test[frame]
    expected = np.linalg.norm(output.points[i, part] - smoke.frames.keypoints[i, part])
    assert control.items.values[frame * n_parts + part] == pytest.approx(expected)


def test_ridge_beats_the_control_and_leaves_data_alone(smoke):
    before = fingerprint(smoke)
    control = evaluate(smoke, run("mean_position", smoke)).metrics["test_error"]
    result = evaluate(smoke, run("ridge_hog", smoke))
    assert result.metrics["test_error"] < control
    assert result.details["features"] in ("hog", "pixels")
    pixels = evaluate(smoke, run("ridge_hog", smoke, features="pixels"))
    assert pixels.details["features"] == "pixels"
    assert fingerprint(smoke) == before


def test_model_beats_the_control_on_smoke_frames(data_env, empty_torch_cache, tmp_path):
    # the smoke cell itself, at its own budget: smoke is where the model first has to mean something
    smoke = loaded()
    before = fingerprint(smoke)
    control = evaluate(smoke, run("mean_position", smoke))
    recorder = Recorder()
    iterations = TASK.budgets["smoke"].iterations
    rng_state, threads = torch.random.get_rng_state(), torch.get_num_threads()
    output = run("dlc_resnet", smoke, reporter=recorder)
    assert torch.equal(torch.random.get_rng_state(), rng_state) and torch.get_num_threads() == threads
    assert ("training", iterations, iterations, True) in recorder.updates  # progress went through ctx.track
    result = evaluate(smoke, output)
    assert result.metrics["test_error"] < control.metrics["test_error"]
    assert result.metrics["pck"] > control.metrics["pck"]
    assert 0 <= result.metrics["pcutoff_share"] <= 1
    assert result.details["backbone"] == "mobilenet_v2" and result.details["iterations"] == iterations
    assert result.details["weights"].startswith("random initialisation")
    assert set(result.details["test_rmse_per_bodypart"]) == set(smoke.frames.bodyparts)
    assert fingerprint(smoke) == before
    figure(smoke, output, tmp_path / "pose.png")
    assert (tmp_path / "pose.png").stat().st_size > 10_000


def test_model_is_deterministic_in_the_seed(smoke, empty_torch_cache):
    first = run("dlc_resnet", smoke, iterations=2)
    second = run("dlc_resnet", smoke, iterations=2)
    np.testing.assert_array_equal(first.points, second.points)


def test_pretrain_none_is_a_value_and_means_random_initialisation(smoke, empty_torch_cache, monkeypatch):
    import torchvision

    assert variant(TASK, TASK.method("dlc_resnet"), {"pretrain": "none"}).params["pretrain"] == "none"
    cached = empty_torch_cache / "checkpoints" / "mobilenet_v2-b0353104.pth"  # the smoke size's backbone
    cached.parent.mkdir(parents=True)
    torch.save(torchvision.models.mobilenet_v2(weights=None).state_dict(), cached)
    built = []

    class Recorded(dlc_module.PoseNet):
        def __init__(self, backbone, n_parts, weights=None):
            super().__init__(backbone, n_parts, weights=weights)
            built.append((weights, self))

    monkeypatch.setattr(dlc_module, "PoseNet", Recorded)
    auto = run("dlc_resnet", smoke, iterations=1)
    assert auto.details["weights"] == f"ImageNet ({cached})" and built[-1][0] == cached
    none = run("dlc_resnet", smoke, iterations=1, pretrain="none")
    assert none.details["weights"] == "random initialisation (pretrain=none)"
    weights, net = built[-1]
    assert weights is None and not net.frozen_batchnorm
    assert not any(isinstance(module, torch.nn.BatchNorm2d) for module in net.modules())  # GroupNorm: from scratch


def test_synthetic_pretraining_is_built_by_the_model_once_and_cached(data_env, empty_torch_cache, tmp_path):
    from benchmarks.data import cache_root

    frames = generate(GeneratorConfig(n_videos=2, frames_per_video=5, height=64, width=96), 4)
    frames = type(frames)(frames.images, frames.keypoints[:, [0, 1, 2, 4]], ("snout", "leftear", "rightear", "tailbase"),
                          frames.paths, frames.videos, "me", "user")
    project = write_project(tmp_path / "user", frames)
    options, params = {"project": str(project), "split": "videos"}, {"iterations": 3, "pretrain_iterations": 3}
    data = loaded(**options)
    assert data.source == "project" and not hasattr(data, "pretrain")  # load builds nothing only the model needs
    assert not (cache_root() / "pose-pretrained").exists()
    first_recorder, second_recorder = Recorder(), Recorder()
    first = run("dlc_resnet", data, reporter=first_recorder, options=options, **params)
    assert first.details["weights"] == "synthetic pre-training: 3 iterations on 24 frames"
    assert first.details["pretraining"]["cached"] is False
    assert ("pre-training on synthetic frames (once, then cached)", 3, 3, True) in first_recorder.updates
    assert ("training", 3, 3, True) in first_recorder.updates
    assert math.isfinite(evaluate(data, first).metrics["test_error"])
    stored = list((cache_root() / "pose-pretrained").iterdir())
    assert len(stored) == 1 and (stored[0] / "weights.pt").is_file()
    # another seed reuses the stored weights: no pre-training step is run again
    second = run("dlc_resnet", loaded(seed=1, **options), seed=1, reporter=second_recorder, options=options, **params)
    assert second.details["pretraining"]["cached"] is True
    assert not any(update[0].startswith("pre-training") for update in second_recorder.updates)
    # a damaged file is detected (checksum) and rebuilt; other settings get their own folder
    (stored[0] / "weights.pt").write_bytes(b"broken")
    assert run("dlc_resnet", data, options=options, **params).details["pretraining"]["cached"] is False
    run("dlc_resnet", data, options=options, **{**params, "pretrain_iterations": 2})
    assert len(list((cache_root() / "pose-pretrained").iterdir())) == 2
    # pretrain=none: the model starts from random weights
    scratch = run("dlc_resnet", data, options=options, **params, pretrain="none")
    assert scratch.details["weights"].startswith("random initialisation") and "pretraining" not in scratch.details
    # without pre-training iterations there is no synthetic set to honour pretrain=synthetic with
    with pytest.raises(ValueError, match="pretrain='synthetic' needs real target frames"):
        run("dlc_resnet", data, options=options, **{**params, "pretrain_iterations": 0, "pretrain": "synthetic"})


def test_pretraining_frames_match_the_target_frames_in_network_pixels():
    from dataclasses import replace

    from benchmarks.tasks.pose.pretraining import pretraining_config
    from benchmarks.tasks.pose.sizes import BUDGETS

    frames = generate(GeneratorConfig(n_videos=1, frames_per_video=3, height=120, width=200), 0)
    config = pretraining_config(frames, replace(BUDGETS["default"], input_scale=0.5))
    assert (config.height, config.width) == (60, 100)
    assert (config.n_videos, config.frames_per_video) == BUDGETS["default"].pretrain_frames


def test_choice_of_initial_weights(empty_torch_cache, tmp_path):
    assert choose_initialisation("auto", None, "resnet18", has_synthetic=False) == ("none", None)
    assert choose_initialisation("auto", None, "resnet18", has_synthetic=True) == ("synthetic", None)
    with pytest.raises(ValueError, match="no resnet50 checkpoint"):
        choose_initialisation("imagenet", None, "resnet50", has_synthetic=True)
    with pytest.raises(FileNotFoundError, match="no file at"):
        choose_initialisation("auto", tmp_path / "missing.pth", "resnet18", has_synthetic=False)
    cached = empty_torch_cache / "checkpoints" / "resnet18-f37072fd.pth"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"")
    assert choose_initialisation("auto", None, "resnet18", has_synthetic=True) == ("imagenet", cached)
    assert choose_initialisation("none", None, "resnet18", has_synthetic=True) == ("none", None)


def test_default_is_the_real_openfield_project(openfield, empty_torch_cache, tmp_path):
    data = loaded("default")
    assert data.source == "openfield" and len(data.frames) == 116 and len(data.test) == 23
    assert data.frames.images[0].shape[:2] == (480, 640)
    assert len(loaded("full").test) == 6  # the published protocol: 95/5


def test_real_openfield_frames_through_every_method(openfield, empty_torch_cache, tmp_path):
    options = {"project": str(openfield)}
    data = loaded(**options)
    assert data.source == "project" and len(data.frames) == 116 and len(data.test) == 23
    for name in ("mean_position", "ridge_hog"):
        result = evaluate(data, run(name, data, options=options))
        assert all(math.isfinite(result.metrics[m]) for m in ("test_error", "test_rmse", "train_error", "pck"))
    control_error = result.metrics["test_error"]
    output = run("dlc_resnet", data, options=options, iterations=2, pretrain_iterations=2, input_scale=0.25)
    assert output.points.shape == (116, 4, 2) and output.details["weights"].startswith("synthetic pre-training")
    figure(data, output, tmp_path / "openfield.png")
    assert control_error > 0 and (tmp_path / "openfield.png").stat().st_size > 10_000


def test_methods_never_see_the_test_keypoints(smoke):
    view = method_input(smoke)
    keypoints = smoke.frames.keypoints
    assert np.isnan(view.frames.keypoints[smoke.test]).all()
    np.testing.assert_array_equal(view.frames.keypoints[smoke.train], keypoints[smoke.train])
    assert view.frames.images is smoke.frames.images  # shared, not copied
    np.testing.assert_array_equal(resolve(TASK.test_targets)(smoke)["test_keypoints"], keypoints[smoke.test])
    assert not np.isnan(keypoints[smoke.test]).all()  # the loaded data keep them for evaluate


def test_pose_keeps_the_contract(data_env, empty_torch_cache):
    check_task(TASK)


@pytest.mark.parametrize("output, message", [
    (np.zeros((24, 6, 2)), "expected a PosePrediction"),
    (PosePrediction(np.zeros((24, 6))), r"points has shape \(24, 6\), expected \(24, 6, 2\)"),
    (PosePrediction(np.full((24, 6, 2), "x")), "points must be a numeric array"),
    (PosePrediction(np.full((24, 6, 2), np.inf)), "points holds infinite values"),
    (PosePrediction(np.zeros((24, 6, 2)), scores=np.full((24, 6), 1.5)), r"scores must be finite likelihoods in \[0, 1\]"),
    (PosePrediction(np.zeros((24, 6, 2)), scores=np.zeros(24)), r"scores has shape \(24,\), expected \(24, 6\)"),
])
def test_a_wrong_output_is_named_in_one_line(smoke, output, message):
    assert smoke.frames.keypoints.shape == (24, 6, 2)  # 24 frames, 6 body parts
    with pytest.raises(ValueError, match=message):
        check_output(method_input(smoke), output)
    check_output(method_input(smoke), PosePrediction(np.full((24, 6, 2), np.nan)))  # NaN: no point, checked by evaluate


@pytest.mark.parametrize("name, value", [
    ("train_fraction", "0"), ("train_fraction", "1"), ("split", "vidoes"), ("train_fraction", "1.5"),
])
def test_bad_option_values_are_refused_before_any_cell(name, value):
    with pytest.raises(OptionError, match=rf"--set pose\.{name}={value}: option '{name}' must be"):
        TASK.resolve_options({name: value})


@pytest.mark.parametrize("method, name, value", [
    ("dlc_resnet", "iterations", "-5"), ("dlc_resnet", "iterations", "0"), ("dlc_resnet", "pretrain_iterations", "-1"),
    ("dlc_resnet", "input_scale", "0"), ("dlc_resnet", "backbone", "vgg16"), ("dlc_resnet", "backbone", "auto"),
    ("dlc_resnet", "pretrain", "coco"), ("ridge_hog", "features", "sift"),
])
def test_bad_parameter_values_are_refused_before_any_cell(method, name, value):
    with pytest.raises(OptionError, match=rf"--method {method}\[{name}={value}\]: parameter '{name}' must be"):
        variant(TASK, TASK.method(method), {name: value})


def test_budget_settings_override_the_size_and_none_keeps_it():
    assert TASK.budget("smoke", TASK.resolve_options({"train_fraction": "0.6"})).train_fraction == 0.6
    model = TASK.method("dlc_resnet")
    given = {"backbone": "resnet50", "iterations": "7", "input_scale": "0.5", "pretrain_iterations": "0"}
    assert bind(variant(TASK, model, given), TASK.budgets["smoke"])[1] == {
        "backbone": "resnet50", "iterations": 7, "input_scale": 0.5, "pretrain_iterations": 0, "pretrain": "auto",
        "weights": None}
    smoke = TASK.budgets["smoke"]
    kept = bind(variant(TASK, model, {"backbone": "none", "iterations": "none"}), smoke)[1]
    assert (kept["backbone"], kept["iterations"]) == (smoke.backbone, smoke.iterations)


def test_video_split_holds_out_whole_videos(data_env):
    videos = loaded(seed=3, split="videos")
    assert {videos.frames.videos[i] for i in videos.train}.isdisjoint({videos.frames.videos[i] for i in videos.test})
    fraction = loaded(train_fraction="0.5")
    assert len(fraction.train) == len(fraction.test) == 12


@pytest.mark.parametrize("args, message", [
    (["--set", "pose.train_fraction=0"], "--set pose.train_fraction=0: option 'train_fraction' must be"),
    (["--set", "pose.split=vidoes"], "--set pose.split=vidoes: option 'split' must be"),
    (["--method", "dlc_resnet[iterations=-5]"], "--method dlc_resnet[iterations=-5]: parameter 'iterations' must be"),
])
def test_the_command_line_stops_a_bad_setting_before_any_cell(args, message, tmp_path, capsys):
    from benchmarks.cli.app import main

    assert main(["run", "--task", "pose", "--size", "smoke", *args, "--results", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith(f"error: {message}")
    assert not list(tmp_path.rglob("*.json"))


def test_none_reaches_the_method_as_a_value_from_the_command_line(data_env, empty_torch_cache, tmp_path):
    from benchmarks.cli.app import main

    args = ["run", "--task", "pose", "--method", "dlc_resnet[pretrain=none,iterations=1]", "--size", "smoke",
            "--results", str(tmp_path / "results")]
    assert main(args) == 0
    record = json.loads(next((tmp_path / "results").rglob("*.json")).read_text())
    assert record["status"] == "ok" and record["method_params"]["pretrain"] == "none"
    assert record["details"]["weights"] == "random initialisation (pretrain=none)"


@pytest.mark.parametrize("shapes, given, expected", [
    ([(480, 640)] * 3, None, 0.25),  # the open-field project
    ([(240, 320)] * 2 + [(480, 640)], None, 0.5),  # the most common size decides
    ([(1080, 1920)], None, 120 / 1080),  # wide frames: the shorter side, so that a 96-px crop fits
    ([(80, 100)], None, 1.0),  # never enlarged
    ([(480, 640)], 0.7, 0.7),  # a size's or the user's scale wins
])
def test_input_scale_brings_the_shorter_side_to_120_pixels(shapes, given, expected):
    from types import SimpleNamespace

    from benchmarks.tasks.pose.training import input_scale_for

    frames = SimpleNamespace(images=[np.zeros((*shape, 3), np.uint8) for shape in shapes])
    assert input_scale_for(frames, given) == pytest.approx(expected)
