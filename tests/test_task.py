"""The task contract's own rules: options, declarations, what evaluate may return."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchmarks.names import UnknownName
from benchmarks.task import (Direction, Evaluation, Method, MethodKind, Metric, Option, Task, contract_problems,
                             normalise_evaluation, resolve)


def _task(**changes):
    fields = dict(
        name="demo", summary="q", citation="c", version=1,
        metrics=(Metric("f1", Direction.HIGHER), Metric("loss", Direction.LOWER)),
        sizes={"smoke": "", "default": "", "full": ""},
        methods=(Method("m", MethodKind.MODEL, lambda data, **kw: 0),),
        load=lambda size, seed, options: None, evaluate=lambda data, output: {"f1": 1.0, "loss": 0.0},
        options=(Option("n", int, 10), Option("path", Path, None), Option("fast", bool, False)),
    )
    fields.update(changes)
    return Task(**fields)


def test_option_parsing_converts_command_line_text():
    task = _task()
    assert task.resolve_options({"n": "1e3", "fast": "yes", "path": "~/x"}) == {
        "fast": True, "n": 1000, "path": str(Path("~/x").expanduser())}
    assert task.resolve_options() == {"fast": False, "n": 10, "path": None}


@pytest.mark.parametrize("name, value, message", [("n", "1.5", "expects int"), ("fast", "maybe", "expects true/false")])
def test_bad_option_values_name_the_option(name, value, message):
    with pytest.raises(ValueError, match=f"option {name!r} {message}"):
        _task().resolve_options({name: value})


def test_unknown_option_suggests_the_closest():
    with pytest.raises(UnknownName, match="Did you mean 'fast'"):
        _task().resolve_options({"fats": "1"})


def test_declaration_problems_are_all_reported():
    with pytest.raises(ValueError, match=r"sizes \['full'\] missing.*duplicate metric names \['f1'\]"):
        _task(sizes={"smoke": "", "default": ""}, metrics=(Metric("f1", Direction.HIGHER),) * 2)
    assert contract_problems(_task()) == []


def test_metric_direction_decides_what_is_better():
    assert Metric("f1", Direction.HIGHER).better(0.9, 0.8)
    assert Metric("rmse", Direction.LOWER).better(0.8, 0.9)


def test_evaluation_must_return_every_declared_metric():
    with pytest.raises(ValueError, match="did not return metric 'loss'"):
        normalise_evaluation(_task(), {"f1": 1.0})
    with pytest.raises(ValueError, match="undeclared metrics"):
        normalise_evaluation(_task(), {"f1": 1.0, "loss": 0.0, "extra": 1.0})


def test_nan_needs_a_note_and_infinity_is_refused():
    with pytest.raises(ValueError, match="NaN without a note"):
        normalise_evaluation(_task(), {"f1": math.nan, "loss": 0.0})
    with pytest.raises(ValueError, match="infinite"):
        normalise_evaluation(_task(), {"f1": math.inf, "loss": 0.0})
    explained = normalise_evaluation(_task(), Evaluation({"f1": math.nan, "loss": 0.0}, notes={"f1": "no positives"}))
    assert math.isnan(explained.metrics["f1"]) and explained.notes == {"f1": "no positives"}


def test_string_references_resolve_lazily():
    assert resolve("os.path:join")("a", "b") == "a/b"
    with pytest.raises(ValueError, match="package.module:function"):
        resolve("os.path.join")
