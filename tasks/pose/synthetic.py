"""Synthetic labelled video of a mouse-like animal in an open field, deterministic in the seed.

Resembles DeepLabCut's open-field example: grey-scale top view, a dark animal on a bright,
textured floor surrounded by darker walls, with its shadow. Each video is a smooth random walk
of the animal's position, heading, spine bend, head yaw and tail curl; each frame varies the
lighting (gain and a gradient), adds sensor noise and blur, and now and then an occluding blob.
Labels come exactly from the body model: snout, left and right ear, body centre, tail base and
tail end. A point under an occluder or outside the frame is left unlabelled (NaN), as a human
labeller would. Frames are rendered in batches with numpy; the animal only in a window around it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from benchmarks.tasks.pose.project import LabelledFrames

BODYPARTS = ("snout", "leftear", "rightear", "body", "tailbase", "tailend")


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate: ``n_videos`` x ``frames_per_video`` frames of ``height`` x ``width`` pixels."""

    n_videos: int = 2
    frames_per_video: int = 12
    height: int = 96
    width: int = 128
    body_length: float = 0.16  # snout-to-tail-base length as a share of the width (openfield: ~100 of 640 px)
    occlusion_rate: float = 0.1  # share of frames with an occluding blob
    mixed_sizes: bool = False  # crop some videos' frames, as real projects mix image sizes


def _smooth_walk(rng: np.random.Generator, n: int, dims: int, rho: float) -> np.ndarray:
    """(n, dims) AR(1) series with unit stationary variance: smooth random motion."""
    out = np.empty((n, dims))
    out[0] = rng.standard_normal(dims)
    shocks = rng.standard_normal((n, dims)) * np.sqrt(1 - rho**2)
    for t in range(1, n):
        out[t] = rho * out[t - 1] + shocks[t]
    return out


def _trajectory(rng: np.random.Generator, n: int, cfg: GeneratorConfig, length: float) -> dict[str, np.ndarray]:
    """Per-frame pose parameters of one video (pixels and radians)."""
    margin = 0.08 * cfg.width + 0.6 * length
    lo = np.array([margin, margin])
    hi = np.array([cfg.width - margin, cfg.height - margin])
    position = np.empty((n, 2))
    position[0] = rng.uniform(lo, hi)
    heading = np.empty(n)
    heading[0] = rng.uniform(-np.pi, np.pi)
    turn = _smooth_walk(rng, n, 1, 0.8)[:, 0] * 0.35
    speed = np.abs(_smooth_walk(rng, n, 1, 0.9)[:, 0]) * 0.25 * length + 0.05 * length
    for t in range(1, n):
        heading[t] = heading[t - 1] + turn[t]
        step = position[t - 1] + speed[t] * np.array([np.cos(heading[t]), np.sin(heading[t])])
        bounced = (step < lo) | (step > hi)
        if bounced.any():  # turn away from the wall
            heading[t] = np.arctan2(-np.sin(heading[t]) if bounced[1] else np.sin(heading[t]),
                                    -np.cos(heading[t]) if bounced[0] else np.cos(heading[t]))
            step = np.clip(step, lo, hi)
        position[t] = step
    angles = _smooth_walk(rng, n, 3, 0.85)
    return {
        "position": position,
        "heading": heading,
        "bend": 0.25 * angles[:, 0],
        "yaw": 0.35 * angles[:, 1],
        "curl": 0.9 * angles[:, 2],
        "scale": np.full(n, rng.uniform(0.85, 1.15)),
    }


def _unit(angle: np.ndarray) -> np.ndarray:
    return np.stack([np.cos(angle), np.sin(angle)], axis=-1)


