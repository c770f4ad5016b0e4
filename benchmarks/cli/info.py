"""``list``, ``fetch`` and ``doctor``: what the suite holds, its data, and the machine it runs on."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from rich.console import Console

from benchmarks.cli.errors import EXIT_FAILED
from benchmarks.cli.shared import registry_of
from benchmarks.contract.options import Param
from benchmarks.contract.task import Checklist, Method, Preset, Task
from benchmarks.contract.variants import format_value
from benchmarks.running.progress import format_seconds

if TYPE_CHECKING:
    from benchmarks.data.downloads import Dataset


def list_tasks(args: argparse.Namespace) -> int:
    """``list``: each task's question and checklist, methods (with their time in the recorded default run),
    sizes, metrics, options and datasets."""
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    registry = registry_of(console)
    recorded = recorded_times()
    for name in registry.names():
        task = registry.tasks[name]
        console.rule(f"[bold]{task.name}[/bold] (version {task.version})")
        console.print(escape(task.summary))
        console.print(f"[dim]{escape(task.citation)}[/dim]")
        table = Table(show_header=True, header_style="bold", box=None)
        table.add_column("")
        table.add_column("")
        for field, text in checklist_rows(task.checklist):
            table.add_row(field, escape(text))
        methods = [method_line(m, recorded.get((task.name, m.name))) for m in task.methods]
        table.add_row("methods", escape("\n".join(methods)))
        if task.presets:
            table.add_row("presets", escape("\n".join(preset_line(task, p, recorded.get((task.name, p.name)))
                                                      for p in task.presets)))
        if task.output is not None:
            table.add_row("output", escape(task.output.description))
        table.add_row("sizes", escape("\n".join(f"{size}: {text}" for size, text in task.sizes.items())))
        table.add_row("metrics", escape("\n".join(
            f"{m.name}{' (primary)' if i == 0 else ''}: {m.direction.value} is better"
            + (f", {m.unit}" if m.unit else "") for i, m in enumerate(task.metrics))))
        if task.options:
            table.add_row("options", escape("\n".join(
                f"{o.name} = {o.default!r} ({o.allowed()}{'; overrides the budget' if o.budget else ''})  {o.help}"
                for o in task.options)))
        if task.datasets:
            table.add_row("datasets", escape("\n".join(
                f"{d.name}: {len(d.files)} files, {d.size / 1e6:.1f} MB, {d.licence}" for d in task.datasets)))
        console.print(table)
    if not registry.tasks:
        console.print("No tasks found.")
    elif recorded:
        console.print("[dim]Times: one cell of the recorded default run (baselines/recorded, on the machine that "
                      "recorded it); `run` scales them to this machine in its plan.[/dim]")
    return 0


def checklist_rows(checklist: Checklist | None) -> list[tuple[str, str]]:
    """The cooperation's checklist as (field, text) rows; one row saying it is missing when undeclared."""
    if checklist is None:
        return [("checklist", "not declared (benchmarks.task.Checklist)")]
    toplines = [f"{t.result} [{t.kind}; data {t.dataset}" + (f"; {t.protocol}" if t.protocol else "") + "]"
                for t in checklist.toplines]
    return [("question", checklist.question), ("data", checklist.data), ("success", checklist.success),
            ("baselines", checklist.baselines), ("toplines", "\n".join(toplines))]


def method_line(method: Method, recorded_s: float | None) -> str:
    """``npe (model; 41s at default, recorded): summary``, then one indented line per parameter."""
    notes = [method.kind.value]
    if method.version != 1:
        notes.append(f"version {method.version}")
    if method.sizes is not None:
        notes.append(f"only at {', '.join(method.sizes)} unless named")
    if recorded_s is not None:
        notes.append(f"{format_seconds(recorded_s)} at default, recorded")
    lines = [f"{method.name} ({'; '.join(notes)})" + (f": {method.summary}" if method.summary else "")]
    lines += [f"    {p.name} = {param_default(p)} ({param_allowed(p)})" + (f"  {p.help}" if p.help else "")
              for p in method.params]
    return "\n".join(lines)


def param_default(param: Param) -> str:
    """A parameter's default as ``--method`` writes it; ``the size's`` for a budget parameter."""
    if param.default is None:
        return "the size's" if param.budget else "none"
    return format_value(param.default)


def param_allowed(param: Param) -> str:
    """What a parameter accepts; a budget parameter's None is its size's value, not a choice of its own."""
    text = param.allowed()
    return text.replace(", or none (the default: not set)", "") if param.budget else text


