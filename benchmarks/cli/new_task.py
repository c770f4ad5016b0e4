"""``new-task NAME``: a working task folder and its smoke test, from the contract's template
(``benchmarks/contract/template``)."""

from __future__ import annotations

import argparse
import keyword
import string
from pathlib import Path

from rich.console import Console

TEMPLATES = Path(__file__).resolve().parents[1] / "contract" / "template"
#: template file -> where it goes, relative to the checkout ({name} is the task's name)
LAYOUT = {
    "__init__.py.template": "tasks/{name}/__init__.py",
    "sizes.py.template": "tasks/{name}/sizes.py",
    "data.py.template": "tasks/{name}/data.py",
    "methods.py.template": "tasks/{name}/methods.py",
    "metrics.py.template": "tasks/{name}/metrics.py",
    "figure.py.template": "tasks/{name}/figure.py",
    "files_README.md.template": "tasks/{name}/files/README.md",
    "test_smoke.py.template": "tests/{name}/test_{name}_smoke.py",
}


class ScaffoldError(ValueError):
    """A task name or checkout that ``new-task`` cannot write to."""


def write_task(name: str, root: Path,
               summary: str = "When did a neuron fire, given its calcium-imaging fluorescence?") -> list[Path]:
    """Write the example task ``name`` under ``root`` (the suite's checkout); never overwrites."""
    if not name.isidentifier() or keyword.iskeyword(name) or not name.islower():
        raise ScaffoldError(f"task name {name!r} must be a lower-case Python identifier, e.g. 'calcium_imaging'")
    if not (root / "tasks" / "__init__.py").is_file():
        raise ScaffoldError(f"{root.resolve()} is not the suite's checkout (no tasks/__init__.py); pass --root")
    targets = {template: root / target.format(name=name) for template, target in LAYOUT.items()}
    existing = [str(path) for path in targets.values() if path.exists()]
    if existing or (root / "tasks" / name).exists():
        raise ScaffoldError(f"task {name!r} exists already: {', '.join(existing) or root / 'tasks' / name}")
    for template, target in targets.items():
        text = string.Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(name=name, summary=summary)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return list(targets.values())


def command(args: argparse.Namespace) -> int:
    """``new-task NAME``: write a working task folder and its test."""
    written = write_task(args.name, Path(args.root))
    console = Console()
    for path in written:
        console.print(f"wrote {path}")
    console.print(
        f"Next: python -m pytest tests/{args.name}  and  python -m benchmarks run --task {args.name} --size smoke\n"
        "Then replace the example with your data, methods and metrics (docs/adding-a-task.md)."
    )
    return 0
