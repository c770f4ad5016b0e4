"""DeepLabCut's network in torch: a ResNet or MobileNetV2 backbone at output stride 16, one
transposed convolution to stride 8, per-part score maps and location-refinement offsets (Mathis
et al. 2018, after DeeperCut; MobileNetV2 as in DeepLabCut-Live, Kane et al. 2020). Also the
targets, the loss and the decoding of score maps into points.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
import torchvision
from torch import nn
from torch.nn import functional as F

STRIDE = 8  # output stride of the score maps (input pixels per cell)
LOCREF_STDEV = 7.2801  # offsets are regressed in units of this many pixels (DeepLabCut default)
LOCREF_WEIGHT = 0.05
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
CHANNELS = {"resnet18": 512, "resnet50": 2048, "mobilenet_v2": 320}
#: torchvision's name of each backbone's ImageNet checkpoint (``<name>-<hash>.pth`` in the torch hub cache)
CHECKPOINTS = {"resnet18": "resnet18", "resnet50": "resnet50", "mobilenet_v2": "mobilenet_v2"}


class PoseNet(nn.Module):
    """ResNet or MobileNetV2 (stride 16 via dilated last blocks) + deconvolution heads: (B, 3, H, W) -> score
    logits (B, K, H/8, W/8) and offsets (B, 2K, H/8, W/8) as (x, y) pairs per part. H, W multiples of 16.

    With ImageNet ``weights`` the batch-norm statistics stay frozen, as in DeepLabCut's TensorFlow
    engine; from scratch the backbone uses GroupNorm, as DeepLabCut 3's ``resnet50_gn`` (batch
    statistics of small batches of crops do not carry over to whole frames at inference).
    """

    def __init__(self, backbone: str, n_parts: int, weights: Path | str | None = None) -> None:
        super().__init__()
        if backbone not in CHANNELS:
            raise ValueError(f"backbone must be one of {sorted(CHANNELS)}, got {backbone!r}")
        self.backbone_name = backbone
        self.frozen_batchnorm = weights is not None
        if backbone == "mobilenet_v2":
            self.body = _mobilenet_body(weights)
        else:
            self.body = _resnet_body(backbone, weights)
        channels = CHANNELS[backbone]
        self.score = nn.ConvTranspose2d(channels, n_parts, 3, stride=2, padding=1, output_padding=1)
        self.locref = nn.ConvTranspose2d(channels, 2 * n_parts, 3, stride=2, padding=1, output_padding=1)
        self.n_parts = n_parts

    def train(self, mode: bool = True) -> "PoseNet":
        super().train(mode)
        if self.frozen_batchnorm:
            for module in self.body.modules():
                if isinstance(module, nn.BatchNorm2d):
                    module.eval()
        return self

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.body(images)
        return self.score(features), self.locref(features)


def _load_backbone(model: nn.Module, weights: Path | str, backbone: str) -> None:
    state = torch.load(Path(weights), map_location="cpu", weights_only=True)  # no arbitrary unpickling
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ValueError(f"{weights}: not {backbone} weights (missing {missing[:3]}, unexpected {unexpected[:3]})")


def _resnet_body(backbone: str, weights: Path | str | None) -> nn.Sequential:
    norm = None if weights is not None else (lambda channels: nn.GroupNorm(min(32, channels // 4), channels))
    if backbone == "resnet50":
        resnet = torchvision.models.resnet50(weights=None, replace_stride_with_dilation=[False, False, True], norm_layer=norm)
    else:
        resnet = torchvision.models.resnet18(weights=None, norm_layer=norm)
    if weights is not None:
        _load_backbone(resnet, weights, backbone)
    if backbone == "resnet18":
        _dilate_last_block(resnet.layer4)
    return nn.Sequential(
        resnet.conv1, resnet.bn1, resnet.relu, resnet.maxpool, resnet.layer1, resnet.layer2, resnet.layer3, resnet.layer4
    )


def _mobilenet_body(weights: Path | str | None) -> nn.Sequential:
    """MobileNetV2's inverted-residual stages up to 320 channels (its final 1x1 to 1280 channels is
    dropped, as a classifier's), the stride-32 stage run at stride 16 with dilated depthwise convolutions."""
    # GroupNorm needs groups that divide the channels (MobileNetV2 has 144, 24, ...)
    norm = None if weights is not None else (lambda channels: nn.GroupNorm(math.gcd(32, channels), channels))
    model = torchvision.models.mobilenet_v2(weights=None, norm_layer=norm)
    if weights is not None:
        _load_backbone(model, weights, "mobilenet_v2")
    features = model.features[:18]
    for index, block in enumerate(features):
        if index < 14:
            continue
        depthwise = block.conv[1][0]
        if index == 14:
            depthwise.stride = (1, 1)  # the block that would halve to stride 32
        else:
            depthwise.dilation, depthwise.padding = (2, 2), (2, 2)
    return nn.Sequential(*features)