def preset_line(task: Task, preset: Preset, recorded_s: float | None) -> str:
    """``svm_bf_sq = svm[rhythm=sq] (41s at default, recorded): summary``."""
    values = ",".join(f"{name}={format_value(value)}" for name, value in preset.params.items())
    values = f"[{values}]" if values else ""
    timing = f" ({format_seconds(recorded_s)} at default, recorded)" if recorded_s is not None else ""
    summary = preset.summary or task.method(preset.method).summary
    return f"{preset.name} = {preset.method}{values}{timing}" + (f": {summary}" if summary else "")


def recorded_times(size: str = "default") -> dict[tuple[str, str], float]:
    """(task, method) -> seconds of one ``size`` cell (load + method + evaluate) in the recorded runs."""
    from benchmarks.results import baselines, frame

    records, _ = baselines.read_recorded(baselines.default_folder())
    cells = frame.frame_of(records, "recorded")
    cells = cells[(cells["status"] == "ok") & (cells["size"] == size)].dropna(subset=["time_s"])
    return {key: float(seconds) for key, seconds in cells.groupby(["task", "method"])["time_s"].median().items()}


def fetch(args: argparse.Namespace) -> int:
    """``fetch``: download (or copy from the mirror) the datasets of the tasks asked for."""
    from benchmarks.data.downloads import DataUnavailable
    from benchmarks.data.downloads import fetch as fetch_dataset

    console = Console(stderr=True)
    registry = registry_of(console)
    tasks = [registry.get(name) for name in args.tasks] if args.tasks else [registry.tasks[n] for n in registry.names()]
    failures = 0
    for task in tasks:
        for dataset in task.datasets:
            try:
                folder = fetch_dataset(dataset, progress=True)
                console.print(f"[green]ok[/green] {task.name}: {dataset.name} ({len(dataset.files)} files) in {folder}")
            except DataUnavailable as error:
                failures += 1
                console.print(f"[red]failed[/red] {task.name}: {error}", highlight=False)
    if not any(task.datasets for task in tasks):
        console.print("Nothing to fetch: the selected tasks generate their data or take it from a dependency.")
    return EXIT_FAILED if failures else 0


def doctor(args: argparse.Namespace) -> int:
    """What a bug report needs: the software, the hardware, and where each task's data stands."""
    import platform

    from rich.table import Table

    from benchmarks.data.downloads import cache_root, mirror_root
    from benchmarks.running import provenance

    console = Console()
    facts = Table(show_header=False, box=None)
    facts.add_row("Python", f"{platform.python_version()} ({sys.executable})")
    facts.add_row("platform", platform.platform())
    facts.add_row("CPU", f"{provenance.cpu_model()}, {os.cpu_count()} cores")
    facts.add_row("packages", ", ".join(f"{name} {version or '—'}" for name, version in provenance.package_versions().items()))
    for name, value in _torch_facts().items():
        facts.add_row(name, value)
    facts.add_row("data cache", str(cache_root()))
    facts.add_row("data mirror", str(mirror_root() or "— (set BENCHMARKS_MIRROR to use one)"))
    console.print(facts)
    registry = registry_of(console)
    data = Table("task", "dataset", "files", "size", "cached", header_style="bold")
    for name in registry.names():
        for dataset in registry.tasks[name].datasets:
            data.add_row(name, dataset.name, str(len(dataset.files)), f"{dataset.size / 1e6:.1f} MB",
                         _cache_state(dataset, quick=args.quick, task=name))
    console.print(data if data.row_count else "No task declares downloadable data.")
    return 0


def _cache_state(dataset: "Dataset", *, quick: bool, task: str) -> str:
    """``yes``, or what is wrong with the cached copy and the command that mends it."""
    from benchmarks.data.downloads import cache_problem

    problem = cache_problem(dataset, quick=quick)
    if problem is None:
        return "[green]yes[/green]" + (" (sizes only)" if quick else " (checksums verified)")
    return f"no: {problem} (python -m benchmarks fetch {task})"


def _torch_facts() -> dict[str, str]:
    try:
        import torch
    except ImportError as error:
        return {"torch": f"not importable: {error}"}
    facts = {"torch": f"{torch.__version__} (built for CUDA {torch.version.cuda or '—'})"}
    if torch.cuda.is_available():
        names = [f"{i}: {torch.cuda.get_device_name(i)}" for i in range(torch.cuda.device_count())]
        facts["GPU"] = "; ".join(names)
        facts["CUDA"] = f"available, driver sees {torch.cuda.device_count()} device(s), cuDNN {torch.backends.cudnn.version()}"
    else:
        facts["GPU"] = "none visible to torch: tasks run on the CPU (--device auto)"
    return facts
