"""Training and inference of :class:`benchmarks.tasks.pose.network.PoseNet` on labelled frames of any size.

Each training sample is an affine crop (rotation, scale, shift) of one frame, drawn with
``grid_sample``, so frames of different sizes share a batch; brightness and contrast jitter
follow. All randomness comes from generators seeded by the caller. Progress goes to the
``track`` callable the caller passes (a run context's ``ctx.track``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch.nn import functional as F

from benchmarks.tasks.pose.network import IMAGENET_MEAN, IMAGENET_STD, PoseNet, decode, loss, targets
from benchmarks.tasks.pose.project import LabelledFrames


@dataclass(frozen=True)
class Augmentation:
    """DeepLabCut-like augmentation: rotation, scale jitter, crops centred near a labelled point
    half of the time (``hybrid``), brightness/contrast jitter and sensor noise. The defaults are
    DeepLabCut's TensorFlow ones; :data:`AUGMENTATION` is what the model uses."""

    rotation_deg: float = 25.0
    rotation_probability: float = 0.4
    scale_range: tuple[float, float] = (0.75, 1.25)
    max_shift: float = 0.4  # crop centre jitter, as a share of the crop size
    brightness: float = 0.25
    noise: float = 0.0  # largest standard deviation of Gaussian pixel noise, in intensity units (0..1)


#: The model's augmentation: DeepLabCut 3's (PyTorch engine) affine (rotation +-30 deg with probability 0.5,
#: scale 0.5-1.25; a little narrower here) and Gaussian noise (sigma up to 12.75/255), with contrast jitter,
#: so that a few dozen labelled frames and synthetic ones teach poses and lighting they do not show.
AUGMENTATION = Augmentation(rotation_deg=30.0, rotation_probability=0.5, scale_range=(0.6, 1.25), noise=0.05)


def frames_to_tensors(frames: LabelledFrames, index: np.ndarray, device: torch.device) -> list[torch.Tensor]:
    """uint8 tensors (C, H, W) of the frames at ``index`` on ``device`` (C = 1 for grey, 3 for RGB)."""
    out = []
    for i in index:
        image = torch.from_numpy(np.ascontiguousarray(frames.images[i]))
        out.append((image[None] if image.ndim == 2 else image.permute(2, 0, 1)).to(device))
    return out


def input_scale_for(frames: LabelledFrames, input_scale: float | None) -> float:
    """``input_scale``, or where it is None the frames' own: ``sizes.INPUT_SHORT_SIDE`` over the shorter
    side of their most common image size, at most 1."""
    from benchmarks.tasks.pose.sizes import INPUT_SHORT_SIDE

    if input_scale is not None:
        return input_scale
    return min(1.0, INPUT_SHORT_SIDE / min(common_image_size(frames)))


def common_image_size(frames: LabelledFrames) -> tuple[int, int]:
    """(height, width) of most of the frames (a project may mix image sizes)."""
    shapes = [image.shape[:2] for image in frames.images]
    return max(set(shapes), key=shapes.count)


def rescaled(image: torch.Tensor, input_scale: float) -> torch.Tensor:
    """uint8 (C, H, W) resized by ``input_scale`` with antialiasing (not aliased bilinear sampling)."""
    x = F.interpolate(image[None].float(), scale_factor=input_scale, mode="bilinear", antialias=True,
                      recompute_scale_factor=False)
    return x[0].round().clamp(0, 255).to(torch.uint8)


def _normalise(image: torch.Tensor) -> torch.Tensor:
    """uint8 (C, H, W) -> float (3, H, W) with ImageNet normalisation."""
    x = image.float() / 255.0
    if x.shape[0] == 1:
        x = x.expand(3, -1, -1)
    mean = torch.tensor(IMAGENET_MEAN, device=x.device)[:, None, None]
    std = torch.tensor(IMAGENET_STD, device=x.device)[:, None, None]
    return (x - mean) / std


