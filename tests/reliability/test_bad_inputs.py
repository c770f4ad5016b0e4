"""Users' files that are wrong: one error naming the file and the problem."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.tasks.pose.project import read_project, write_project
from benchmarks.tasks.pose.synthetic import GeneratorConfig, generate
from benchmarks.tasks.pyloric import circuit
from benchmarks.tasks.pyloric.data import read_user_observation
from benchmarks.tasks.pyloric.observation import X_O, read_observation_csv


@pytest.fixture
def project(tmp_path: Path) -> Path:
    frames = generate(GeneratorConfig(n_videos=1, frames_per_video=2, height=48, width=64), 3)
    return write_project(tmp_path / "project", frames)


def test_a_truncated_png_in_a_dlc_project_names_the_file(project):
    image = sorted((project / "labeled-data").rglob("*.png"))[0]
    image.write_bytes(image.read_bytes()[:60])  # before: PIL's OSError, without the path
    with pytest.raises(ValueError, match=rf"{image}: not a readable image"):
        read_project(project)


def test_a_negative_coordinate_in_a_dlc_csv_is_refused(project):
    path = next((project / "labeled-data").rglob("CollectedData_*.csv"))
    rows = [row.split(",") for row in path.read_text().splitlines()]
    first_set = next(i for i, value in enumerate(rows[3]) if i > 0 and value)
    rows[3][first_set] = "-99999"  # before: accepted as a point far off the frame
    path.write_text("\n".join(",".join(row) for row in rows) + "\n")
    with pytest.raises(ValueError, match=rf"{path.name}: line 4 .* is negative \(-99999\)"):
        read_project(project)


@pytest.mark.parametrize("reader", [read_user_observation, read_observation_csv])
def test_an_empty_observation_csv_names_the_file(tmp_path, reader):
    path = tmp_path / "observation.csv"
    path.write_text("")  # before: pandas' EmptyDataError, without the path
    with pytest.raises(ValueError, match=rf"{path}: not a readable CSV file \(EmptyDataError"):
        reader(path)


def test_a_negative_cycle_period_is_refused(tmp_path):
    values = np.array(X_O, dtype=float)
    values[0] = -1170.0  # before: accepted
    path = tmp_path / "observation.csv"
    path.write_text(",".join(circuit.STAT_NAMES) + "\n" + ",".join(map(str, values)) + "\n")
    with pytest.raises(ValueError, match=rf"{path}: cycle_period is -1170 ms"):
        read_user_observation(path)


@pytest.mark.parametrize("text, problem", [
    ("data_1,data_2\n", "no rows under the header"),  # before: "need at least one array to stack", no path
    ("data_1,data_2\n1,2,3\n", "one value per header column"),  # before: x_o = [2, 3], the 1 taken as an index
    ("data_1,data_2,data_3\n1,2,3\n", r"expected \(n, 2\) values, got \(1, 3\)"),
])
def test_a_users_sbi_observations_are_checked_against_the_tasks_shape(tmp_path, text, problem):
    from benchmarks.tasks._sbi.references import read_user_observations

    path = tmp_path / "mine.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=rf"{path}: .*{problem}"):
        read_user_observations(path, 2)
