"""The DeepLabCut network: stride, targets and decoding agree, augmentation moves points with pixels."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from benchmarks.tasks.pose.network import STRIDE, PoseNet, decode, grid_centres, targets
from benchmarks.tasks.pose.training import Augmentation, augmented_batch


@pytest.mark.parametrize("backbone", ["resnet18", "resnet50", "mobilenet_v2"])
def test_output_stride_is_eight(backbone):
    net = PoseNet(backbone, n_parts=4).eval()
    with torch.no_grad():
        score, offsets = net(torch.zeros(1, 3, 64, 96))
    assert score.shape == (1, 4, 64 // STRIDE, 96 // STRIDE)
    assert offsets.shape == (1, 8, 64 // STRIDE, 96 // STRIDE)


def test_targets_decode_back_to_the_labelled_points():
    points = torch.tensor([[[10.3, 20.7], [45.0, 5.5]], [[30.0, 30.0], [float("nan"), float("nan")]]])
    scores, offsets, mask = targets(points, 8, 8, radius=8.0)
    assert scores[1, 1].sum() == 0  # an unlabelled part has no positive cell
    # logits high where positive, best at the nearest cell; offsets as targeted
    gx, gy = grid_centres(8, points.device), grid_centres(8, points.device)
    distance = (points[..., 0, None, None] - gx) ** 2 + (points[..., 1, None, None] - gy[:, None]) ** 2
    logits = torch.where(scores > 0, 10.0 - torch.nan_to_num(distance, nan=0.0) / 100, torch.tensor(-10.0))
    decoded, likelihood = decode(logits, offsets)
    torch.testing.assert_close(decoded[0], points[0], atol=1e-4, rtol=0)
    torch.testing.assert_close(decoded[1, 0], points[1, 0], atol=1e-4, rtol=0)
    assert (likelihood[0] > 0.99).all() and likelihood[1, 1] < 0.01


def test_augmentation_moves_points_with_the_pixels():
    image = torch.zeros(1, 60, 80, dtype=torch.uint8)
    image[0, 30, 50] = 255  # one bright pixel, labelled
    points = np.array([[[50.0, 30.0]]])
    augmentation = Augmentation(rotation_probability=1.0, scale_range=(1.2, 1.5))
    rng = np.random.default_rng(0)
    checked = 0
    while checked < 5:
        x, p = augmented_batch([image], points, np.array([0]), (48, 64), 1.0, augmentation, rng)
        if not (1 <= p[0, 0, 0] <= 62 and 1 <= p[0, 0, 1] <= 46):
            continue  # the point left the crop
        checked += 1
        brightest = np.unravel_index(x[0, 0].argmax().item(), x.shape[-2:])
        assert abs(brightest[1] - p[0, 0, 0].item()) <= 1.0 and abs(brightest[0] - p[0, 0, 1].item()) <= 1.0


def test_imagenet_weights_file_is_loaded_without_download(tmp_path):
    import torchvision

    path = tmp_path / "resnet18-test.pth"
    reference = torchvision.models.resnet18(weights=None)
    torch.save(reference.state_dict(), path)
    net = PoseNet("resnet18", 3, weights=path)
    torch.testing.assert_close(net.body[0].weight, reference.conv1.weight)
    torch.save({"not": torch.zeros(1)}, tmp_path / "bad.pth")
    with pytest.raises(ValueError, match="not resnet18 weights"):
        PoseNet("resnet18", 3, weights=tmp_path / "bad.pth")


def test_mobilenet_takes_a_torchvision_checkpoint_and_names_a_wrong_one(tmp_path):
    import torchvision

    path = tmp_path / "mobilenet_v2-test.pth"
    reference = torchvision.models.mobilenet_v2(weights=None)
    torch.save(reference.state_dict(), path)
    net = PoseNet("mobilenet_v2", 5, weights=path)
    torch.testing.assert_close(net.body[0][0].weight, reference.features[0][0].weight)
    assert net.frozen_batchnorm
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), tmp_path / "resnet18.pth")
    with pytest.raises(ValueError, match="not mobilenet_v2 weights"):
        PoseNet("mobilenet_v2", 5, weights=tmp_path / "resnet18.pth")


def test_normalisation_frozen_batchnorm_with_weights_groupnorm_from_scratch(tmp_path):
    import torchvision
    from torch import nn

    path = tmp_path / "resnet18-test.pth"
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), path)
    pretrained = PoseNet("resnet18", 2, weights=path).train()
    norms = [m for m in pretrained.modules() if isinstance(m, nn.BatchNorm2d)]
    assert norms and not any(m.training for m in norms)  # ImageNet statistics stay as loaded
    scratch = PoseNet("resnet18", 2)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in scratch.modules())
    assert any(isinstance(m, nn.GroupNorm) for m in scratch.modules())
