"""Property-based tests: records and claim files mutated field by field into every other JSON type, deep
nesting, huge and non-finite numbers. Reading, the leaderboard in every format, the report, compare and run
never crash and never lose a valid record; a claim file never stops a run."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from record_factory import make_record

from benchmarks.cli.app import main
from benchmarks.records.store import read_records
from benchmarks.running import claims

#: Each property runs a bounded number of examples: the whole file stays within seconds.
BOUNDED = settings(max_examples=30, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def no_baselines(monkeypatch, tmp_path):
    """The checkout's recorded runs would add every task to each report: only the mutated records are read."""
    monkeypatch.setenv("BENCHMARKS_BASELINES", str(tmp_path / "no-baselines"))

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**400), max_value=10**400),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20))
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                            st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                           max_leaves=10)
DEEP = st.integers(min_value=1, max_value=50_000).map(lambda depth: "[" * depth + "]" * depth)

VALID = make_record(task="t", method="good", seed=0, metrics={"acc": 0.5})
#: Where a mutation lands: a top-level field, or one inside the provenance or the metrics.
PLACES = sorted(VALID) + ["provenance.git", "provenance.git.dirty", "provenance.data_hash", "metrics.acc",
                          "timings.method", "metric_info.0"]


def _mutated(place: str, value: object) -> dict:
    record = json.loads(json.dumps({**VALID, "method": "other", "key": "other0"}))
    *parents, last = place.split(".")
    target = record
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return record


def _write(folder: Path, name: str, text: str) -> None:
    path = folder / "t" / "smoke" / name / f"seed0-{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _commands_survive(results: Path, capsys: pytest.CaptureFixture) -> None:
    for argv in (["leaderboard", "--results", str(results)],
                 ["leaderboard", "--results", str(results), "--format", "csv"],
                 ["leaderboard", "--results", str(results), "--format", "markdown"],
                 ["leaderboard", "--results", str(results), "--format", "html", "--out", str(results / "r.html")],
                 ["compare", str(results), str(results)]):
        assert main(argv) in (0, 1), argv  # 1: compare found nothing to compare; never a traceback
    assert "Traceback" not in capsys.readouterr().err


@BOUNDED
@given(place=st.sampled_from(PLACES), value=JSON_VALUES)
@example(place="options", value={"": 10**400})  # found by this test: a huge option value overflowed the frame
@example(place="metrics.acc", value=10**400)
def test_a_mutated_record_never_crashes_a_command_nor_hides_a_valid_one(tmp_path_factory, capsys, place, value):
    results = tmp_path_factory.mktemp("results")
    _write(results, "good", json.dumps(VALID))
    _write(results, "other", json.dumps(_mutated(place, value)))
    records, warnings = read_records(results)
    assert "good" in {record["method"] for record in records}
    assert len(records) + len(warnings) == 2
    _commands_survive(results, capsys)


@BOUNDED
@given(text=st.one_of(DEEP, st.text(max_size=50), JSON_VALUES.map(json.dumps)))
def test_a_record_file_of_any_text_is_skipped_with_a_warning(tmp_path_factory, capsys, text):
    results = tmp_path_factory.mktemp("results")
    _write(results, "good", json.dumps(VALID))
    _write(results, "other", text)
    records, warnings = read_records(results)
    assert [record["method"] for record in records] == ["good"] and len(warnings) == 1
    _commands_survive(results, capsys)


CLAIM = {"host": socket.gethostname(), "pid": 1, "run_id": "other", "started_at": "2026-01-01T00:00:00",
         "pid_start": None, "in_process": False}


@BOUNDED
@given(field=st.sampled_from(sorted(CLAIM) + ["extra"]), value=JSON_VALUES)
def test_a_mutated_claim_is_live_stale_or_unreadable_never_an_error(tmp_path_factory, field, value):
    path = tmp_path_factory.mktemp("claims") / "cell.claim"
    path.write_text(json.dumps({**CLAIM, field: value}))
    outcome = claims.acquire(path, claims.this_process("mine", False), timeout_s=60.0)
    assert isinstance(outcome, (claims.Claimed, claims.Busy))


@pytest.mark.parametrize("text", ["[" * 100_000, "{\"pid\": " + "9" * 5000 + "}", "\x00\xff", ""])
def test_a_run_takes_over_a_claim_of_any_text(toy_tasks, results, capsys, text):
    from benchmarks.contract.registry import discover
    from benchmarks.records.store import ResultStore
    from benchmarks.running.cells import plan

    registry = discover()
    [cell] = plan(registry, tasks=["toy"], methods=["zero"], size="smoke")
    claim = ResultStore(results).claim_path(cell.key(registry.get("toy")))
    claim.parent.mkdir(parents=True)
    claim.write_bytes(text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text)
    assert main(["run", "--task", "toy", "--method", "zero", "--size", "smoke", "--results", str(results)]) == 0
    assert "Traceback" not in capsys.readouterr().err


@settings(BOUNDED, max_examples=10)
@given(place=st.sampled_from(PLACES), value=JSON_VALUES)
def test_a_run_beside_a_mutated_record_of_its_task_finishes(toy_tasks, tmp_path_factory, capsys, place, value):
    results = tmp_path_factory.mktemp("results")
    mutated = {**_mutated(place, value), "task": "toy", "size": "smoke"} if place not in ("task", "size") else \
        _mutated(place, value)
    path = results / "toy" / "smoke" / "other" / "seed0-other0.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(mutated))
    assert main(["run", "--task", "toy", "--method", "zero", "--size", "smoke", "--results", str(results)]) == 0
    assert "Traceback" not in capsys.readouterr().err and path.exists()
