"""The runner's own code: no import cycle between its modules (function-level imports included), a docstring on
every module and public function."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "benchmarks"
MODULES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path, root: Path = ROOT) -> str:
    """``benchmarks/results/frame.py`` -> ``benchmarks.results.frame``; a package's ``__init__`` is the package."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node that can run: function bodies included, ``if TYPE_CHECKING:`` blocks left out."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def imports_of(source: str, name: str, known: set[str], prefix: str = "benchmarks") -> set[str]:
    """The modules of ``known`` (dotted names under ``prefix``) that module ``name`` imports when it runs, each
    with the packages Python imports first: ``from a.b import c`` runs ``a/__init__`` and ``a/b/__init__``
    before ``a.b.c``. A package enclosing ``name`` itself is left out: it is already being imported."""
    package = name if f"{name}.__init__" in known else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            if not (target == prefix or target.startswith(prefix + ".")):
                continue
            parts = target.split(".")
            for depth in range(1, len(parts) + 1):
                enclosing = ".".join(parts[:depth])
                if enclosing in known and not (name == enclosing or name.startswith(enclosing + ".")):
                    found.add(enclosing)
    return found


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (module -> modules it imports) as ``[a, b, ..., a]``, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == 1:
                return path[path.index(imported):] + [imported]
            if imported not in state and (cycle := visit(imported)) is not None:
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)) is not None:
            return cycle
    return None


def import_graph(modules: list[Path]) -> dict[str, set[str]]:
    """Module -> the suite's modules it imports at run time, for every file of ``modules``."""
    names = {module_name(path): path for path in modules}
    known = set(names) | {f"{name}.__init__" for name, path in names.items() if path.name == "__init__.py"}
    return {name: imports_of(path.read_text(encoding="utf-8"), name, known) for name, path in names.items()}


def test_no_import_cycle_between_runner_modules():
    cycle = find_cycle(import_graph(MODULES))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


#: The runner's sub-packages, each importing only those before it; the modules at the top (``task``, ``context``,
#: ``check``: the paths task packages import) only re-export.
LAYERS = ("contract", "records", "data", "results", "running", "cli")


def layer_violations(graph: Mapping[str, set[str]], layers: tuple[str, ...] = LAYERS) -> list[str]:
    """Imports of a sub-package from one of the same or a later layer than its own (``a -> b`` lines)."""
    def layer(module: str) -> int | None:
        part = module.split(".")[1] if module.count(".") else ""
        return layers.index(part) if part in layers else None

    return [f"{module} -> {imported}" for module, imports in sorted(graph.items()) for imported in sorted(imports)
            if layer(module) is not None and layer(imported) is not None and layer(imported) > layer(module)]


def test_the_runner_packages_are_layers():
    assert layer_violations(import_graph(MODULES)) == []
    assert layer_violations({"benchmarks.records.store": {"benchmarks.results.frame", "benchmarks.contract.task"}}) == [
        "benchmarks.records.store -> benchmarks.results.frame"]


def test_the_cycle_check_sees_imports_inside_functions_and_the_packages_they_run():
    known = {"benchmarks", "benchmarks.__init__", "benchmarks.a", "benchmarks.a.__init__", "benchmarks.a.x",
             "benchmarks.b"}
    late = "def f():\n    from benchmarks.b import g\n"
    typing_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from benchmarks.b import g\n"
    assert imports_of(late, "benchmarks.a.x", known) == {"benchmarks.b"}
    assert imports_of(typing_only, "benchmarks.a.x", known) == set()
    # importing a.x runs a/__init__ first: a package that imports b makes b -> a.x a cycle through a
    assert imports_of("from benchmarks.a.x import h\n", "benchmarks.b", known) == {"benchmarks.a", "benchmarks.a.x"}
    assert imports_of("from benchmarks.a import x\n", "benchmarks.b", known) == {"benchmarks.a", "benchmarks.a.x"}
    graph = {"benchmarks.a": {"benchmarks.b"}, "benchmarks.b": imports_of(late.replace(".b", ".a.x"), "benchmarks.b", known)}
    assert find_cycle(graph) == ["benchmarks.a", "benchmarks.b", "benchmarks.a"]
    assert find_cycle({"benchmarks.a": {"benchmarks.b"}, "benchmarks.b": set()}) is None


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


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_public_function_of_the_runner_says_what_it_does(path):
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"{path.name} has no module docstring"
    missing = [name for name, node in _public_functions(path) if not ast.get_docstring(node)]
    assert missing == [], f"{path.name}: no docstring on {', '.join(missing)}"