def _skeleton(pose: dict[str, np.ndarray], length: float):
    """Keypoints (n, 6, 2) and body ellipses (n, E, 5: cx, cy, a, b, angle) of every frame."""
    L = length * pose["scale"][:, None]
    centre, heading, bend = pose["position"], pose["heading"], pose["bend"]
    rear_dir, front_dir = heading - bend, heading + bend
    tailbase = centre - 0.5 * L * _unit(rear_dir)
    neck = centre + 0.3 * L * _unit(front_dir)
    head_dir = front_dir + pose["yaw"]
    snout = neck + 0.38 * L * _unit(head_dir)
    side = _unit(head_dir + np.pi / 2)  # image y points down: +90 degrees is the animal's right
    ear_base = neck + 0.1 * L * _unit(head_dir)
    right_ear, left_ear = ear_base + 0.13 * L * side, ear_base - 0.13 * L * side
    ellipses = [
        np.column_stack([(centre + tailbase) / 2, 0.36 * L, 0.24 * L, rear_dir]),
        np.column_stack([(centre + neck) / 2, 0.3 * L, 0.2 * L, front_dir]),
        np.column_stack([neck + 0.2 * L * _unit(head_dir), 0.2 * L, 0.13 * L, head_dir]),
        np.column_stack([left_ear, 0.07 * L, 0.06 * L, head_dir]),
        np.column_stack([right_ear, 0.07 * L, 0.06 * L, head_dir]),
    ]
    tail, direction = tailbase.copy(), rear_dir + np.pi
    segments = 8
    for s in range(segments):
        direction = direction + pose["curl"] / segments
        step = 0.13 * L * _unit(direction)
        ellipses.append(np.column_stack([tail + step / 2, 0.08 * L, (0.05 - 0.003 * s) * L, direction]))
        tail = tail + step
    keypoints = np.stack([snout, left_ear, right_ear, centre, tailbase, tail], axis=1)
    return keypoints, np.stack(ellipses, axis=1)


