"""The task contract: what every task folder answers, and nothing more.

A task is a folder ``tasks/<name>/`` whose ``__init__.py`` exposes ``TASK``, a :class:`Task`.
The runner never reaches into a task's internals: it calls ``load``, each method, ``evaluate``
and (when declared) ``figure``, in that order, for one (size, seed, options) cell.

Callables may be given as ``"module:function"`` strings, resolved on first use, so that
``python -m benchmarks list`` does not import torch or scanpy for every task.
"""

from __future__ import annotations

import enum
import importlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

#: The sizes every task declares. Tasks may declare more (``"10k"``), never fewer.
REQUIRED_SIZES = ("smoke", "default", "full")

Ref = Union[Callable[..., Any], str]


class Direction(str, enum.Enum):
    """Which way a metric improves."""

    HIGHER = "higher"
    LOWER = "lower"


class MethodKind(str, enum.Enum):
    """The role of a method in the leaderboard."""

    CONTROL = "control"  # a trivial lower bound: mean position, majority class, the prior
    BASELINE = "baseline"  # what the field ran before: ridge on HOG, ABC, sklearn t-SNE
    MODEL = "model"  # the method of the paper the task follows


@dataclass(frozen=True)
class Metric:
    """One reported number. The first metric of a task is its primary one."""

    name: str
    direction: Direction
    unit: str = ""
    description: str = ""

    def better(self, a: float, b: float) -> bool:
        """Whether value ``a`` is strictly better than ``b``."""
        return a > b if self.direction is Direction.HIGHER else a < b


@dataclass(frozen=True)
class Method:
    """A named way of producing an output from the data.

    ``fn(data, *, device, seed, options) -> output``: ``device`` is a ``torch.device``,
    ``seed`` an int, ``options`` the task's resolved options (a read-only mapping).
    A method must not modify ``data``: the runner shares one loaded copy between methods.
    """

    name: str
    kind: MethodKind
    fn: Ref
    summary: str = ""


_OPTION_TYPES = (int, float, str, bool, Path)


@dataclass(frozen=True)
class Option:
    """A typed task setting, overridable as ``--set TASK.NAME=VALUE``.

    ``None`` as default means "not set" (for instance: no user data path, use the default data).
    """

    name: str
    type: type
    default: Any
    help: str = ""

    def __post_init__(self) -> None:
        if self.type not in _OPTION_TYPES:
            raise TypeError(f"option {self.name!r}: type must be one of {_OPTION_TYPES}, got {self.type!r}")
        if self.default is not None:
            object.__setattr__(self, "default", self.parse(self.default))

    def parse(self, value: Any) -> Any:
        """Convert a command-line string (or a Python value) to the option's type.

        Raises ``ValueError`` with a message that names the option on a bad value.
        """
        if value is None or (isinstance(value, str) and value.lower() in ("none", "")):
            return None
        if self.type is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(f"option {self.name!r} expects true/false, got {value!r}")
        if self.type is Path:
            return str(Path(value).expanduser())  # stored as text: JSON-able and hashable
        try:
            if self.type is int and isinstance(value, str):
                number = float(value)  # accepts "1e5"
                if not number.is_integer():
                    raise ValueError
                return int(number)
            return self.type(value)
        except (TypeError, ValueError):
            raise ValueError(f"option {self.name!r} expects {self.type.__name__}, got {value!r}") from None


