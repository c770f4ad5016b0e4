"""The task contract's own rules: options, declarations, what evaluate may return."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from benchmarks.contract.names import UnknownName
from benchmarks.task import (Direction, Evaluation, Items, Method, MethodKind, Metric, Option, OptionError, Task,
                             contract_problems, normalise_evaluation, resolve)


@dataclass(frozen=True)
class Budget:
    epochs: int
    width: int = 8


def _task(**changes):
    fields = dict(
        name="demo", summary="q", citation="c", version=1,
        metrics=(Metric("f1", Direction.HIGHER), Metric("loss", Direction.LOWER)),
        sizes={"smoke": "", "default": "", "full": ""},
        budgets={"smoke": Budget(2), "default": Budget(20), "full": Budget(200)},
        methods=(Method("m", MethodKind.MODEL, lambda data, ctx: 0), Method("c", MethodKind.CONTROL, lambda data, ctx: 0)),
        load=lambda size, seed, ctx: None, evaluate=lambda data, output: {"f1": 1.0, "loss": 0.0},
        options=(Option("n", int, 10), Option("path", Path, None), Option("fast", bool, False),
                 Option("epochs", int, None, minimum=1, budget=True)),
    )
    fields.update(changes)
    return Task(**fields)


def test_option_parsing_converts_command_line_text():
    task = _task()
    assert task.resolve_options({"n": "1e3", "fast": "yes", "path": "~/x"}) == {
        "epochs": None, "fast": True, "n": 1000, "path": str(Path("~/x").expanduser())}
    assert task.resolve_options() == {"epochs": None, "fast": False, "n": 10, "path": None}


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


def test_choices_and_bounds_are_checked_with_what_is_allowed():
    split = Option("split", str, "frames", choices=("frames", "videos"))
    assert split.parse("videos") == "videos"
    with pytest.raises(OptionError, match=r"option 'split' must be one of frames, videos; got 'vidoes'\. Did you mean 'videos'"):
        split.parse("vidoes")
    share = Option("share", float, 0.8, minimum=0, maximum=1, exclusive_minimum=True, exclusive_maximum=True)
    assert share.parse("0.5") == 0.5
    for bad in ("0", "1", "-3", "nan"):
        with pytest.raises(OptionError, match="option 'share'"):
            share.parse(bad)
    with pytest.raises(OptionError, match="> 0 and < 1"):
        share.parse("0")
    steps = Option("steps", int, None, minimum=1)
    assert steps.parse("1") == 1
    with pytest.raises(OptionError, match=">= 1"):
        steps.parse("-5")


def test_none_clears_only_an_option_whose_default_is_none_unless_it_is_a_choice():
    assert Option("path", Path, None).parse("none") is None
    assert Option("path", Path, None).parse("") is None
    with pytest.raises(OptionError, match="expects int"):
        Option("n", int, 10).parse("none")
    assert Option("name", str, "x").parse("none") == "none"  # a plain string: a value like any other
    pretrain = Option("pretrain", str, "auto", choices=("auto", "imagenet", "none"))
    assert pretrain.parse("none") == "none" and pretrain.parse("NONE".lower()) == "none"
    weights = Option("weights", str, None, choices=("a", "none"))
    assert weights.parse("none") == "none"  # "none" is one of its choices: a value, not "not set"


def test_a_bad_default_breaks_the_declaration():
    with pytest.raises(OptionError, match="option 'split' must be one of"):
        Option("split", str, "all", choices=("frames", "videos"))
    with pytest.raises(TypeError, match="bounds need an int or float"):
        Option("name", str, "x", minimum=1)
    with pytest.raises(TypeError, match="budget option's default is None"):
        Option("epochs", int, 5, budget=True)


def test_set_errors_name_the_task_option_and_value():
    with pytest.raises(OptionError, match=r"--set demo.epochs=0: option 'epochs' must be an int >= 1"):
        _task().resolve_options({"epochs": "0"})


def test_budget_options_override_the_sizes_budget():
    task = _task()
    assert task.budget("smoke") == Budget(2)
    assert task.budget("smoke", task.resolve_options({"epochs": "7"})) == Budget(7)
    assert task.budget("default", task.resolve_options()) == Budget(20)
    with pytest.raises(UnknownName, match="unknown size 'smal'"):
        task.budget("smal")


def test_budgets_must_cover_the_sizes_and_budget_options_their_fields():
    with pytest.raises(ValueError, match="budgets .* must cover exactly the sizes"):
        _task(budgets={"smoke": Budget(1)})
    with pytest.raises(ValueError, match="budget option 'depth' is no field"):
        _task(options=(Option("depth", int, None, budget=True),))

    @dataclass
    class Mutable:
        epochs: int

    with pytest.raises(ValueError, match="must be a frozen dataclass"):
        _task(budgets={size: Mutable(1) for size in ("smoke", "default", "full")})


def test_pairs_must_name_two_declared_methods():
    assert _task(pairs=[("m", "c")]).pairs == (("m", "c"),)
    with pytest.raises(ValueError, match=r"pair \('m', 'cnn'\) names unknown methods \['cnn'\]"):
        _task(pairs=[("m", "cnn")])


def test_items_are_one_dimensional_and_typed():
    binary = Items([True, False, True], Direction.HIGHER, "correct")
    assert binary.binary and binary.values.dtype == bool
    continuous = Items([1, 2, np.nan], Direction.LOWER, "error")
    assert not continuous.binary and continuous.values.dtype == np.float64
    with pytest.raises(ValueError, match="one-dimensional"):
        Items(np.zeros((2, 2)), Direction.LOWER, "error")
    evaluation = normalise_evaluation(_task(), Evaluation({"f1": 1.0, "loss": 0.0}, items=binary))
    assert evaluation.items is binary