def augmented_batch(
    images: list[torch.Tensor],
    points: np.ndarray,
    rows: np.ndarray,
    crop: tuple[int, int],
    input_scale: float,
    augmentation: Augmentation,
    rng: np.random.Generator,
) -> tuple[torch.Tensor, torch.Tensor]:
    """A batch (B, 3, h, w) of augmented crops and their points (B, K, 2) in crop pixels (NaN kept)."""
    height, width = crop
    out_images, out_points = [], []
    q0 = np.array([(width - 1) / 2, (height - 1) / 2])
    for i in rows:
        image = images[i]
        h, w = image.shape[-2:]
        labelled = points[i][~np.isnan(points[i]).any(axis=-1)]
        scale = input_scale * rng.uniform(*augmentation.scale_range)
        if labelled.size and rng.random() < 0.5:
            centre = labelled[rng.integers(len(labelled))]
        else:
            centre = np.array([(w - 1) / 2, (h - 1) / 2])
        centre = centre + rng.uniform(-1, 1, 2) * augmentation.max_shift * np.array([width, height]) / scale
        angle = math.radians(rng.uniform(-1, 1) * augmentation.rotation_deg) if rng.random() < augmentation.rotation_probability else 0.0
        c, s = math.cos(angle), math.sin(angle)
        rotation = np.array([[c, -s], [s, c]])
        # output pixel q -> source pixel p = centre + R^T (q - q0) / scale
        qy, qx = np.mgrid[0:height, 0:width]
        q = np.stack([qx, qy], axis=-1).reshape(-1, 2) - q0
        p = centre + (q @ rotation) / scale
        grid = np.stack([p[:, 0] / max(w - 1, 1) * 2 - 1, p[:, 1] / max(h - 1, 1) * 2 - 1], axis=-1)
        grid_t = torch.as_tensor(grid.reshape(1, height, width, 2), dtype=torch.float32, device=image.device)
        x = _normalise(image)[None]
        x = F.grid_sample(x, grid_t, mode="bilinear", padding_mode="zeros", align_corners=True)[0]
        gain, bias = rng.uniform(1 - augmentation.brightness, 1 + augmentation.brightness), rng.uniform(-0.2, 0.2)
        x = x * gain + bias
        if augmentation.noise > 0:
            sigma = rng.uniform(0, augmentation.noise) / IMAGENET_STD[1]  # intensity units -> normalised units
            x = x + sigma * torch.as_tensor(rng.standard_normal(x.shape), dtype=x.dtype, device=x.device)
        out_images.append(x)
        out_points.append(((points[i] - centre) @ rotation.T) * scale + q0)
    return torch.stack(out_images), torch.as_tensor(np.stack(out_points), dtype=torch.float32, device=images[0].device)


def train(
    net: PoseNet,
    frames: LabelledFrames,
    rows: np.ndarray,
    *,
    iterations: int,
    batch_size: int,
    crop: tuple[int, int],
    input_scale: float,
    learning_rate: float,
    radius: float,
    seed: int,
    device: torch.device,
    augmentation: Augmentation = Augmentation(),
    track: Callable[[Iterable[int], str], Iterator[int]] | None = None,
    description: str = "training",
) -> list[float]:
    """Train ``net`` in place on the frames at ``rows`` with AdamW; returns the loss of every step.

    The learning rate drops tenfold after 80 % of the steps. ``radius``: score-map positive
    radius in network-input pixels (DeepLabCut: 17 px at full resolution). ``track(steps,
    description)`` reports the progress of the steps (``ctx.track``); None reports nothing.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x7EA1]))
    images = frames_to_tensors(frames, rows, device)
    points = frames.keypoints[rows]
    if input_scale != 1.0:  # resize once, as predict does: crops then come from the frames the network sees
        images = [rescaled(image, input_scale) for image in images]
        points = (points + 0.5) * input_scale - 0.5
        input_scale = 1.0
    optimiser = torch.optim.AdamW(net.parameters(), lr=learning_rate, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.MultiStepLR(optimiser, milestones=[int(0.8 * iterations)], gamma=0.1)
    crop = (int(math.ceil(crop[0] / 16) * 16), int(math.ceil(crop[1] / 16) * 16))
    net.train()
    losses = []
    steps: Iterable[int] = range(iterations)
    if track is not None:
        steps = track(steps, description)
    for _ in steps:
        batch = rng.integers(len(rows), size=batch_size)
        x, p = augmented_batch(images, points, batch, crop, input_scale, augmentation, rng)
        score, offsets = net(x)
        value = loss(score, offsets, *targets(p, score.shape[2], score.shape[3], radius))
        optimiser.zero_grad(set_to_none=True)
        value.backward()
        optimiser.step()
        schedule.step()
        losses.append(float(value.detach()))
    return losses


@torch.no_grad()
def predict(
    net: PoseNet, frames: LabelledFrames, input_scale: float, device: torch.device, batch_size: int = 8
) -> tuple[np.ndarray, np.ndarray]:
    """Points (N, K, 2) in image pixels and likelihoods (N, K) for every frame; same-size frames share batches."""
    net.eval()
    n = len(frames)
    points = np.zeros((n, net.n_parts, 2))
    scores = np.zeros((n, net.n_parts))
    shapes: dict[tuple[int, ...], list[int]] = {}
    for i, image in enumerate(frames.images):
        shapes.setdefault(image.shape[:2], []).append(i)
    for index in shapes.values():
        for start in range(0, len(index), batch_size):
            rows = np.asarray(index[start : start + batch_size])
            tensors = frames_to_tensors(frames, rows, device)
            if input_scale != 1.0:
                tensors = [rescaled(t, input_scale) for t in tensors]
            x = torch.stack([_normalise(t) for t in tensors])
            h, w = x.shape[-2:]
            x = F.pad(x, (0, (-w) % 16, 0, (-h) % 16))
            xy, likelihood = decode(*net(x))
            xy = xy.cpu().numpy()
            points[rows] = (xy + 0.5) / input_scale - 0.5 if input_scale != 1.0 else xy
            scores[rows] = likelihood.cpu().numpy()
    return points, scores
