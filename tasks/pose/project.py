"""DeepLabCut projects on disk: read (config.yaml, CollectedData_<scorer>.csv, images) and write.

A project folder holds ``config.yaml`` (``scorer``, ``bodyparts``) and
``labeled-data/<video>/CollectedData_<scorer>.csv``: three header rows (scorer, bodyparts,
coords) and one row per image, whose index is the image path relative to the project
(``labeled-data/<video>/img0000.png``; DLC >= 2.2 writes it as three columns instead).
Empty cells mark body parts that were not labelled; they become NaN and count in no error.
The pandas-HDF twin (``.h5``) is read only where the CSV is missing, and only without
unpickling (see :mod:`benchmarks.tasks.pose.dlc_h5`).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from PIL import Image

_MISSING = {"", "nan", "NaN", "NAN", "none", "None"}


@dataclass(frozen=True)
class LabelledFrames:
    """Labelled frames of one project.

    ``images``: one uint8 array per frame, (H, W) grey or (H, W, 3) RGB; sizes may differ.
    ``keypoints``: (N, K, 2) float64 pixel coordinates (x, y), NaN where not labelled.
    ``paths``: image paths relative to the project; ``videos``: the labelled-data folder of each frame.
    """

    images: tuple[np.ndarray, ...]
    keypoints: np.ndarray
    bodyparts: tuple[str, ...]
    paths: tuple[str, ...]
    videos: tuple[str, ...]
    scorer: str
    name: str

    def __len__(self) -> int:
        return len(self.images)


def read_config(project: Path | str) -> dict:
    """``config.yaml`` of a project, checked for a scorer and a non-empty, unique bodypart list."""
    path = Path(project) / "config.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no config.yaml; is {Path(project)} a DeepLabCut project folder?")
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: not valid YAML ({error})") from None
    if not isinstance(config, dict):
        raise ValueError(f"{path}: expected a mapping of settings, got {type(config).__name__}")
    if config.get("multianimalproject"):
        raise ValueError(f"{path}: multi-animal projects are not supported (multianimalproject: true)")
    scorer = config.get("scorer")
    if not isinstance(scorer, str) or not scorer.strip():
        raise ValueError(f"{path}: 'scorer' must be a non-empty string, got {scorer!r}")
    bodyparts = config.get("bodyparts")
    if not isinstance(bodyparts, list) or not bodyparts or not all(isinstance(b, str) for b in bodyparts):
        raise ValueError(f"{path}: 'bodyparts' must be a non-empty list of names, got {bodyparts!r}")
    if len(set(bodyparts)) != len(bodyparts):
        raise ValueError(f"{path}: 'bodyparts' lists a name twice: {bodyparts}")
    return config


def read_collected_csv(path: Path | str, bodyparts: list[str] | tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """Image paths and (N, K, 2) coordinates of a ``CollectedData_<scorer>.csv``, in ``bodyparts`` order.

    Raises ``ValueError`` naming the file and line for a malformed header, body parts that differ
    from ``bodyparts``, a row of the wrong length, a duplicate image or a non-numeric coordinate.
    """
    path = Path(path)
    with open(path, newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    if len(rows) < 3:
        raise ValueError(f"{path}: expected three header rows (scorer, bodyparts, coords), found {len(rows)} rows")
    for line, row in enumerate(rows[:4], start=1):
        if row[:1] == ["individuals"]:
            raise ValueError(f"{path}: line {line}: multi-animal files (an 'individuals' row) are not supported")
    for line, expected in enumerate(("scorer", "bodyparts", "coords"), start=1):
        first = rows[line - 1][0].strip() if rows[line - 1] else ""
        if first != expected:
            raise ValueError(f"{path}: line {line}: header row must start with {expected!r}, found {first!r}")
    coords = rows[2]
    # DLC >= 2.2 splits the image path into three index columns, left empty in the header rows.
    n_index = 1
    while n_index < len(coords) and coords[n_index].strip() == "":
        n_index += 1
    columns = list(zip(rows[1][n_index:], coords[n_index:]))
    if len(rows[1]) != len(coords):
        raise ValueError(f"{path}: lines 2-3: the bodyparts and coords rows have {len(rows[1])} and {len(coords)} cells")
    found = list(dict.fromkeys(part for part, _ in columns))
    if sorted(found) != sorted(bodyparts):
        missing = [b for b in bodyparts if b not in found]
        extra = [b for b in found if b not in bodyparts]
        raise ValueError(
            f"{path}: line 2: body parts disagree with config.yaml (missing {missing}, not in config {extra})"
        )
    column_of: dict[tuple[str, str], int] = {}
    for offset, (part, coord) in enumerate(columns):
        if coord not in ("x", "y"):
            raise ValueError(f"{path}: line 3: coords must be x or y (no likelihood in labels), found {coord!r}")
        if (part, coord) in column_of:
            raise ValueError(f"{path}: lines 2-3: column {part}/{coord} appears twice")
        column_of[(part, coord)] = n_index + offset
    absent = [f"{b}/{c}" for b in bodyparts for c in ("x", "y") if (b, c) not in column_of]
    if absent:
        raise ValueError(f"{path}: lines 2-3: no column for {absent}")

    images: list[str] = []
    keypoints = np.full((len(rows) - 3, len(bodyparts), 2), np.nan)
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[3:], start=4):
        if not any(cell.strip() for cell in row):
            continue  # trailing blank lines
        if len(row) != len(coords):
            raise ValueError(f"{path}: line {number}: {len(row)} cells, the header has {len(coords)}")
        image = "/".join(cell.strip().replace("\\", "/") for cell in row[:n_index] if cell.strip())
        if image in seen:
            raise ValueError(f"{path}: line {number}: image {image!r} is labelled twice (also line {seen[image]})")
        seen[image] = number
        i = len(images)
        images.append(image)
        for k, part in enumerate(bodyparts):
            for c, coord in enumerate(("x", "y")):
                text = row[column_of[(part, coord)]].strip()
                if text in _MISSING:
                    continue
                try:
                    value = float(text)
                except ValueError:
                    raise ValueError(
                        f"{path}: line {number} ({image}): {part}/{coord} is not a number: {text!r}"
                    ) from None
                if not math.isfinite(value):
                    raise ValueError(f"{path}: line {number} ({image}): {part}/{coord} is not finite: {text!r}")
                if value < 0:  # a placeholder such as -99999 for "not visible" would become a target
                    raise ValueError(f"{path}: line {number} ({image}): {part}/{coord} is negative ({text}); "
                                     "pixel coordinates start at 0: leave a point that is not visible empty")
                keypoints[i, k, c] = value
            if np.isnan(keypoints[i, k]).sum() == 1:
                raise ValueError(f"{path}: line {number} ({image}): {part} has only one of x and y")
    return images, keypoints[: len(images)]


def read_image(path: Path) -> np.ndarray:
    """An image file as uint8: (H, W) for grey, (H, W, 3) otherwise (alpha and palettes dropped)."""
    try:
        with Image.open(path) as image:
            image.load()
            if image.mode not in ("L", "RGB"):
                image = image.convert("L" if image.mode in ("I;16", "I", "1", "LA") else "RGB")
            return np.asarray(image, dtype=np.uint8).copy()
    except (OSError, SyntaxError, ValueError) as error:  # PIL: truncated, broken or unknown image files
        raise ValueError(f"{path}: not a readable image ({type(error).__name__}: {error})") from None


def read_project(project: Path | str, *, videos: list[str] | None = None) -> LabelledFrames:
    """Every labelled frame of a DeepLabCut project folder (or of the listed ``videos`` only).

    Frames come in the order of sorted video folders and of the CSV rows. Raises
    ``FileNotFoundError`` naming the CSV line of an image that is missing.
    """
    project = Path(project)
    config = read_config(project)
    scorer, bodyparts = config["scorer"], list(config["bodyparts"])
    labelled = project / "labeled-data"
    if not labelled.is_dir():
        raise FileNotFoundError(f"{labelled}: no labeled-data folder in the project")
    folders = sorted(p for p in labelled.iterdir() if p.is_dir())
    if videos is not None:
        folders = [f for f in folders if f.name in set(videos)]
    all_images, all_points, all_paths, all_videos = [], [], [], []
    for folder in folders:
        csv_path = folder / f"CollectedData_{scorer}.csv"
        if csv_path.is_file():
            paths, points = read_collected_csv(csv_path, bodyparts)
            source = csv_path
        elif (folder / f"CollectedData_{scorer}.h5").is_file():
            from benchmarks.tasks.pose.dlc_h5 import read_collected_h5

            source = folder / f"CollectedData_{scorer}.h5"
            paths, points = read_collected_h5(source, bodyparts)
        else:
            continue  # a video folder whose frames were extracted but not labelled yet
        for row, relative in enumerate(paths):
            image_path = project / relative
            if not image_path.is_file() and (folder / Path(relative).name).is_file():
                image_path = folder / Path(relative).name  # projects moved or renamed keep the file name
            if not image_path.is_file():
                raise FileNotFoundError(f"{source}: line {row + 4}: image {relative!r} not found at {image_path}")
            all_images.append(read_image(image_path))
            all_paths.append(relative)
            all_videos.append(folder.name)
        all_points.append(points)
    if not all_images:
        raise ValueError(f"{labelled}: no CollectedData_{scorer}.csv (or .h5) with labelled frames in any video folder")
    return LabelledFrames(
        images=tuple(all_images),
        keypoints=np.concatenate(all_points),
        bodyparts=tuple(bodyparts),
        paths=tuple(all_paths),
        videos=tuple(all_videos),
        scorer=scorer,
        name=str(config.get("Task") or project.name),
    )


def write_project(project: Path | str, frames: LabelledFrames, *, extra_config: dict | None = None) -> Path:
    """Write ``frames`` as a DeepLabCut project: config.yaml, PNG images and one CSV per video.

    Image paths are taken from ``frames.paths`` (``labeled-data/<video>/<file>.png``).
    """
    project = Path(project)
    config = {
        "Task": frames.name,
        "scorer": frames.scorer,
        "date": "synthetic",
        "multianimalproject": False,
        "bodyparts": list(frames.bodyparts),
        "skeleton": [],
        "pcutoff": 0.6,
        "TrainingFraction": [0.95],
        "iteration": 0,
        "default_net_type": "resnet_50",
        **(extra_config or {}),
    }
    project.mkdir(parents=True, exist_ok=True)
    (project / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    videos = np.asarray(frames.videos)
    for video in dict.fromkeys(frames.videos):
        folder = project / "labeled-data" / video
        folder.mkdir(parents=True, exist_ok=True)
        rows = np.flatnonzero(videos == video)
        header = [
            ["scorer"] + [frames.scorer] * 2 * len(frames.bodyparts),
            ["bodyparts"] + [part for part in frames.bodyparts for _ in (0, 1)],
            ["coords"] + ["x", "y"] * len(frames.bodyparts),
        ]
        lines = []
        for i in rows:
            Image.fromarray(frames.images[i]).save(project / frames.paths[i], compress_level=1)
            values = ["" if np.isnan(v) else repr(round(float(v), 3)) for v in frames.keypoints[i].reshape(-1)]
            lines.append([frames.paths[i]] + values)
        with open(folder / f"CollectedData_{frames.scorer}.csv", "w", newline="", encoding="utf-8") as stream:
            csv.writer(stream).writerows(header + lines)
    return project
