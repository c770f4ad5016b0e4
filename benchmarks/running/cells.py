"""Cells: one (task, method variant, size, seed, options) run, and the plan of a ``run`` command."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from benchmarks.contract import outside, variants
from benchmarks.contract.names import UnknownName
from benchmarks.contract.registry import Registry
from benchmarks.contract.task import Method, Task
from benchmarks.contract.variants import Variant
from benchmarks.records.store import CellKey


class UsageError(ValueError):
    """A ``run`` the command line asks for wrongly (an outside method without ``--task``): exit 2."""


@dataclass(frozen=True)
class Cell:
    """One run of one method: what the store keys a record by."""

    task: str
    method: str  # the row name
    size: str
    seed: int
    options: Mapping[str, Any] = field(default_factory=dict)  # resolved: every data option of the task
    inputs: Mapping[str, str] = field(default_factory=dict)  # path option -> content hash (benchmarks.running.inputs)
    variant: Variant | None = None  # None: the task's method or preset called ``method``, at its defaults

    def resolved(self, task: Task) -> Variant:
        """The method and parameter values this cell runs."""
        return self.variant if self.variant is not None else variants.by_name(task, self.method)

    def key(self, task: Task) -> CellKey:
        """The store's key of this cell: the task's version and data options, the content of the user files
        they read, and this method's own version, parameters and source."""
        variant = self.resolved(task)
        return CellKey(task.name, task.version, self.method, self.size, self.seed, dict(self.options),
                       dict(self.inputs), base=variant.method.name, method_version=variant.method.version,
                       params=dict(variant.params), source=variant.method.source_hash)

    def to_json(self) -> dict[str, Any]:
        """The cell as JSON (a cluster run's job list): its method as a name, its parameter values and, for a
        method from outside the suite, the function's reference; :meth:`from_json` reads it back."""
        out: dict[str, Any] = {"task": self.task, "method": self.method, "size": self.size, "seed": self.seed,
                               "options": dict(self.options), "inputs": dict(self.inputs)}
        if self.variant is not None:
            method = self.variant.method
            out["variant"] = {"method": method.name, "params": dict(self.variant.params), "origin": method.origin,
                              "ref": method.fn if isinstance(method.fn, str) else None}
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any], registry: Registry) -> "Cell":
        """The cell :meth:`to_json` wrote (its task must be registered)."""
        fields = {key: data[key] for key in ("task", "method", "size", "seed") if key in data}
        cell = cls(**fields, options=dict(data.get("options") or {}), inputs=dict(data.get("inputs") or {}))
        written = data.get("variant")
        if not isinstance(written, Mapping):
            return cell
        task = registry.get(cell.task)
        if written.get("origin", "suite") == "suite":
            method = task.method(written["method"])
        else:
            method = outside.load(str(written["ref"]), origin=str(written["origin"]))
        variant = variants.variant(task, method, written.get("params") or {})
        return replace(cell, method=variant.name, variant=variant)

    def data_key(self) -> tuple[Any, ...]:
        """Cells with the same data key share one loaded dataset."""
        return (self.task, self.size, self.seed, tuple(sorted(self.options.items())))

    def label(self) -> str:
        """``task/size/method seed k``."""
        return f"{self.task}/{self.size}/{self.method} seed {self.seed}"


def parse_assignments(assignments: Sequence[str]) -> dict[str, dict[str, str]]:
    """``["pose.backbone=resnet18", ...]`` as ``{"pose": {"backbone": "resnet18"}}``."""
    parsed: dict[str, dict[str, str]] = {}
    for text in assignments:
        target, sep, value = text.partition("=")
        task, dot, option = target.partition(".")
        if not sep or not dot or not task or not option:
            raise ValueError(f"--set expects TASK.OPTION=VALUE, got {text!r}")
        parsed.setdefault(task.strip(), {})[option.strip()] = value.strip()
    return parsed


def plan(
    registry: Registry,
    *,
    tasks: Sequence[str] = (),
    methods: Sequence[str] = (),
    size: str = "default",
    seeds: Sequence[int] = (0,),
    settings: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Cell]:
    """The cells a ``run`` asks for, in an order that lets methods share loaded data.

    ``methods``: ``NAME``, ``NAME[key=value,...]`` (a grid with ``key=[v1,v2]``), or a function outside the
    suite, ``path/to/file.py:fn`` or ``package.module:fn`` (only with ``tasks``). Without them, each task's
    methods at their defaults, its presets, and the methods installed packages register for it.

    Raises :class:`UnknownName` for a task, method, parameter, size or option that no selected task has,
    :class:`~benchmarks.contract.options.OptionError` for a value that an option or parameter does not allow,
    and :class:`UsageError` or :class:`~benchmarks.contract.variants.SpecError` for a malformed ``--method``:
    everything is checked here, before any cell runs.
    """
    settings = settings or {}
    selected = [registry.get(name) for name in tasks] if tasks else [registry.tasks[n] for n in registry.names()]
    for task_name in settings:
        if task_name not in {task.name for task in selected}:
            raise UnknownName("task", task_name, [task.name for task in selected], context="--set")
    specs = [variants.parse_spec(text) for text in methods]
    external = _outside_methods(specs, tasks)
    _check_methods(selected, [name for name, _ in specs if name not in external])
    cells = []
    for task in selected:
        chosen = _variants(task, specs, external, size) if specs else _default_variants(task, size)
        if not chosen:
            continue
        if size not in task.sizes:
            raise UnknownName("size", size, list(task.sizes), context=f"task {task.name!r}")
        options = task.resolve_options(settings.get(task.name))
        for seed in seeds:
            cells.extend(Cell(task.name, v.name, size, seed, options, variant=v) for v in chosen)
    return cells


def _outside_methods(specs: Sequence[tuple[str, Mapping[str, Any]]], tasks: Sequence[str]) -> dict[str, Method]:
    """The functions outside the suite that ``--method`` names, loaded once each."""
    named = [name for name, _ in specs if outside.is_outside(name)]
    if named and not tasks:
        raise UsageError(f"--method {named[0]} runs a function of yours: name the task it is for "
                         "with --task (its data and metrics decide what the function receives and returns)")
    return {name: outside.load(name) for name in named}


def _variants(task: Task, specs: Sequence[tuple[str, Mapping[str, Sequence[str]]]], external: Mapping[str, Method],
              size: str) -> list[Variant]:
    chosen: list[Variant] = []
    for name, grid in specs:
        if name in external:
            if external[name].name in task.row_names():
                raise UsageError(f"--method {name}: its row name {external[name].name!r} is a method of task "
                                 f"{task.name!r} already; name yours with benchmarks.method(name=...)")
            found = variants.expand(task, name, grid, method=external[name])
        elif name in task.row_names():
            found = variants.expand(task, name, grid)
        else:
            continue  # a method of another selected task
        chosen.extend(v for v in found if all(v.name != c.name for c in chosen))
    return chosen


def _default_variants(task: Task, size: str) -> list[Variant]:
    """The task's own rows at ``size`` and the methods installed packages register for it."""
    chosen = variants.default_variants(task, size)
    for method in outside.for_task(task.name):
        if all(method.name != c.name for c in chosen):
            chosen.append(variants.variant(task, method))
    return chosen


def _check_methods(selected: Sequence[Task], methods: Sequence[str]) -> None:
    known = {name for task in selected for name in task.row_names()}
    for name in methods:
        if name not in known:
            raise UnknownName("method", name, known, context="the selected tasks")