def _ellipse_alpha(x: np.ndarray, y: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Anti-aliased coverage (n, h, w) in [0, 1] of ellipses e (n, 5) on grids x, y (n, 1, w), (n, h, 1)."""
    cx, cy, a, b, angle = (e[:, i, None, None] for i in range(5))
    dx, dy = x - cx, y - cy
    c, s = np.cos(angle), np.sin(angle)
    u, v = (dx * c + dy * s) / a, (-dx * s + dy * c) / b
    radius = np.sqrt(u * u + v * v)
    return np.clip((1.0 - radius) * np.minimum(a, np.maximum(b, 1.0)) + 0.5, 0.0, 1.0)


def _arena(rng: np.random.Generator, cfg: GeneratorConfig) -> np.ndarray:
    """(H, W) float floor-and-walls image of one video, in [0, 1]."""
    h, w = cfg.height, cfg.width
    coarse = rng.standard_normal((6, 8))
    texture = ndimage.zoom(coarse, (h / 6, w / 8), order=3)[:h, :w] * 0.04
    grain = ndimage.gaussian_filter(rng.standard_normal((h, w)), 0.7) * 0.03
    floor = rng.uniform(0.6, 0.8) + texture + grain
    yy, xx = np.mgrid[0:h, 0:w]
    inset = rng.uniform(0.02, 0.06) * w
    distance_to_wall = np.minimum.reduce([xx - inset, w - 1 - inset - xx, yy - inset, h - 1 - inset - yy])
    wall = rng.uniform(0.3, 0.45) + 0.05 * ndimage.zoom(rng.standard_normal((4, 4)), (h / 4, w / 4), order=1)[:h, :w]
    inside = np.clip(distance_to_wall / 1.5 + 0.5, 0, 1)
    wall_shadow = 1 - 0.25 * np.exp(-np.maximum(distance_to_wall, 0) / (0.03 * w))
    return inside * floor * wall_shadow + (1 - inside) * wall


def generate(config: GeneratorConfig, seed: int, *, name: str = "synthetic-mouse") -> LabelledFrames:
    """Render ``config.n_videos`` videos of ``config.frames_per_video`` labelled frames.

    Returns grey uint8 frames (H, W) with keypoints (N, 6, 2) in pixels, NaN where occluded or
    outside the frame; frame paths ``labeled-data/video<v>/img<t>.png``.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x90_5E]))
    cfg, n = config, config.frames_per_video
    length = cfg.body_length * cfg.width
    window = int(np.ceil(4.2 * length)) + 4  # covers the animal with its tail at the largest scale
    images, points, paths, videos = [], [], [], []
    for v in range(cfg.n_videos):
        arena = _arena(rng, cfg)
        pose = _trajectory(rng, n, cfg, length)
        keypoints, ellipses = _skeleton(pose, length)
        centre = pose["position"]
        origin = np.floor(centre - window / 2).astype(int)  # window corner per frame, may leave the frame
        xs = origin[:, 0, None, None] + np.arange(window)[None, None, :] + 0.5
        ys = origin[:, 1, None, None] + np.arange(window)[None, :, None] + 0.5
        body = np.zeros((n, window, window))
        shadow = np.zeros((n, window, window))
        light_dir = rng.uniform(-np.pi, np.pi)
        offset = 0.06 * length * _unit(np.array(light_dir))
        for e in range(ellipses.shape[1]):
            body = np.maximum(body, _ellipse_alpha(xs, ys, ellipses[:, e]))
            shadowed = ellipses[:, e].copy()
            shadowed[:, :2] += offset
            shadowed[:, 2:4] *= 1.1
            shadow = np.maximum(shadow, _ellipse_alpha(xs, ys, shadowed))
        shadow = ndimage.gaussian_filter(shadow, (0, 1.5, 1.5))
        fur = rng.uniform(0.08, 0.2) + 0.03 * rng.standard_normal((n, window, window))
        gain = 1 + 0.12 * _smooth_walk(rng, n, 1, 0.9)[:, 0]
        gradient_angle = rng.uniform(-np.pi, np.pi) + 0.3 * _smooth_walk(rng, n, 1, 0.95)[:, 0]
        frames = np.empty((n, cfg.height, cfg.width))
        yy, xx = np.mgrid[0 : cfg.height, 0 : cfg.width] / cfg.width - 0.5
        grid_x = np.arange(cfg.width)[None, None, :] + 0.5
        grid_y = np.arange(cfg.height)[None, :, None] + 0.5
        for t in range(n):
            frame = arena.copy()
            # paste the animal window, clipped to the frame
            x0, y0 = origin[t]
            fx0, fy0 = max(x0, 0), max(y0, 0)
            fx1, fy1 = min(x0 + window, cfg.width), min(y0 + window, cfg.height)
            if fx1 > fx0 and fy1 > fy0:
                wy, wx = slice(fy0 - y0, fy1 - y0), slice(fx0 - x0, fx1 - x0)
                region = frame[fy0:fy1, fx0:fx1]
                region *= 1 - 0.35 * shadow[t, wy, wx]
                alpha = body[t, wy, wx]
                frame[fy0:fy1, fx0:fx1] = region * (1 - alpha) + fur[t, wy, wx] * alpha
            direction = _unit(gradient_angle[t])
            frame *= gain[t] * (1 + 0.25 * (xx * direction[0] + yy * direction[1]))
            if rng.random() < cfg.occlusion_rate:
                target = keypoints[t, rng.integers(len(BODYPARTS))]
                blob = np.array([[*(target + rng.normal(0, 0.1 * length, 2)), *rng.uniform(0.12, 0.3, 2) * length,
                                  rng.uniform(-np.pi, np.pi)]])
                alpha = _ellipse_alpha(grid_x, grid_y, blob)[0]
                frame = frame * (1 - alpha) + rng.uniform(0.3, 0.9) * alpha
                covered = alpha[np.clip(keypoints[t, :, 1].astype(int), 0, cfg.height - 1),
                                np.clip(keypoints[t, :, 0].astype(int), 0, cfg.width - 1)] > 0.5
                keypoints[t, covered] = np.nan
            sigma = rng.uniform(0.0, 1.2)
            if sigma > 0.3:
                frame = ndimage.gaussian_filter(frame, sigma)
            frame += rng.normal(0, rng.uniform(0.01, 0.035), frame.shape)
            frames[t] = frame
        outside = (keypoints[..., 0] < 0) | (keypoints[..., 0] > cfg.width - 1) | \
                  (keypoints[..., 1] < 0) | (keypoints[..., 1] > cfg.height - 1)
        keypoints[outside] = np.nan
        frames = np.clip(frames * 255 + 0.5, 0, 255).astype(np.uint8)
        if cfg.mixed_sizes and v % 2 == 1:  # crop odd videos: their frames get another size
            crop = (int(cfg.height * 0.1) // 2 * 2, int(cfg.width * 0.1) // 2 * 2)
            frames = frames[:, crop[0]:, crop[1]:]
            keypoints = keypoints - np.array([crop[1], crop[0]])
            keypoints[(keypoints < 0).any(axis=-1)] = np.nan
        for t in range(n):
            images.append(frames[t])
            points.append(keypoints[t])
            paths.append(f"labeled-data/video{v:03d}/img{t:04d}.png")
            videos.append(f"video{v:03d}")
    return LabelledFrames(
        images=tuple(images),
        keypoints=np.round(np.asarray(points, dtype=np.float64), 3),  # the CSV keeps 3 decimals
        bodyparts=BODYPARTS,
        paths=tuple(paths),
        videos=tuple(videos),
        scorer="synthetic",
        name=name,
    )