def _dilate_last_block(layer: nn.Sequential) -> None:
    """Atrous last block for BasicBlock ResNets (torchvision dilates only Bottleneck ones)."""
    first = layer[0]
    first.conv1.stride = (1, 1)
    if first.downsample is not None:
        first.downsample[0].stride = (1, 1)
    for block in layer:
        for conv in (block.conv1, block.conv2):
            if conv is first.conv1:
                continue
            conv.dilation, conv.padding = (2, 2), (2, 2)


def imagenet_weights(backbone: str) -> Path | None:
    """The torchvision ImageNet checkpoint of ``backbone`` in the torch hub cache, if present (never downloads)."""
    folder = Path(torch.hub.get_dir()) / "checkpoints"
    found = sorted(folder.glob(f"{CHECKPOINTS[backbone]}-*.pth")) if folder.is_dir() else []
    return found[0] if found else None


def grid_centres(size: int, device: torch.device) -> torch.Tensor:
    """Input-pixel coordinates of the centres of ``size`` score-map cells along one axis."""
    return torch.arange(size, device=device, dtype=torch.float32) * STRIDE + (STRIDE - 1) / 2


def targets(points: torch.Tensor, height: int, width: int, radius: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Score-map targets (B, K, h, w): 1 within ``radius`` input pixels of a labelled point; offset
    targets (B, 2K, h, w) in units of LOCREF_STDEV; and their mask (B, 2K, h, w).
    ``points`` (B, K, 2) input pixels, NaN where unlabelled (no positives: the part is trained as absent)."""
    gx, gy = grid_centres(width, points.device), grid_centres(height, points.device)
    dx = points[..., 0, None, None] - gx[None, None, None, :]  # (B, K, 1, w)
    dy = points[..., 1, None, None] - gy[None, None, :, None]  # (B, K, h, 1)
    dx, dy = torch.broadcast_tensors(dx, dy)
    positive = (dx * dx + dy * dy) <= radius * radius  # NaN compares False
    scores = positive.float()
    offsets = torch.stack([dx, dy], dim=2).flatten(1, 2) / LOCREF_STDEV
    mask = positive.repeat_interleave(2, dim=1).float()
    return scores, torch.nan_to_num(offsets) * mask, mask


def loss(score_logits: torch.Tensor, offsets: torch.Tensor, target_scores, target_offsets, mask) -> torch.Tensor:
    """Sigmoid cross-entropy on score maps (mean over cells) + 0.05 x Huber loss of offsets (mean over positives)."""
    part = F.binary_cross_entropy_with_logits(score_logits, target_scores)
    huber = F.huber_loss(offsets * mask, target_offsets, reduction="sum", delta=1.0) / mask.sum().clamp(min=1.0)
    return part + LOCREF_WEIGHT * huber


def decode(score_logits: torch.Tensor, offsets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Points (B, K, 2) in input pixels (argmax cell + its offset) and likelihoods (B, K) in [0, 1]."""
    b, k, h, w = score_logits.shape
    probabilities = torch.sigmoid(score_logits).flatten(2)
    best, index = probabilities.max(dim=2)
    row, col = index // w, index % w
    offsets = offsets.view(b, k, 2, h * w)
    chosen = offsets.gather(3, index[:, :, None, None].expand(b, k, 2, 1))[..., 0] * LOCREF_STDEV
    centres = torch.stack([grid_centres(w, score_logits.device)[col], grid_centres(h, score_logits.device)[row]], -1)
    return centres + chosen, best
