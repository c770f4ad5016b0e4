"""Methods from outside the suite: a function in a file or a module, or one an installed package registers.

``--method path/to/file.py:fn`` and ``--method package.module:fn`` (with ``--task``) run ``fn`` on a task's
data beside the suite's methods; installed packages register methods for existing tasks through the
entry-point group ``benchmarks.methods`` (entry point ``TASK`` or ``TASK.anything`` = ``package.module:fn``).

The function is ``fn(data, ctx, *, param=default, ...)``: its keyword-only arguments with defaults are its
parameters (typed by annotation or default: int, float, str, bool), settable as ``file.py:fn[param=value]``.
:func:`method` declares more: another row name, the kind (``model`` unless declared), a version, a summary,
parameters with choices or bounds. The content hash of the function's source file is part of each cell's key,
so editing the file reruns its cells, and each record names the method's origin.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import inspect
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.contract.options import Param
from benchmarks.contract.task import SAFE_NAME, Method, MethodKind, resolve

ENTRY_POINT_GROUP = "benchmarks.methods"
#: The attribute :func:`method` sets on a function.
DECLARATION = "__benchmarks_method__"
_TYPES = (bool, int, float, str)


class OutsideMethodError(ValueError):
    """A ``--method`` that names no file or function, or a declaration that breaks the contract (exit 2)."""


def method(*, name: str | None = None, kind: str = "model", version: int = 1, summary: str = "",
           params: Sequence[Param] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare what the suite cannot read from a function's signature::

        @benchmarks.method(kind="baseline", version=2, params=[Param("k", int, 15, minimum=1)])
        def isomap(data, ctx, *, k): ...

    ``params`` replaces the parameters read from the keyword-only arguments (then they have no defaults)."""
    def declare(fn: Callable[..., Any]) -> Callable[..., Any]:
        setattr(fn, DECLARATION, {"name": name, "kind": kind, "version": version, "summary": summary,
                                  "params": None if params is None else tuple(params)})
        return fn
    return declare


def is_outside(spec: str) -> bool:
    """Whether a ``--method`` text names a function outside the suite (``file.py:fn``, ``module:fn``)."""
    return ":" in spec.partition("[")[0]


def load(ref: str, origin: str | None = None) -> Method:
    """The :class:`Method` of ``ref`` (``path/to/file.py:fn`` or ``package.module:fn``).

    A file that is missing, or a text that names no function, raises :class:`OutsideMethodError`. A file or
    module that fails to import gives a method named after the function whose cells fail with that error
    (the other cells still run)."""
    module_part, _, attribute = ref.rpartition(":")
    if not module_part or not all(part.isidentifier() for part in attribute.split(".")):
        raise OutsideMethodError(f"--method {ref!r}: expected path/to/file.py:function or package.module:function")
    if module_part.endswith(".py"):
        path = Path(module_part).expanduser().resolve()
        if not path.is_file():
            raise OutsideMethodError(f"--method {ref!r}: no such file {path}")
        ref, origin = f"{path}:{attribute}", origin or f"file {path}"
    else:
        origin = origin or f"module {module_part}"
    fallback_name = attribute.rsplit(".", 1)[-1]
    try:
        fn = resolve(ref)
    except Exception as error:  # the user's code: any error of an import becomes the cells' failure
        where = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
        line = f" ({Path(where.filename).name}:{where.lineno})" if where else ""
        return Method(_safe(fallback_name, ref), MethodKind.MODEL, ref, f"cannot import: {type(error).__name__}: "
                      f"{error}{line}", origin=origin, source_hash=_hash_of_source(module_part))
    if not callable(fn):
        raise OutsideMethodError(f"--method {ref!r}: {attribute} is a {type(fn).__name__}, not a function")
    return declared(fn, ref, origin)


def declared(fn: Callable[..., Any], ref: str, origin: str) -> Method:
    """The :class:`Method` that ``fn`` (found at ``ref``) declares, by :func:`method` or by its signature."""
    declaration = getattr(fn, DECLARATION, {}) or {}
    name = _safe(declaration.get("name") or getattr(fn, "__name__", "method"), ref)
    try:
        kind = MethodKind(declaration.get("kind") or "model")
    except ValueError:
        raise OutsideMethodError(f"--method {ref!r}: kind must be one of control, baseline, model") from None
    params = declaration.get("params")
    params = tuple(params) if params is not None else signature_params(fn, ref)
    summary = declaration.get("summary") or (inspect.getdoc(fn) or "").split("\n", 1)[0]
    source = inspect.getsourcefile(fn) if inspect.isfunction(fn) else None
    return Method(name, kind, ref, summary, params=params, version=int(declaration.get("version") or 1),
                  origin=origin, source_hash=_hash_of_source(source or ref.rpartition(":")[0]))


def signature_params(fn: Callable[..., Any], ref: str) -> tuple[Param, ...]:
    """The keyword-only arguments of ``fn`` as parameters: typed by annotation, else by default."""
    params = []
    for argument in inspect.signature(fn).parameters.values():
        if argument.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        if argument.default is inspect.Parameter.empty:
            raise OutsideMethodError(f"--method {ref!r}: keyword argument {argument.name!r} needs a default "
                                     "(or declare it with benchmarks.method(params=...))")
        annotation = argument.annotation
        if isinstance(annotation, str):  # from __future__ import annotations
            annotation = {t.__name__: t for t in _TYPES}.get(annotation, annotation)
        kind = annotation if annotation in _TYPES else type(argument.default)
        if kind not in _TYPES:
            raise OutsideMethodError(f"--method {ref!r}: argument {argument.name!r} must be an int, float, str or "
                                     f"bool, not {kind.__name__ if isinstance(kind, type) else kind!r}")
        params.append(Param(argument.name, kind, argument.default, "keyword argument of the function"))
    return tuple(params)


def for_task(task: str) -> list[Method]:
    """The methods installed packages register for ``task`` (entry-point group ``benchmarks.methods``)."""
    out = []
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.name.split(".", 1)[0] == task:
            out.append(load(entry_point.value, origin=f"entry point {entry_point.name} = {entry_point.value}"))
    return out


def _safe(name: str, ref: str) -> str:
    if not SAFE_NAME.match(name):
        raise OutsideMethodError(f"--method {ref!r}: row name {name!r} is no safe folder name "
                                 "(letters, digits, _ . - + = , [ ])")
    return name


def _hash_of_source(where: str | None) -> str | None:
    """sha256 (32 hex digits) of a method's source file: a path, or a module's file (None when unknown)."""
    if not where:
        return None
    path = Path(where)
    if not where.endswith(".py"):
        module = sys.modules.get(where)
        spec = None
        if module is None:
            try:
                spec = importlib.util.find_spec(where)
            except (ImportError, ValueError):
                return None
        file = getattr(module, "__file__", None) or (spec.origin if spec is not None else None)
        if not file:
            return None
        path = Path(file)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:32]
    except OSError:
        return None
