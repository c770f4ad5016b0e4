"""The runner's own code: no import cycle between its modules, a docstring on every public function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "benchmarks"
MODULES = sorted(PACKAGE.glob("*.py"))


def _module_level_imports(path: Path) -> set[str]:
    """benchmarks modules imported at import time (not inside functions, not only for type checkers)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) else ():
            if isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("benchmarks"):
                found.add(child.module.split(".")[1] if "." in child.module else "")
                if child.module == "benchmarks":
                    found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.Import):
                found.update(a.name.split(".")[1] for a in child.names if a.name.startswith("benchmarks."))
    return found - {""}


def test_no_import_cycle_between_runner_modules():
    graph = {path.stem: _module_level_imports(path) for path in MODULES}

    def visit(module: str, trail: tuple[str, ...]) -> None:
        for imported in sorted(graph.get(module, ())):
            assert imported not in trail, "import cycle: " + " -> ".join([*trail, imported])
            visit(imported, (*trail, imported))

    for module in graph:
        visit(module, (module,))


def _public_functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            yield node.name, node
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            yield node.name, node
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                    yield f"{node.name}.{item.name}", item


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_every_public_function_of_the_runner_says_what_it_does(path):
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"{path.name} has no module docstring"
    missing = [name for name, node in _public_functions(path) if not ast.get_docstring(node)]
    assert missing == [], f"{path.name}: no docstring on {', '.join(missing)}"
