"""A method's own parameters, presets, per-method keys, and methods from outside the suite."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.cli.app import main
from benchmarks.contract import outside, variants
from benchmarks.contract.names import UnknownName
from benchmarks.contract.options import OptionError, Param
from benchmarks.contract.registry import discover
from benchmarks.contract.task import Preset
from benchmarks.running.cells import Cell, UsageError, plan
from benchmarks.running.check import signature_problems, withheld_problems


@pytest.fixture
def toy(toy_tasks):
    return discover().get("toy")


def _records(folder: Path) -> dict[str, dict]:
    """The newest record of each row (by finishing time)."""
    records = sorted((json.loads(path.read_text()) for path in folder.rglob("seed*.json")),
                     key=lambda record: record["finished_at"])
    return {record["method"]: record for record in records}


def test_a_method_spec_is_parsed_as_benchopt_writes_it():
    assert variants.parse_spec("npe") == ("npe", {})
    assert variants.parse_spec("npe[max_epochs=5, hidden_features=[50,100]]") == (
        "npe", {"max_epochs": ["5"], "hidden_features": ["50", "100"]})
    for bad in ("npe[max_epochs=5", "npe]", "npe[5]", "npe[a=1,a=2]", "npe[a=[]]", "[a=1]"):
        with pytest.raises(variants.SpecError):
            variants.parse_spec(bad)


def test_rows_are_named_by_preset_then_by_their_non_default_values(toy):
    with_preset = dataclasses.replace(toy, presets=(Preset("mean_trimmed", "mean", {"trim": "0.1"}),))
    assert variants.by_name(with_preset, "mean").name == "mean"
    assert variants.by_name(with_preset, "mean", {"trim": "0.1"}).name == "mean_trimmed"
    assert variants.by_name(with_preset, "mean", {"trim": 0.2}).name == "mean[trim=0.2]"
    assert [v.name for v in variants.default_variants(with_preset, "smoke")] == ["zero", "mean", "mean_trimmed",
                                                                                  "median", "broken"]
    preset = Cell("toy", "mean_trimmed", "smoke", 0, toy.resolve_options())
    explicit = variants.expand(with_preset, "mean", {"trim": ["0.1"]})[0]
    assert explicit.name == "mean_trimmed"
    assert preset.key(with_preset).digest == Cell("toy", explicit.name, "smoke", 0, toy.resolve_options(),
                                                  variant=explicit).key(with_preset).digest


def test_a_key_holds_the_data_options_and_only_its_own_methods_parameters_and_version(toy):
    options = toy.resolve_options()
    def digests(task, **changed_options):
        return {m: Cell("toy", m, "smoke", 0, {**options, **changed_options}).key(task).digest
                for m in ("zero", "mean", "median")}
    before = digests(toy)
    trimmed = dataclasses.replace(toy, methods=tuple(
        dataclasses.replace(m, params=(dataclasses.replace(m.params[0], default=0.25),)) if m.name == "mean" else m
        for m in toy.methods))
    changed = digests(trimmed)
    assert changed["mean"] != before["mean"] and {m: changed[m] for m in ("zero", "median")} == {
        m: before[m] for m in ("zero", "median")}
    bumped = dataclasses.replace(toy, methods=tuple(dataclasses.replace(m, version=2) if m.name == "zero" else m
                                                    for m in toy.methods))
    assert [m for m in before if digests(bumped)[m] != before[m]] == ["zero"]
    assert all(digests(toy, true_mean=4.0)[m] != before[m] for m in before)  # a data option: every cell


def test_the_plan_checks_parameters_and_expands_grids(toy_tasks):
    registry = discover()
    cells = plan(registry, tasks=["toy"], methods=["mean[trim=[0,0.1,0.2]]", "zero"], size="smoke")
    assert [c.method for c in cells] == ["mean", "mean[trim=0.1]", "mean[trim=0.2]", "zero"]
    with pytest.raises(OptionError, match="trim"):
        plan(registry, tasks=["toy"], methods=["mean[trim=0.7]"], size="smoke")
    with pytest.raises(UnknownName, match="Did you mean 'trim'"):
        plan(registry, tasks=["toy"], methods=["mean[trm=0.1]"], size="smoke")


def test_changing_one_parameter_reruns_only_that_methods_cells(toy_tasks, results, capsys):
    assert main(["run", "--task", "toy", "--size", "smoke", "--method", "zero", "--method", "mean",
                 "--results", str(results)]) == 0
    first = _records(results)
    assert first["mean"]["method_params"] == {"trim": 0.0} and first["mean"]["method_origin"] == "suite"
    assert main(["run", "--task", "toy", "--size", "smoke", "--method", "zero", "--method", "mean[trim=0.1]",
                 "--results", str(results)]) == 0
    second = _records(results)
    assert second["zero"]["run_id"] == first["zero"]["run_id"]  # kept, not rerun
    assert second["mean[trim=0.1]"]["run_id"] != first["mean"]["run_id"]
    assert second["mean[trim=0.1]"]["method_params"] == {"trim": 0.1}


USER_METHODS = '''
import numpy as np

def midrange(data, ctx, *, shrink: float = 0.0):
    """Half-way between the smallest and largest sample of each group."""
    samples = data["samples"]
    return (1 - shrink) * (samples.min(axis=1) + samples.max(axis=1)) / 2

def wrong_shape(data, ctx):
    return np.zeros(3)

def peeks(data, ctx):
    return np.full(len(data["samples"]), data["true_mean"])
'''


def test_a_users_file_runs_beside_the_suite_and_editing_it_reruns_its_cell_only(toy_tasks, results, tmp_path,
                                                                                  capsys):
    mine = tmp_path / "mine.py"
    mine.write_text(USER_METHODS)
    broken = tmp_path / "broken.py"
    broken.write_text("import a_module_that_is_not_installed\n\ndef f(data, ctx):\n    pass\n")
    argv = ["run", "--task", "toy", "--size", "smoke", "--results", str(results), "--method", "zero",
            "--method", f"{mine}:midrange", "--method", f"{mine}:wrong_shape", "--method", f"{mine}:peeks",
            "--method", f"{broken}:f"]
    assert main(argv) == 1  # the broken ones fail; the others still run
    out = capsys.readouterr()
    first = _records(results)
    assert first["zero"]["status"] == first["midrange"]["status"] == "ok"
    assert first["midrange"]["method_kind"] == "model" and first["midrange"]["method_origin"] == f"file {mine}"
    assert first["wrong_shape"]["stage"] == "output" and "(8,)" in first["wrong_shape"]["error"]
    assert first["peeks"]["error"] == "KeyError: 'true_mean'"  # the test target is withheld
    assert "ModuleNotFoundError" in first["f"]["error"]
    assert "midrange" in out.out and "zero" in out.out  # ranked beside the suite's row
    mine.write_text(USER_METHODS.replace("(1 - shrink)", "(1 - shrink) * 1.0"))
    main(argv)
    second = _records(results)
    sources = {json.loads(path.read_text())["method_source"] for path in results.rglob("midrange/seed0-*.json")}
    assert len(sources) == 2  # a new key, and a new record, for the edited source
    assert second["zero"]["run_id"] == first["zero"]["run_id"] and len(list(results.rglob("zero/seed0-*.json"))) == 1


def test_an_outside_method_needs_its_task_and_a_safe_free_name(toy_tasks, results, tmp_path, capsys):
    mine = tmp_path / "mine.py"
    mine.write_text(USER_METHODS + "\ndef mean(data, ctx):\n    return data['samples'].mean(axis=1)\n")
    assert main(["run", "--size", "smoke", "--results", str(results), "--method", f"{mine}:midrange"]) == 2
    assert "--task" in capsys.readouterr().err
    assert main(["run", "--task", "toy", "--results", str(results), "--method", f"{mine}:mean"]) == 2
    assert "name yours" in capsys.readouterr().err
    assert main(["run", "--task", "toy", "--results", str(results), "--method", f"{tmp_path}/none.py:f"]) == 2
    with pytest.raises(outside.OutsideMethodError, match="safe folder name"):
        outside.declared(outside.method(name="../up")(lambda data, ctx: None), "x:f", "test")


def test_an_outside_method_declares_its_kind_name_and_parameters():
    @outside.method(name="my_baseline", kind="baseline", version=3, params=[Param("k", int, 5, minimum=1)])
    def knn(data, ctx, *, k):
        return k

    declared = outside.declared(knn, "mine:knn", "module mine")
    assert (declared.name, declared.kind.value, declared.version, [p.name for p in declared.params]) == (
        "my_baseline", "baseline", 3, ["k"])

    def typed(data, ctx, *, alpha: float = 1, label="a", flag=False):
        return None

    params = {p.name: p.type for p in outside.signature_params(typed, "x:typed")}
    assert params == {"alpha": float, "label": str, "flag": bool}
    with pytest.raises(outside.OutsideMethodError, match="needs a default"):
        outside.signature_params(lambda data, ctx, *, k: None, "x:f")


def test_installed_packages_register_methods_through_entry_points(toy_tasks, tmp_path, monkeypatch):
    package = tmp_path / "site"
    (package / "toy_extras").mkdir(parents=True)
    (package / "toy_extras" / "__init__.py").write_text(USER_METHODS)
    info = package / "toy_extras-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-extras\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[benchmarks.methods]\ntoy.midrange = toy_extras:midrange\n")
    monkeypatch.syspath_prepend(str(package))
    [method] = outside.for_task("toy")
    assert method.name == "midrange" and method.origin.startswith("entry point toy.midrange")
    assert "midrange" in [c.method for c in plan(discover(), tasks=["toy"], size="smoke")]


def test_the_check_finds_test_targets_in_what_methods_receive_and_restated_defaults(toy):
    data = {"samples": np.zeros((8, 3)), "true_mean": 3.0}
    assert withheld_problems(toy, data) == []
    leaky = dataclasses.replace(toy, method_input="toy.data:test_targets")
    assert "true_mean" in withheld_problems(leaky, data)[0]
    assert signature_problems(toy) == []

    def restated(data, ctx, *, trim=0.0):
        return None

    changed = dataclasses.replace(toy, methods=tuple(dataclasses.replace(m, fn=restated) if m.name == "mean" else m
                                                     for m in toy.methods))
    assert signature_problems(changed) == ["method 'mean': argument 'trim' restates a default (the Param declares it)"]


def test_a_users_tasks_module_cannot_shadow_the_suites_tasks(tmp_path):
    (tmp_path / "tasks.py").write_text("raise SystemExit('the invoke file of the user was imported')\n")
    listed = subprocess.run([sys.executable, "-m", "benchmarks", "list"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "COLUMNS": "100"})
    assert listed.returncode == 0, listed.stderr
    assert "two_moons" in listed.stdout and "pyloric" in listed.stdout
    (tmp_path / "tasks.py").unlink()
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "__init__.py").write_text("raise SystemExit('the package of the user was imported')\n")
    listed = subprocess.run([sys.executable, "-m", "benchmarks", "list"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "COLUMNS": "100"})
    assert listed.returncode == 0 and "latin" in listed.stdout, listed.stderr


def test_an_outside_method_without_a_task_is_a_usage_error_before_its_file_is_read(toy_tasks):
    with pytest.raises(UsageError, match="--task"):
        plan(discover(), methods=["not/there.py:f"], size="smoke")


def test_a_cell_with_parameters_or_an_outside_method_survives_the_cluster_job_list(toy_tasks, tmp_path):
    mine = tmp_path / "mine.py"
    mine.write_text(USER_METHODS)
    registry = discover()
    cells = plan(registry, tasks=["toy"], methods=["mean[trim=0.2]", f"{mine}:midrange[shrink=0.5]"], size="smoke")
    task = registry.get("toy")
    for cell in cells:
        again = Cell.from_json(json.loads(json.dumps(cell.to_json())), registry)
        assert (again.method, again.key(task).digest) == (cell.method, cell.key(task).digest)


def test_a_cnn_parameter_of_latin_changes_the_keys_of_the_cnn_cells_only():
    registry = discover()
    latin = registry.get("latin")
    default = {c.method: c.key(latin).digest for c in plan(registry, tasks=["latin"], size="default")}
    assert list(default) == ["majority", "svm_bf", "svm_bf_sq", "svm_bf_dv", "svm_bf_dv_sq", "svm_bf_dv_fake",
                             "char_ngram_tfidf", "cnn", "cnn_sq", "cnn_fake"]
    fewer_epochs = tuple(dataclasses.replace(m, params=tuple(
        dataclasses.replace(p, default=5, budget=False) if p.name == "max_epochs" else p for p in m.params))
        for m in latin.methods)
    changed = dataclasses.replace(latin, methods=fewer_epochs)
    assert sorted(m for m in default if Cell("latin", m, "default", 0, latin.resolve_options()).key(changed).digest
                  != Cell("latin", m, "default", 0, latin.resolve_options()).key(latin).digest) == [
        "cnn", "cnn_fake", "cnn_sq"]
    explicit = plan(registry, tasks=["latin"], methods=["svm[rhythm=sq]", "cnn[rhythm=fake]"], size="default")
    assert [c.method for c in explicit] == ["svm_bf_sq", "cnn_fake"]  # presets keep the paper's names


def test_a_users_row_is_paired_with_the_recorded_best_baseline_and_model_when_they_were_not_run(
        toy_tasks, tmp_path, capsys):
    from benchmarks.records.store import read_records
    from benchmarks.results import leaderboard

    mine = tmp_path / "mine.py"
    mine.write_text(USER_METHODS)
    suite, users = tmp_path / "suite", tmp_path / "users"
    assert main(["run", "--task", "toy", "--size", "smoke", "--results", str(suite), "--method", "zero",
                 "--method", "mean", "--method", "median"]) == 0
    assert main(["run", "--task", "toy", "--size", "smoke", "--results", str(users), "--method", f"{mine}:midrange"]) == 0
    [table] = leaderboard.build(read_records(users)[0], recorded=read_records(suite)[0])
    [row] = [row for row in table.rows if row.method == "midrange"]
    assert {row.source for row in table.rows if row.method != "midrange"} == {"recorded"}
    assert "vs median:" in row.paired and "vs mean:" in row.paired and "vs zero" not in row.paired
