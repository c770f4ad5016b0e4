"""The Python API for notebooks (the OGB pattern): ``benchmarks.load_task(name)``.

>>> task = benchmarks.load_task("two_moons")
>>> data = task.load("smoke", seed=0)            # what a method receives: no test targets
>>> output = my_method(data, task.context("smoke", seed=0))
>>> task.evaluate(data, output).metrics          # exactly what the runner records
>>> frame = task.run(my_method, size="smoke", seeds=[0, 1])   # records like the CLI, as a DataFrame

``run`` takes a function (of a file, a module or the notebook), a ``"file.py:fn"`` or ``"module:fn"``
text, or one of the task's methods (``"npe"``, ``"npe[max_epochs=20]"``); it writes records into a results
folder (``results/`` by default), skips cells that have ok records, and returns the records of its cells.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.contract import outside, variants
from benchmarks.contract.evaluation import Evaluation, normalise_evaluation
from benchmarks.contract.registry import Registry, discover
from benchmarks.contract.task import Task, resolve
from benchmarks.records.store import ResultStore, read_records
from benchmarks.results import frame as results_frame
from benchmarks.running import provenance
from benchmarks.running.cells import Cell
from benchmarks.running.context import RunContext, available_cores, method_threads
from benchmarks.running.execution import RunSetup, check_output, method_view
from benchmarks.running.inputs import with_input_hashes


def load_task(name: str, *, device: str = "cpu") -> "TaskHandle":
    """The task called ``name`` (as ``python -m benchmarks list`` names it), for a notebook."""
    registry = discover()
    return TaskHandle(registry.get(name), registry, device=device)


class TaskHandle:
    """One task for a notebook: its method's view of the data, its evaluation, and runs that write records."""

    def __init__(self, task: Task, registry: Registry, *, device: str = "cpu") -> None:
        self.task, self.registry, self.device = task, registry, device
        self._loaded: dict[int, tuple[Any, Any]] = {}  # id(view) -> (view, whole data)

    def __repr__(self) -> str:
        return f"<task {self.task.name!r}: {self.task.summary}>"

    @property
    def output(self) -> str:
        """What a method must return, in words."""
        return self.task.output.description if self.task.output is not None else "(not declared)"

    def context(self, size: str = "smoke", seed: int = 0, **options: Any) -> RunContext:
        """The run context a method receives in a cell of ``size`` and ``seed`` (options as ``--set`` takes them)."""
        resolved = self.task.resolve_options(options)
        # the threads run gives a method that declares none (method_threads), so a notebook's numbers are run's
        return RunContext(task=self.task.name, size=size, seed=seed, budget=self.task.budget(size, resolved),
                          options=resolved, device_name=self.device, threads=method_threads(None), method="notebook")

    def load(self, size: str = "smoke", seed: int = 0, **options: Any) -> Any:
        """The data a method receives at ``size`` and ``seed``: the task's view, without the test targets."""
        ctx = self.context(size, seed, **options)
        load_ctx = RunContext(task=ctx.task, size=size, seed=seed, budget=ctx.budget, options=ctx.options,
                              device_name=self.device, threads=available_cores())  # a load's, as in run
        data = resolve(self.task.load)(size, seed, load_ctx)
        view = method_view(self.task, data)
        self._loaded[id(view)] = (view, data)
        return view

    def evaluate(self, data: Any, output: Any) -> Evaluation:
        """The task's check of ``output`` (``ValueError`` naming what is wrong), then its metrics, notes and
        items, as the runner records them; ``data`` is what :meth:`load` returned."""
        if id(data) not in self._loaded:
            raise ValueError("evaluate() needs the data that this task's load() returned (it keeps their test targets)")
        view, whole = self._loaded[id(data)]
        check_output(self.task, view, output)
        return normalise_evaluation(self.task, resolve(self.task.evaluate)(whole, output))

    def run(self, method: Callable[..., Any] | str, *, size: str = "smoke", seeds: Sequence[int] = (0,),
            params: Mapping[str, Any] | None = None, options: Mapping[str, Any] | None = None,
            results: str | Path = "results", force: bool = False) -> pd.DataFrame:
        """Run ``method`` on ``seeds`` at ``size`` as ``python -m benchmarks run`` would (records in ``results``,
        cells with ok records skipped unless ``force``); the records of these cells as a DataFrame
        (:func:`benchmarks.results.frame_of`). ``params``: values of the method's parameters."""
        from benchmarks.running.scheduler import new_run_id, run_plan

        chosen = self._variant(method, params)
        resolved = self.task.resolve_options({k: str(v) for k, v in (options or {}).items()})
        cells = [Cell(self.task.name, chosen.name, size, int(seed), resolved, variant=chosen) for seed in seeds]
        store = ResultStore(results, create=True)
        cells = with_input_hashes(cells, self.registry, store.root)
        setup = RunSetup(store=store, device=self.device, provenance=provenance.collect(self.device), run_id=new_run_id())
        run_plan(cells, self.registry, setup, jobs=1, force=force)
        paths = {str(store.path_for(cell.key(self.task))) for cell in cells}
        records, _ = read_records(store.root)
        return results_frame.frame_of([r for r in records if r["_path"] in paths])

    def _variant(self, method: Callable[..., Any] | str, params: Mapping[str, Any] | None) -> variants.Variant:
        if isinstance(method, str):
            name, grid = variants.parse_spec(method)
            given = {key: values[0] for key, values in grid.items()} | dict(params or {})
            if outside.is_outside(name):
                return variants.variant(self.task, outside.load(name), given)
            return variants.by_name(self.task, name, given)
        declared = outside.declared(method, f"{getattr(method, '__module__', '?')}:{method.__name__}",
                                    origin=f"notebook function {method.__name__}")
        declared = _with_source_hash(declared, method)
        if declared.name in self.task.row_names():
            raise ValueError(f"{declared.name!r} is a method of task {self.task.name!r} already; name yours with "
                             "benchmarks.method(name=...)")
        return variants.variant(self.task, declared, params)


def _with_source_hash(method: Any, fn: Callable[..., Any]) -> Any:
    """The function itself (a notebook's has no importable name), keyed by the hash of its source text, so
    that editing it reruns its cells (a function whose source cannot be read keeps its file's hash)."""
    from dataclasses import replace

    try:
        source_hash = hashlib.sha256(inspect.getsource(fn).encode()).hexdigest()[:32]
    except (OSError, TypeError):
        source_hash = method.source_hash
    return replace(method, fn=fn, source_hash=source_hash)
