"""The DeepLabCut project reader: the real example, round trips, and errors that name file and line."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from benchmarks.tasks.pose.dlc_h5 import literal_from_pickle, read_collected_h5
from benchmarks.tasks.pose.project import read_collected_csv, read_config, read_project, write_project
from benchmarks.tasks.pose.synthetic import GeneratorConfig, generate


def test_reads_the_openfield_example(openfield):
    frames = read_project(openfield)
    assert len(frames) == 116
    assert frames.bodyparts == ("snout", "leftear", "rightear", "tailbase")
    assert frames.images[0].shape == (480, 640, 3)
    assert frames.paths[0] == "labeled-data/m4s1/img0000.png" and set(frames.videos) == {"m4s1"}
    # first data row of CollectedData_Pranav.csv
    np.testing.assert_allclose(frames.keypoints[0, 0], [21.521, 265.428])
    np.testing.assert_allclose(frames.keypoints[0, 3], [87.11, 152.698])


def test_h5_twin_is_read_without_unpickling_and_matches_the_csv(openfield):
    pytest.importorskip("h5py")
    folder = openfield / "labeled-data" / "m4s1"
    parts = ["snout", "leftear", "rightear", "tailbase"]
    h5_paths, h5_points = read_collected_h5(folder / "CollectedData_Pranav.h5", parts)
    csv_paths, csv_points = read_collected_csv(folder / "CollectedData_Pranav.csv", parts)
    assert h5_paths == csv_paths
    np.testing.assert_array_equal(h5_points, csv_points)


def test_literal_pickle_decoder_refuses_code():
    assert literal_from_pickle(pickle.dumps([("a", "b", "x"), ("a", "b", "y")], protocol=0)) == [
        ("a", "b", "x"), ("a", "b", "y")]
    with pytest.raises(ValueError, match="refusing pickle opcode"):
        literal_from_pickle(pickle.dumps(Path("x"), protocol=0))


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    frames = generate(GeneratorConfig(n_videos=2, frames_per_video=3, height=48, width=64, mixed_sizes=True), 3)
    return write_project(tmp_path / "project", frames)


def test_round_trip_keeps_images_points_and_mixed_sizes(tmp_path):
    frames = generate(GeneratorConfig(n_videos=2, frames_per_video=4, height=48, width=64, mixed_sizes=True), 1)
    back = read_project(write_project(tmp_path / "p", frames))
    assert back.bodyparts == frames.bodyparts and back.paths == frames.paths and back.videos == frames.videos
    assert {image.shape for image in back.images} == {(48, 64), (44, 58)}
    for a, b in zip(frames.images, back.images):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(back.keypoints, frames.keypoints, atol=1e-9, equal_nan=True)


def _csv(project: Path) -> Path:
    return project / "labeled-data" / "video000" / "CollectedData_synthetic.csv"


def _edit_csv(project: Path, line: int, column: int, value: str) -> None:
    path = _csv(project)
    rows = [row.split(",") for row in path.read_text().splitlines()]
    rows[line - 1][column] = value
    path.write_text("\n".join(",".join(row) for row in rows) + "\n")


def test_empty_cells_are_unlabelled_points(small_project):
    _edit_csv(small_project, 4, 1, "")
    _edit_csv(small_project, 4, 2, "")
    frames = read_project(small_project)
    assert np.isnan(frames.keypoints[0, 0]).all() and not np.isnan(frames.keypoints[0, 1]).any()


def test_non_numeric_coordinate_names_file_line_and_part(small_project):
    _edit_csv(small_project, 5, 3, "abc")
    with pytest.raises(ValueError, match=r"CollectedData_synthetic\.csv: line 5 .*leftear/x is not a number: 'abc'"):
        read_project(small_project)


def test_half_labelled_point_is_an_error(small_project):
    _edit_csv(small_project, 4, 2, "")
    with pytest.raises(ValueError, match=r"line 4 .*snout has only one of x and y"):
        read_project(small_project)


def test_missing_image_names_csv_line_and_path(small_project):
    (small_project / "labeled-data" / "video000" / "img0001.png").unlink()
    with pytest.raises(FileNotFoundError, match=r"CollectedData_synthetic\.csv: line 5: image 'labeled-data/video000/img0001.png' not found"):
        read_project(small_project)


def test_bodyparts_disagreeing_with_config(small_project):
    config = yaml.safe_load((small_project / "config.yaml").read_text())
    config["bodyparts"] = ["snout", "leftear", "rightear", "body", "tailbase", "whiskers"]
    (small_project / "config.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(ValueError, match=r"body parts disagree with config.yaml \(missing \['whiskers'\], not in config \['tailend'\]\)"):
        read_project(small_project)


def test_bad_header_and_bad_config(small_project, tmp_path):
    path = _csv(small_project)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], "parts" + lines[1][len("bodyparts"):]] + lines[2:]))
    with pytest.raises(ValueError, match=r"line 2: header row must start with 'bodyparts'"):
        read_project(small_project)
    with pytest.raises(FileNotFoundError, match="no config.yaml"):
        read_config(tmp_path / "nowhere")
    (tmp_path / "config.yaml").write_text("scorer: me\nbodyparts: snout\n")
    with pytest.raises(ValueError, match="'bodyparts' must be a non-empty list"):
        read_config(tmp_path)


def test_three_column_index_of_newer_deeplabcut(small_project):
    path = _csv(small_project)
    rows = [row.split(",") for row in path.read_text().splitlines()]
    out = [[rows[i][0], "", ""] + rows[i][1:] for i in range(3)]
    out += [row[0].split("/") + row[1:] for row in rows[3:]]
    path.write_text("\n".join(",".join(row) for row in out) + "\n")
    frames = read_project(small_project)
    assert frames.paths[0] == "labeled-data/video000/img0000.png"
    assert not np.isnan(frames.keypoints[0, 0]).any()


def test_moved_project_finds_images_by_file_name(small_project, tmp_path):
    moved = tmp_path / "moved"
    shutil.copytree(small_project, moved)
    _edit_csv(moved, 4, 0, "C:\\old\\place\\img0000.png")
    assert len(read_project(moved)) == 6


def test_project_without_csv_is_read_from_its_h5(openfield, tmp_path):
    pytest.importorskip("h5py")
    copy = tmp_path / "openfield"
    shutil.copytree(openfield, copy)
    (copy / "labeled-data" / "m4s1" / "CollectedData_Pranav.csv").unlink()
    from_h5, from_csv = read_project(copy), read_project(openfield)
    assert from_h5.paths == from_csv.paths
    np.testing.assert_array_equal(from_h5.keypoints, from_csv.keypoints)
