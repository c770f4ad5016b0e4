"""Cells: one (task, method, size, seed, options) run, and the plan of a ``run`` command."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.contract.names import UnknownName
from benchmarks.contract.registry import Registry
from benchmarks.contract.task import Task
from benchmarks.records.store import CellKey


@dataclass(frozen=True)
class Cell:
    """One run of one method: what the store keys a record by."""

    task: str
    method: str
    size: str
    seed: int
    options: Mapping[str, Any] = field(default_factory=dict)  # resolved: every option of the task
    inputs: Mapping[str, str] = field(default_factory=dict)  # path option -> content hash (benchmarks.running.inputs)

    def key(self, task: Task) -> CellKey:
        """The store's key of this cell (task version and the content of the user files it reads included)."""
        return CellKey(task.name, task.version, self.method, self.size, self.seed, dict(self.options),
                       dict(self.inputs))

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

    Raises :class:`UnknownName` for a task, method, size or option that no selected task has,
    and :class:`~benchmarks.contract.options.OptionError` for a value that an option does not allow: every
    ``--set`` is checked here, before any cell runs.
    """
    settings = settings or {}
    selected = [registry.get(name) for name in tasks] if tasks else [registry.tasks[n] for n in registry.names()]
    for task_name in settings:
        if task_name not in {task.name for task in selected}:
            raise UnknownName("task", task_name, [task.name for task in selected], context="--set")
    _check_methods(selected, methods)
    cells = []
    for task in selected:
        if methods:  # a method asked for by name runs at any size
            task_methods = [m.name for m in task.methods if m.name in methods]
        else:
            task_methods = [m.name for m in task.methods if m.runs_at(size)]
        if not task_methods:
            continue
        if size not in task.sizes:
            raise UnknownName("size", size, list(task.sizes), context=f"task {task.name!r}")
        options = task.resolve_options(settings.get(task.name))
        for seed in seeds:
            cells.extend(Cell(task.name, method, size, seed, options) for method in task_methods)
    return cells


def _check_methods(selected: Sequence[Task], methods: Sequence[str]) -> None:
    known = {method.name for task in selected for method in task.methods}
    for name in methods:
        if name not in known:
            raise UnknownName("method", name, known, context="the selected tasks")
