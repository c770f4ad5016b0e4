"""Finding tasks: the ``tasks/`` folders, installed entry points, and extra folders.

Sources, in order (a later task of the same name is an error, not a silent override):

1. the sub-packages of :mod:`tasks` that expose ``TASK`` (shared code lives in packages whose
   names start with ``_``, which are skipped);
2. entry points of group ``benchmarks.tasks`` in installed packages, each naming a
   :class:`~benchmarks.contract.task.Task` or a module that exposes ``TASK``;
3. folders listed in ``$BENCHMARKS_TASKS_PATH`` (``os.pathsep``-separated), each holding task
   packages: for tasks kept outside any installed package, and for the tests.

A task that fails to import does not hide the others: it is reported in ``Registry.broken``, and
so is a task folder without ``TASK`` (folders of code that tasks share start with ``_``).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import pkgutil
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks.contract.names import UnknownName
from benchmarks.contract.task import Task

ENTRY_POINT_GROUP = "benchmarks.tasks"
PATH_ENV = "BENCHMARKS_TASKS_PATH"


@dataclass
class Registry:
    """The tasks found, where each came from, and the sources that failed (with why)."""
    tasks: dict[str, Task] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)  # source -> error text

    def get(self, name: str) -> Task:
        """The task called ``name``; an error naming why when it is broken or unknown."""
        if name in self.tasks:
            return self.tasks[name]
        if name in self.broken:
            raise RuntimeError(f"task {name!r} failed to load:\n{self.broken[name]}")
        raise UnknownName("task", name, list(self.tasks) + list(self.broken))

    def names(self) -> list[str]:
        """The names of the tasks that loaded, sorted."""
        return sorted(self.tasks)

    def add(self, task: Any, origin: str) -> None:
        """Register ``task`` found at ``origin``, or record why it cannot be."""
        if not isinstance(task, Task):
            self.broken[origin] = f"{origin}: TASK is a {type(task).__name__}, not a benchmarks.task.Task"
            return
        if task.name in self.tasks:
            self.broken[origin] = (
                f"task name {task.name!r} from {origin} is already taken by {self.origins[task.name]}"
            )
            return
        self.tasks[task.name] = task
        self.origins[task.name] = origin


def discover() -> Registry:
    """Every task the three sources offer."""
    registry = Registry()
    _from_package(registry, "benchmarks.tasks")
    _from_entry_points(registry)
    for folder in filter(None, os.environ.get(PATH_ENV, "").split(os.pathsep)):
        _from_folder(registry, Path(folder))
    return registry


def _from_package(registry: Registry, package_name: str) -> None:
    try:
        package = importlib.import_module(package_name)
    except ImportError:
        return
    for info in pkgutil.iter_modules(package.__path__):
        if info.ispkg and not info.name.startswith("_"):
            _add_module(registry, f"{package_name}.{info.name}", lambda n=f"{package_name}.{info.name}": importlib.import_module(n))


def _from_entry_points(registry: Registry) -> None:
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        origin = f"entry point {entry_point.name} = {entry_point.value}"
        try:
            loaded = entry_point.load()
        except Exception:
            registry.broken[entry_point.name] = f"{origin}:\n{traceback.format_exc()}"
            continue
        registry.add(loaded.TASK if isinstance(loaded, ModuleType) else loaded, origin)


def _from_folder(registry: Registry, folder: Path) -> None:
    if not folder.is_dir():
        registry.broken[str(folder)] = f"{PATH_ENV} names {folder}, which is not a folder"
        return
    for child in sorted(folder.iterdir()):
        if (child / "__init__.py").is_file() and not child.name.startswith("_"):
            _add_module(registry, str(child), lambda c=child: _import_path(c))


def _add_module(registry: Registry, origin: str, importer: Any) -> None:
    try:
        module = importer()
    except Exception:
        registry.broken[origin.rsplit(".", 1)[-1]] = f"{origin}:\n{traceback.format_exc()}"
        return
    if hasattr(module, "TASK"):
        registry.add(module.TASK, origin)
    else:
        where = getattr(module, "__file__", None) or origin
        registry.broken[origin.rsplit(".", 1)[-1]] = (
            f"{where} defines no TASK: a task folder's __init__.py declares TASK = Task(...); "
            "a folder of code that tasks share takes a name starting with '_'")


def _import_path(package_dir: Path) -> ModuleType:
    """Import a task package from a folder, under its own name, so that its
    ``"name.module:function"`` references resolve (also in worker processes)."""
    parent = str(package_dir.parent)
    if parent not in sys.path:
        sys.path.append(parent)
    return importlib.import_module(package_dir.name)