@dataclass(frozen=True)
class Evaluation:
    """What ``evaluate`` may return instead of a plain ``{metric: value}`` dict.

    ``notes`` explains a metric (why it is NaN, or how it was computed: "KNC with k=3 of 5
    types"); ``details`` holds extra JSON-able results for the record (per-class scores,
    which weights were used). Both land in the run record.
    """

    metrics: Mapping[str, float]
    notes: Mapping[str, str] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    """A scientific question with its data, methods and metrics.

    ``load(size, seed, options) -> data`` builds or reads the data of one size; splits are
    deterministic in ``seed``. ``evaluate(data, output) -> dict | Evaluation`` is pure and
    deterministic (no training). ``figure(data, output, path)`` writes one PNG.
    ``version`` is bumped whenever data, split or metrics change: it is part of the resume
    key, so results of another version are never mixed with new ones.
    ``datasets`` names the downloadable datasets the task may read (see ``benchmarks.data``).
    ``prepare(size, options) -> [step, ...]`` (optional) splits long data generation into
    independent, idempotent steps, each a callable without arguments that stores its part where
    ``load`` finds it (a chunk of a simulation bank); the list must come out the same each time.
    Cluster executors run the steps as a job array before the cells; elsewhere ``load`` does all
    the work itself.
    """

    name: str
    summary: str
    citation: str
    version: int
    metrics: tuple[Metric, ...]
    sizes: Mapping[str, str]
    methods: tuple[Method, ...]
    load: Ref
    evaluate: Ref
    figure: Ref | None = None
    options: tuple[Option, ...] = ()
    datasets: tuple[Any, ...] = ()
    prepare: Ref | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "metrics", tuple(self.metrics))
        object.__setattr__(self, "methods", tuple(self.methods))
        object.__setattr__(self, "options", tuple(self.options))
        object.__setattr__(self, "datasets", tuple(self.datasets))
        object.__setattr__(self, "sizes", dict(self.sizes))
        problems = contract_problems(self)
        if problems:
            raise ValueError(f"task {self.name!r} breaks the task contract: " + "; ".join(problems))

    @property
    def primary_metric(self) -> Metric:
        return self.metrics[0]

    def metric(self, name: str) -> Metric:
        return _by_name(self.metrics, name, "metric", self.name)

    def method(self, name: str) -> Method:
        return _by_name(self.methods, name, "method", self.name)

    def option(self, name: str) -> Option:
        return _by_name(self.options, name, "option", self.name)

    def resolve_options(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults updated by ``overrides`` (parsed to each option's type), sorted by name."""
        values = {option.name: option.default for option in self.options}
        for name, value in (overrides or {}).items():
            values[name] = self.option(name).parse(value)
        return dict(sorted(values.items()))


def _by_name(items: tuple[Any, ...], name: str, what: str, task: str) -> Any:
    for item in items:
        if item.name == name:
            return item
    from benchmarks.names import UnknownName

    raise UnknownName(what, name, [item.name for item in items], context=f"task {task!r}")


def contract_problems(task: Task) -> list[str]:
    """Everything wrong with a task's declaration (empty when it keeps the contract)."""
    problems = []
    if not task.name.isidentifier():
        problems.append("name must be a Python identifier")
    if not isinstance(task.version, int) or task.version < 1:
        problems.append("version must be a positive int")
    if not task.metrics:
        problems.append("no metrics")
    missing = [size for size in REQUIRED_SIZES if size not in task.sizes]
    if missing:
        problems.append(f"sizes {missing} missing (every task declares {list(REQUIRED_SIZES)})")
    if not task.methods:
        problems.append("no methods")
    for kind_items, what in ((task.metrics, "metric"), (task.methods, "method"), (task.options, "option")):
        names = [item.name for item in kind_items]
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if duplicated:
            problems.append(f"duplicate {what} names {duplicated}")
    for method in task.methods:
        if not isinstance(method.kind, MethodKind):
            problems.append(f"method {method.name!r}: kind must be a MethodKind")
    for metric in task.metrics:
        if not isinstance(metric.direction, Direction):
            problems.append(f"metric {metric.name!r}: direction must be a Direction")
    return problems


def resolve(ref: Ref) -> Callable[..., Any]:
    """A callable, or the function that a ``"package.module:function"`` string names."""
    if callable(ref):
        return ref
    module_name, _, attribute = str(ref).partition(":")
    if not attribute:
        raise ValueError(f"{ref!r} is not of the form 'package.module:function'")
    target: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    return target


def normalise_evaluation(task: Task, result: Mapping[str, Any] | Evaluation) -> Evaluation:
    """Check what ``evaluate`` returned against the declared metrics.

    Every declared metric must be present, as a finite number or a NaN with a note that says
    why. Raises ``ValueError`` naming the metric otherwise.
    """
    evaluation = result if isinstance(result, Evaluation) else Evaluation(metrics=dict(result))
    metrics: dict[str, float] = {}
    for metric in task.metrics:
        if metric.name not in evaluation.metrics:
            raise ValueError(f"task {task.name!r}: evaluate() did not return metric {metric.name!r}")
        value = float(evaluation.metrics[metric.name])
        if math.isinf(value):
            raise ValueError(f"task {task.name!r}: metric {metric.name!r} is infinite")
        if math.isnan(value) and metric.name not in evaluation.notes:
            raise ValueError(
                f"task {task.name!r}: metric {metric.name!r} is NaN without a note saying why "
                "(return benchmarks.task.Evaluation(metrics=..., notes={name: reason}))"
            )
        metrics[metric.name] = value
    undeclared = sorted(set(evaluation.metrics) - set(metrics))
    if undeclared:
        raise ValueError(f"task {task.name!r}: evaluate() returned undeclared metrics {undeclared}")
    return Evaluation(metrics=metrics, notes=dict(evaluation.notes), details=dict(evaluation.details))
