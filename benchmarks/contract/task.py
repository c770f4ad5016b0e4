"""The task contract: what every task folder answers, and nothing more.

A task is a folder ``tasks/<name>/`` whose ``__init__.py`` exposes ``TASK``, a :class:`Task`.
The runner never reaches into a task's internals: for one (size, seed, options) cell it calls ``load``,
``method_input`` (the data without the test targets), the method, the output's check, ``evaluate`` (with
the whole data) and (when declared) ``figure``, in that order.

Callables may be given as ``"module:function"`` strings, resolved on first use, so that
``python -m benchmarks list`` does not import torch or scanpy for every task.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import importlib
import importlib.util
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Union

from benchmarks.contract.names import UnknownName
from benchmarks.contract.options import Option, OptionError, Param

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
    """One reported number. The first metric of a task is its primary one.

    ``ideal``: the value of a perfect answer (C2ST 0.5, an F1 of 1, an error of 0), where there is one: the
    report scales each task between its control (0) and this (1), as Open Problems does."""

    name: str
    direction: Direction
    unit: str = ""
    description: str = ""
    ideal: float | None = None

    def better(self, a: float, b: float) -> bool:
        """Whether value ``a`` is strictly better than ``b``."""
        return a > b if self.direction is Direction.HIGHER else a < b


#: A method's row name: a folder name in the results, so no path separator and no leading dot.
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+=,\[\]-]*$")


@dataclass(frozen=True)
class Method:
    """A named way of producing an output from the data.

    ``fn(data, ctx, **params) -> output``: ``data`` is what the task's ``method_input`` hands a method (no
    test targets), ``ctx`` the cell's :class:`benchmarks.running.context.RunContext` (size, budget, seed and
    ``rng``, device, options, ``track`` and ``torch_seeded``), and ``params`` the values of the method's own
    :class:`Param` declarations, as keyword-only arguments without defaults (the declaration holds them).
    A method must not modify ``data`` (the runner shares one loaded copy between methods) and
    never trains another method: paired comparisons are the runner's (see ``Task.pairs``).
    ``version``: bumped whenever the method's outputs change; with its parameters it is part of the
    key of its cells only, so a change to one method reruns only that method.
    ``sizes``: the sizes at which ``run`` includes the method unless it is asked for by name
    (``--method``); None means every size. A method too slow for a laptop's default run names the
    larger sizes it is meant for.
    ``origin``: where the function comes from: ``suite`` for a task's own methods, else the file,
    module or entry point of a method from outside the suite, and ``source_hash`` the content hash of its
    source file (part of the key: editing the file reruns its cells).
    ``threads``: the CPU threads its cells use, whatever ``--jobs`` is (None: 1); a cell gets
    ``min(threads, available cores)`` in every mode, so its numbers do not depend on how many cells run beside it.
    Declare 2 only for a method that gains from a second core and weighs in the run's time.
    """

    name: str
    kind: MethodKind
    fn: Ref
    summary: str = ""
    sizes: tuple[str, ...] | None = None
    params: tuple[Param, ...] = ()
    version: int = 1
    origin: str = "suite"
    source_hash: str | None = None
    threads: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", tuple(self.params))
        if self.threads is not None and (isinstance(self.threads, bool) or not isinstance(self.threads, int)
                                         or self.threads < 1):
            raise ValueError(f"method {self.name!r}: threads must be a whole number of at least 1, got {self.threads!r}")
        if isinstance(self.kind, str) and not isinstance(self.kind, MethodKind):
            object.__setattr__(self, "kind", MethodKind(self.kind))

    def runs_at(self, size: str) -> bool:
        """Whether ``run`` includes this method at ``size`` when no method is named."""
        return self.sizes is None or size in self.sizes

    def param(self, name: str) -> Param:
        """The parameter called ``name``; :class:`UnknownName` with the closest name otherwise."""
        for param in self.params:
            if param.name == name:
                return param
        raise UnknownName("parameter", name, [p.name for p in self.params], context=f"method {self.name!r}")

    def defaults(self) -> dict[str, Any]:
        """Every parameter at its declared default (None: the size's budget field)."""
        return {param.name: param.default for param in self.params}


@dataclass(frozen=True)
class Preset:
    """A named setting of a method's parameters, as a paper names its variants (``svm_bf_sq`` is
    ``svm[dv=false,rhythm=sq]``). A preset is a leaderboard row of its own; it has the same key as the
    explicit form, which is shown under the preset's name."""

    name: str
    method: str
    params: Mapping[str, Any]
    summary: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", dict(self.params))


@dataclass(frozen=True)
class Output:
    """What every method of a task returns: ``description`` in words (``list`` shows it) and
    ``check(data, output)``, which raises ``ValueError`` naming what is wrong (type, shape, values) with the
    ``data`` a method received; the runner records a method whose output fails it as failed at stage
    ``output``, with that line."""

    description: str
    check: Ref


@dataclass(frozen=True)
class Shows:
    """A comparison the task's smoke size already shows at seed 0: ``better`` scores better than ``worse`` on
    ``metric`` (the primary when ``None``) by at least ``margin``. The suite's contract test and
    :func:`benchmarks.check.check_task` hold every task to its declarations, so a model that returns its
    control's answer fails. Declare only what smoke's few seconds can separate with room to spare (a
    machine's float noise must not flip it); what needs a larger budget belongs in the task's own tests."""

    better: str
    worse: str
    metric: str | None = None
    margin: float = 0.0


#: Where a topline comes from.
TOPLINE_KINDS = ("published", "human", "control")


@dataclass(frozen=True)
class Topline:
    """The best known result on a task's data: how far a method could go.

    ``result``: what it is, with its number and source ("DeepLabCut 3.0, ResNet-50: 2.01 px test
    error"); ``kind``: ``published`` (a paper's or a repository's number), ``human`` (a labelling
    error measured on the data) or ``control`` (a method that cannot be beaten by construction, such
    as Open Problems' ``true_features``); ``dataset``: the id of the data it was measured on, as run
    records name theirs (:mod:`benchmarks.data.dataset_id`), so that it is compared only with runs on
    the same data; ``protocol``: how it was measured, where that differs from the suite's runs; ``short``:
    the number in a few words for the leaderboard's answer sentence ("DeepLabCut 3.0's 2.01 px").
    """

    result: str
    kind: str
    dataset: str
    protocol: str = ""
    short: str = ""


@dataclass(frozen=True)
class Checklist:
    """What a cooperation answers before it has a benchmark; ``list`` and the report show it.

    ``question``: the scientific question; ``data``: modalities, labels and size; ``success``: what
    success is and how it is measured (the primary metric, in words); ``baselines``: what the field
    ran before and why those are the methods to beat; ``toplines``: the best known results on the
    same data (:class:`Topline`).
    """

    question: str
    data: str
    success: str
    baselines: str
    toplines: tuple[Topline, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "toplines", tuple(self.toplines))

    def problems(self) -> list[str]:
        """What is missing or malformed (empty when the checklist is complete)."""
        problems = [f"checklist: no {name}" for name in ("question", "data", "success", "baselines")
                    if not str(getattr(self, name)).strip()]
        if not self.toplines:
            problems.append("checklist: no topline (the best known result on the same data, a human labelling "
                            "error, or a control that cannot be beaten)")
        for topline in self.toplines:
            if not isinstance(topline, Topline):
                problems.append(f"checklist: topline {topline!r} is not a Topline")
            elif topline.kind not in TOPLINE_KINDS:
                problems.append(f"checklist: topline kind {topline.kind!r} is not one of {', '.join(TOPLINE_KINDS)}")
            elif not topline.result.strip() or not topline.dataset.strip():
                problems.append("checklist: a topline needs a result and the data set it was measured on")
        return problems


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
    ``datasets`` names the downloadable datasets the task may read (see :mod:`benchmarks.data`).
    ``prepare(size, options) -> [step, ...]`` (optional) splits long data generation into
    independent, idempotent steps, each a callable without arguments that stores its part where
    ``load`` finds it (a chunk of a simulation bank); the list must come out the same each time.
    Cluster executors run the steps as a job array before the cells; elsewhere ``load`` does all
    the work itself.
    ``dataset_id`` names the data a cell runs on, so that published numbers are shown only beside
    runs on their data: a stable id (``"pbmc68k_reduced"``), or ``fn(size, options) -> id`` where
    it depends on them; ``None`` from it, or a user path among the options, means the user's data
    (the runner records ``user:<content hash>``; see :mod:`benchmarks.data.dataset_id`).
    ``checklist`` answers what a cooperation asks before it has a benchmark (:class:`Checklist`);
    :func:`benchmarks.check.check_task` requires it.
    ``method_input(data) -> view``: what a method receives: the loaded data without the test targets
    (labels, test positions, reference posteriors), sharing its arrays; ``evaluate`` gets the whole data.
    ``test_targets(data) -> {name: array}``: those targets, which
    :func:`benchmarks.check.check_task` looks for in the view. ``output``: what a method returns and its
    check (:class:`Output`). ``presets``: named parameter settings of its methods (:class:`Preset`).
    ``smoke_shows``: the comparisons its smoke size already shows (:class:`Shows`).
    How results read: ``headline`` names the (at most three) metrics that matter most after the primary, which
    the compact leaderboard shows beside it (every metric is in ``--wide``, CSV and HTML);
    ``fallback_metric`` ranks where the primary cannot separate the methods (every row equal, or none
    scored); ``answer_note`` says in words why the answer differs from the paper's where the task knows it
    (another protocol, a claim on other metrics, too small a budget): the answer adds it where the best model
    does not beat the best baseline or the primary metric cannot rank.
    ``options`` are settings of the data (every cell's key holds them); a method's own settings are its
    :class:`Param` declarations.
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
    checklist: Checklist | None = None
    method_input: Ref | None = None
    test_targets: Ref | None = None
    output: Output | None = None
    presets: tuple[Preset, ...] = ()
    smoke_shows: tuple[Shows, ...] = ()
    headline: tuple[str, ...] = ()
    fallback_metric: str | None = None
    answer_note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "presets", tuple(self.presets))
        object.__setattr__(self, "smoke_shows", tuple(self.smoke_shows))
        object.__setattr__(self, "headline", tuple(self.headline))
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

    def metric(self, name: str) -> Metric:
        """The metric called ``name``; :class:`UnknownName` with the closest name otherwise."""
        return _by_name(self.metrics, name, "metric", self.name)

    def method(self, name: str) -> Method:
        """The method called ``name``; :class:`UnknownName` with the closest name otherwise."""
        return _by_name(self.methods, name, "method", self.name)

    def preset(self, name: str) -> Preset | None:
        """The preset called ``name``, or None."""
        return next((preset for preset in self.presets if preset.name == name), None)

    def row_names(self) -> list[str]:
        """The names a leaderboard row of this task can have without parameters: methods and presets."""
        return [m.name for m in self.methods] + [p.name for p in self.presets]

    def option(self, name: str) -> Option:
        """The option called ``name``; :class:`UnknownName` with the closest name otherwise."""
        return _by_name(self.options, name, "option", self.name)

    def resolve_options(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults updated by ``overrides`` (parsed and checked), sorted by name.

        Raises :class:`OptionError` whose message reads ``--set TASK.NAME=VALUE: ...``.
        """
        values = {option.name: option.default for option in self.options}
        for name, value in (overrides or {}).items():
            owners = [m.name for m in self.methods if any(p.name == name for p in m.params)]
            if owners and name not in values:  # a setting of one method: its parameter, not a data option
                raise OptionError(f"--set {self.name}.{name}: {name} is a parameter of method {owners[0]}, not a "
                                  f"task option: --method '{owners[0]}[{name}={value}]'")
            option = self.option(name)
            try:
                values[name] = option.parse(value)
            except OptionError as error:
                raise OptionError(f"--set {self.name}.{name}={value}: {error}") from None
        return dict(sorted(values.items()))

    def budget(self, size: str, options: Mapping[str, Any] | None = None) -> Any:
        """The budget of ``size`` with the fields that budget options set replaced."""
        if size not in self.budgets:
            raise UnknownName("size", size, list(self.budgets), context=f"task {self.name!r}")
        changes = {o.name: (options or {}).get(o.name) for o in self.options if o.budget}
        changes = {name: value for name, value in changes.items() if value is not None}
        return dataclasses.replace(self.budgets[size], **changes) if changes else self.budgets[size]


def _by_name(items: tuple[Any, ...], name: str, what: str, task: str) -> Any:
    for item in items:
        if item.name == name:
            return item
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
    for kind_items, what in ((task.metrics, "metric"), (task.methods + task.presets, "method or preset"),
                             (task.options, "option")):
        names = [item.name for item in kind_items]
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if duplicated:
            problems.append(f"duplicate {what} names {duplicated}")
    problems += _budget_problems(task)
    problems += _method_problems(task)
    problems += _shows_problems(task)
    metric_names = [metric.name for metric in task.metrics]
    unknown = [name for name in (*task.headline, task.fallback_metric) if name is not None and name not in metric_names]
    if unknown:
        problems.append(f"headline or fallback_metric names unknown metrics {unknown}")
    if len(task.headline) > 3 or (task.metrics and task.metrics[0].name in task.headline):
        problems.append("headline: at most three metrics, the primary not among them (it is always shown)")
    names = set(task.row_names())
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


def _method_problems(task: Task) -> list[str]:
    problems = []
    option_names = {option.name for option in task.options}
    for method in task.methods:
        if not SAFE_NAME.match(method.name):
            problems.append(f"method name {method.name!r} is no safe folder name (letters, digits, _ . - + = , [ ])")
        if not isinstance(method.version, int) or method.version < 1:
            problems.append(f"method {method.name!r}: version must be a positive int")
        for param in method.params:
            if not isinstance(param, Param):
                problems.append(f"method {method.name!r}: {param!r} is not a Param")
            elif param.name in option_names:
                problems.append(f"method {method.name!r}: parameter {param.name!r} is also a task option")
            elif param.budget and any(param.name not in {f.name for f in dataclasses.fields(b)}
                                      for b in task.budgets.values() if dataclasses.is_dataclass(b)):
                problems.append(f"method {method.name!r}: budget parameter {param.name!r} is no field of every size's budget")
    methods = {method.name: method for method in task.methods}
    for preset in task.presets:
        if not SAFE_NAME.match(preset.name):
            problems.append(f"preset name {preset.name!r} is no safe folder name")
        if preset.method not in methods:
            problems.append(f"preset {preset.name!r} names unknown method {preset.method!r}")
            continue
        for name, value in preset.params.items():
            try:
                methods[preset.method].param(name).parse(value)
            except (UnknownName, OptionError) as error:
                problems.append(f"preset {preset.name!r}: {error}")
    return problems


def _shows_problems(task: Task) -> list[str]:
    problems = []
    runs = {method.name for method in task.methods if method.runs_at("smoke")}
    at_smoke = runs | {preset.name for preset in task.presets if preset.method in runs}
    metrics = {metric.name for metric in task.metrics}
    for shows in task.smoke_shows:
        if not isinstance(shows, Shows):
            problems.append(f"smoke_shows: {shows!r} is not a Shows")
            continue
        unknown = [name for name in (shows.better, shows.worse) if name not in at_smoke]
        if unknown:
            problems.append(f"smoke_shows names {unknown}, which are no methods run at smoke")
        if shows.metric is not None and shows.metric not in metrics:
            problems.append(f"smoke_shows names unknown metric {shows.metric!r}")
        if not (isinstance(shows.margin, (int, float)) and shows.margin >= 0):
            problems.append(f"smoke_shows: margin {shows.margin!r} must be a number >= 0")
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
    """A callable, or the function that a ``"package.module:function"`` or ``"/path/to/file.py:function"``
    string names (a file is imported once, under a name made from its path)."""
    if callable(ref):
        return ref
    module_name, _, attribute = str(ref).rpartition(":")
    if not module_name or not attribute:
        raise ValueError(f"{ref!r} is not of the form 'package.module:function' or 'path/to/file.py:function'")
    target: Any = import_file(Path(module_name)) if module_name.endswith(".py") else importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    return target


def import_file(path: Path) -> ModuleType:
    """The module of a Python file outside any package, imported once per path and content (an edited file is
    imported again); its own folder goes on ``sys.path`` so that it can import the files beside it."""
    path = Path(path).expanduser().resolve()
    content = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    name = f"benchmarks_user_{hashlib.sha256(str(path).encode()).hexdigest()[:12]}_{content}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    if str(path.parent) not in sys.path:
        sys.path.append(str(path.parent))
    sys.modules[name] = module  # before running it: pickling its functions finds them by this name
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
