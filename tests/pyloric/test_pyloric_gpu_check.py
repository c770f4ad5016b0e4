"""``python -m benchmarks.tasks.pyloric.gpu_check`` runs on the CPU too: a short run, two reference rows."""

from __future__ import annotations

import pytest
from pyloric_reference import REFERENCE

from benchmarks.tasks.pyloric import gpu_check


def test_gpu_check_runs_on_the_cpu(capsys, monkeypatch) -> None:
    if not (REFERENCE / "reference_stats_noise_free.csv").is_file():
        pytest.skip(f"reference outputs not available at {REFERENCE}")
    monkeypatch.setenv("BENCHMARKS_MIRROR", str(REFERENCE.parent))  # the table the check compares with
    report = gpu_check.main(["--device", "cpu", "--n", "2", "--t-max", "20", "--rows", "2"])
    printed = capsys.readouterr().out
    assert '"sims_per_s_integration"' in printed
    speed, match = report["speed"], report["match"]
    assert speed["n"] == 2 and speed["sims_per_s_integration"] > 0
    # float64 torch against the numba kernel: the same trajectories (V stored as float32)
    assert match["compared"] == "voltage traces" and match["rows_within_1e-4_mV"] == 2


def test_gpu_check_refuses_bad_arguments(tmp_path) -> None:
    with pytest.raises(SystemExit):
        gpu_check.main(["--device", "cpu", "--n", "0"])
    with pytest.raises(FileNotFoundError, match="reference_stats_noise_free.csv"):
        gpu_check.reference_rows(tmp_path)
