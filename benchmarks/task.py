"""The task contract: what every task folder answers, and nothing more.

A task is a folder ``tasks/<name>/`` whose ``__init__.py`` exposes ``TASK``, a :class:`Task`.
The runner never reaches into a task's internals: it calls ``load``, each method, ``evaluate``
and (when declared) ``figure``, in that order, for one (size, seed, options) cell.

Callables may be given as ``"module:function"`` strings, resolved on first use, so that
``python -m benchmarks list`` does not import torch or scanpy for every task.
"""

from __future__ import annotations

import dataclasses
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

    ``fn(data, ctx) -> output``, where ``ctx`` is the cell's :class:`benchmarks.context.RunContext`
    (size, budget, seed and ``rng``, device, options, ``track`` and ``torch_seeded``).
    A method must not modify ``data`` (the runner shares one loaded copy between methods) and
    never trains another method: paired comparisons are the runner's (see ``Task.pairs``).
    ``sizes``: the sizes at which ``run`` includes the method unless it is asked for by name
    (``--method``); None means every size. A method too slow for a laptop's default run names the
    larger sizes it is meant for.
    """

    name: str
    kind: MethodKind
    fn: Ref
    summary: str = ""
    sizes: tuple[str, ...] | None = None

    def runs_at(self, size: str) -> bool:
        """Whether ``run`` includes this method at ``size`` when no method is named."""
        return self.sizes is None or size in self.sizes


_OPTION_TYPES = (int, float, str, bool, Path)
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class OptionError(ValueError):
    """A value that an option does not allow; the message names the option, the value and what is allowed."""


class NotApplicable(Exception):
    """Raised by a method (or ``load``) for a cell it does not apply to, e.g. data beyond what the method
    can handle in reasonable time or memory. The cell is recorded as ``skipped`` with the message as its
    reason, which the leaderboard shows; a rerun skips it too (``--force`` tries again)."""


@dataclass(frozen=True)
class Option:
    """A typed task setting, overridable as ``--set TASK.NAME=VALUE`` and checked before any cell runs.

    ``None`` as default means "not set" (no user data path: use the size's data); only such an
    option is cleared by the word ``none`` (or an empty value), unless ``none`` is one of its
    ``choices``, where it is a value like the others. ``choices`` lists the allowed values;
    ``minimum``/``maximum`` bound numbers, closed unless ``exclusive_minimum``/``exclusive_maximum``.
    ``budget=True`` marks an option that overrides the budget field of the same name (its default
    must be None: "the size's").
    """

    name: str
    type: type
    default: Any
    help: str = ""
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    budget: bool = False

    def __post_init__(self) -> None:
        if self.type not in _OPTION_TYPES:
            raise TypeError(f"option {self.name!r}: type must be one of {_OPTION_TYPES}, got {self.type!r}")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self._convert(c) for c in self.choices))
        if (self.minimum is not None or self.maximum is not None) and self.type not in (int, float):
            raise TypeError(f"option {self.name!r}: bounds need an int or float option, not {self.type.__name__}")
        if self.budget and self.default is not None:
            raise TypeError(f"option {self.name!r}: a budget option's default is None (the size's budget)")
        if self.default is not None:
            object.__setattr__(self, "default", self.parse(self.default))

    def parse(self, value: Any) -> Any:
        """Convert a command-line string (or a Python value) to the option's type and check it.

        Raises :class:`OptionError` naming the option, the value and what is allowed.
        """
        if value is None:
            if self.default is None:
                return None
            raise OptionError(f"option {self.name!r} needs a value ({self.allowed()})")
        clears = isinstance(value, str) and value.strip().lower() in ("none", "")
        if clears and self.default is None and not self._none_is_a_choice():
            return None
        converted = self._convert(value)
        self._check(converted, value)
        return converted

    def allowed(self) -> str:
        """What the option accepts, in words: ``one of frames, videos`` or ``a float > 0 and < 1``."""
        if self.choices is not None:
            text = "one of " + ", ".join(map(str, self.choices))
        else:
            text = {bool: "true or false", Path: "a path"}.get(self.type, f"an {self.type.__name__}"
                                                                   if self.type is int else f"a {self.type.__name__}")
            bounds = []
            if self.minimum is not None:
                bounds.append(f"{'>' if self.exclusive_minimum else '>='} {self.minimum:g}")
            if self.maximum is not None:
                bounds.append(f"{'<' if self.exclusive_maximum else '<='} {self.maximum:g}")
            text += (" " + " and ".join(bounds)) if bounds else ""
        return text + (", or none (the default: not set)" if self.default is None else "")

    def _none_is_a_choice(self) -> bool:
        return self.choices is not None and "none" in self.choices

    def _convert(self, value: Any) -> Any:
        if self.type is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE or text in _FALSE:
                return text in _TRUE
            raise OptionError(f"option {self.name!r} expects true/false, got {value!r}")
        if self.type is Path:
            return str(Path(str(value)).expanduser())  # stored as text: JSON-able and hashable
        try:
            if self.type is int and isinstance(value, str):
                number = float(value)  # accepts "1e5"
                if not number.is_integer():
                    raise ValueError
                return int(number)
            if self.type is int and isinstance(value, float) and not value.is_integer():
                raise ValueError
            converted = self.type(value)
        except (TypeError, ValueError, OverflowError):
            raise OptionError(f"option {self.name!r} expects {self._type_word()}, got {value!r}") from None
        if self.type is float and not math.isfinite(converted):
            raise OptionError(f"option {self.name!r} expects a finite number, got {value!r}")
        return converted

    def _type_word(self) -> str:
        return {int: "int", float: "float", str: "str"}[self.type]

    def _check(self, converted: Any, given: Any) -> None:
        if self.choices is not None and converted not in self.choices:
            import difflib

            close = difflib.get_close_matches(str(converted), [str(c) for c in self.choices], n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise OptionError(f"option {self.name!r} must be {self.allowed()}; got {given!r}.{hint}")
        low, high = self.minimum, self.maximum
        below = low is not None and (converted <= low if self.exclusive_minimum else converted < low)
        above = high is not None and (converted >= high if self.exclusive_maximum else converted > high)
        if below or above:
            raise OptionError(f"option {self.name!r} must be {self.allowed()}; got {given!r}")


@dataclass(frozen=True)
class Items:
    """Per-item outcomes of one evaluation, from which the runner computes paired tests.

    ``values`` (n,): bool for a right/wrong outcome per item (tested with exact McNemar), or
    float for a continuous one (Wilcoxon signed-rank; NaN marks an item without a value, left
    out of the pairs). Two cells are paired item by item, so item ``i`` must mean the same thing
    in every method's evaluation of the same data. ``direction``: which way an item is better
    (``HIGHER`` for "correct", ``LOWER`` for an error). ``description`` says what an item is.
    """

    values: Any
    direction: Direction
    description: str

    def __post_init__(self) -> None:
        import numpy as np

        values = np.asarray(self.values)
        if values.ndim != 1:
            raise ValueError(f"Items.values must be one-dimensional, got shape {values.shape}")
        if values.dtype != bool:
            values = values.astype(np.float64)
        object.__setattr__(self, "values", values)
        if not isinstance(self.direction, Direction):
            raise TypeError("Items.direction must be a Direction")

    @property
    def binary(self) -> bool:
        """True for right/wrong items (McNemar), False for continuous ones (Wilcoxon)."""
        return self.values.dtype == bool


@dataclass(frozen=True)
class Evaluation:
    """What ``evaluate`` may return instead of a plain ``{metric: value}`` dict.

    ``notes`` explains a metric (why it is NaN, or how it was computed: "KNC with k=3 of 5
    types"); ``details`` holds extra JSON-able results for the record (per-class scores,
    which weights were used); ``items`` the per-item outcomes for paired tests. All land in
    the run record.
    """

    metrics: Mapping[str, float]
    notes: Mapping[str, str] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    items: Items | None = None


@dataclass(frozen=True)
class Task:
    """A scientific question with its data, methods and metrics.

    ``load(size, seed, ctx) -> data`` builds or reads the data of one size; splits are
    deterministic in ``seed``. ``evaluate(data, output) -> dict | Evaluation`` is pure and
    deterministic (no training). ``figure(data, output, path)`` writes one PNG.
    ``version`` is bumped whenever data, split or metrics change: it is part of the resume
    key, so results of another version are never mixed with new ones.
    ``sizes`` describes each size in words; ``budgets`` gives each size's budget, a frozen
    dataclass declared in the task's ``sizes.py`` (``ctx.budget``; options with ``budget=True``
    override its fields). ``pairs`` lists the (method, other) comparisons whose per-item outcomes
    the runner tests; ``None`` means every model against the best baseline.
    ``datasets`` names the downloadable datasets the task may read (see ``benchmarks.data``).
    ``prepare(size, options) -> [step, ...]`` (optional) splits long data generation into
    independent, idempotent steps, each a callable without arguments that stores its part where
    ``load`` finds it (a chunk of a simulation bank); the list must come out the same each time.
    Cluster executors run the steps as a job array before the cells; elsewhere ``load`` does all
    the work itself.
    ``dataset_id`` names the data a cell runs on, so that published numbers are shown only beside
    runs on their data: a stable id (``"pbmc68k_reduced"``), or ``fn(size, options) -> id`` where
    it depends on them; ``None`` from it, or a user path among the options, means the user's data
    (the runner records ``user:<content hash>``; see :mod:`benchmarks.dataset_id`).
    """

    name: str
    summary: str
    citation: str
    version: int
    metrics: tuple[Metric, ...]
    sizes: Mapping[str, str]
    budgets: Mapping[str, Any]
    methods: tuple[Method, ...]
    load: Ref
    evaluate: Ref
    figure: Ref | None = None
    options: tuple[Option, ...] = ()
    datasets: tuple[Any, ...] = ()
    prepare: Ref | None = None
    pairs: tuple[tuple[str, str], ...] | None = None
    dataset_id: str | Callable[[str, Mapping[str, Any]], str | None] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "metrics", tuple(self.metrics))
        object.__setattr__(self, "methods", tuple(self.methods))
        object.__setattr__(self, "options", tuple(self.options))
        object.__setattr__(self, "datasets", tuple(self.datasets))
        object.__setattr__(self, "sizes", dict(self.sizes))
        object.__setattr__(self, "budgets", dict(self.budgets))
        if self.pairs is not None:
            object.__setattr__(self, "pairs", tuple((str(a), str(b)) for a, b in self.pairs))
        problems = contract_problems(self)
        if problems:
            raise ValueError(f"task {self.name!r} breaks the task contract: " + "; ".join(problems))

    @property
    def primary_metric(self) -> Metric:
        """The first declared metric: it ranks the leaderboard."""
        return self.metrics[0]

    def metric(self, name: str) -> Metric:
        """The metric called ``name``; :class:`UnknownName` with the closest name otherwise."""
        return _by_name(self.metrics, name, "metric", self.name)

    def method(self, name: str) -> Method:
        """The method called ``name``; :class:`UnknownName` with the closest name otherwise."""
        return _by_name(self.methods, name, "method", self.name)

    def option(self, name: str) -> Option:
        """The option called ``name``; :class:`UnknownName` with the closest name otherwise."""
        return _by_name(self.options, name, "option", self.name)

    def resolve_options(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults updated by ``overrides`` (parsed and checked), sorted by name.

        Raises :class:`OptionError` whose message reads ``--set TASK.NAME=VALUE: ...``.
        """
        values = {option.name: option.default for option in self.options}
        for name, value in (overrides or {}).items():
            option = self.option(name)
            try:
                values[name] = option.parse(value)
            except OptionError as error:
                raise OptionError(f"--set {self.name}.{name}={value}: {error}") from None
        return dict(sorted(values.items()))

    def budget(self, size: str, options: Mapping[str, Any] | None = None) -> Any:
        """The budget of ``size`` with the fields that budget options set replaced."""
        if size not in self.budgets:
            from benchmarks.names import UnknownName

            raise UnknownName("size", size, list(self.budgets), context=f"task {self.name!r}")
        changes = {o.name: (options or {}).get(o.name) for o in self.options if o.budget}
        changes = {name: value for name, value in changes.items() if value is not None}
        return dataclasses.replace(self.budgets[size], **changes) if changes else self.budgets[size]


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
    problems += _budget_problems(task)
    names = {method.name for method in task.methods}
    for a, b in task.pairs or ():
        unknown = [name for name in (a, b) if name not in names]
        if unknown:
            problems.append(f"pair ({a!r}, {b!r}) names unknown methods {unknown}")
        elif a == b:
            problems.append(f"pair ({a!r}, {b!r}) compares a method with itself")
    for method in task.methods:
        unknown_sizes = sorted(set(method.sizes or ()) - set(task.sizes))
        if unknown_sizes:
            problems.append(f"method {method.name!r} names unknown sizes {unknown_sizes}")
        if not isinstance(method.kind, MethodKind):
            problems.append(f"method {method.name!r}: kind must be a MethodKind")
    for metric in task.metrics:
        if not isinstance(metric.direction, Direction):
            problems.append(f"metric {metric.name!r}: direction must be a Direction")
    return problems


def _budget_problems(task: Task) -> list[str]:
    problems = []
    if set(task.budgets) != set(task.sizes):
        problems.append(f"budgets {sorted(task.budgets)} must cover exactly the sizes {sorted(task.sizes)}")
    for size, budget in task.budgets.items():
        if not (dataclasses.is_dataclass(budget) and not isinstance(budget, type)):
            problems.append(f"budget of size {size!r} must be a dataclass instance (declared in sizes.py)")
        elif not type(budget).__dataclass_params__.frozen:  # type: ignore[attr-defined]
            problems.append(f"budget of size {size!r} must be a frozen dataclass")
    for option in task.options:
        if option.budget:
            lacking = [size for size, budget in task.budgets.items()
                       if dataclasses.is_dataclass(budget) and option.name not in {f.name for f in dataclasses.fields(budget)}]
            if lacking:
                problems.append(f"budget option {option.name!r} is no field of the budget of sizes {lacking}")
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
    return Evaluation(metrics=metrics, notes=dict(evaluation.notes), details=dict(evaluation.details),
                      items=evaluation.items)
