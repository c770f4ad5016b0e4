"""Variants: a method with values for its parameters, and the leaderboard row it makes.

A variant's row name is canonical, so that two spellings of one setting share a key and a folder:
the preset's name where the values are a preset's (``svm[rhythm=sq]`` is ``svm_bf_sq``), the method's
name where every value is the default, else the method's name with its non-default values in the
benchopt syntax (``cnn[max_epochs=5]``).

On the command line a method is ``NAME`` or ``NAME[key=value,...]``; a value in brackets,
``key=[v1,v2]``, is a grid that expands into one variant per combination (``npe[hidden_features=[50,100]]``).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.contract.names import UnknownName
from benchmarks.contract.options import OptionError
from benchmarks.contract.task import Method, Task


class SpecError(ValueError):
    """A ``--method`` text that is not ``NAME`` or ``NAME[key=value,...]``: a usage error (exit 2)."""


@dataclass(frozen=True)
class Variant:
    """A method with a value for each of its parameters (None: the size's budget field), and its row name."""

    method: Method
    params: Mapping[str, Any] = field(default_factory=dict)
    name: str = ""

    def non_default(self) -> dict[str, Any]:
        """The parameters whose value differs from the declared default."""
        defaults = self.method.defaults()
        return {name: value for name, value in self.params.items() if value != defaults.get(name)}


def format_value(value: Any) -> str:
    """A parameter value as the command line writes it: ``true``, ``0.5``, ``resnet18``, a path's file name."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and ("/" in value or "\\" in value):
        return Path(value).name or "path"
    return str(value)


def variant(task: Task, method: Method, given: Mapping[str, Any] | None = None) -> Variant:
    """``method`` with ``given`` values (strings or Python values, parsed and checked) and defaults for the
    rest, named canonically. Raises :class:`UnknownName` or :class:`OptionError` (exit 2)."""
    params = method.defaults()
    for name, value in (given or {}).items():
        params[method.param(name).name] = _parse(method, name, value)
    return Variant(method, params, row_name(task, method, params))


def _parse(method: Method, name: str, value: Any) -> Any:
    try:
        return method.param(name).parse(value)
    except OptionError as error:
        raise OptionError(f"--method {method.name}[{name}={value}]: {error}") from None


def row_name(task: Task, method: Method, params: Mapping[str, Any]) -> str:
    """The preset whose values these are, else the method's name with its non-default values."""
    for preset in task.presets:
        if preset.method == method.name and _preset_values(task, preset) == dict(params):
            return preset.name
    defaults = method.defaults()
    changed = [f"{p.name}={format_value(params[p.name])}" for p in method.params
               if p.name in params and params[p.name] != defaults[p.name]]
    return f"{method.name}[{','.join(changed)}]" if changed else method.name


def _preset_values(task: Task, preset: Any) -> dict[str, Any]:
    method = task.method(preset.method)
    values = method.defaults()
    values.update({name: method.param(name).parse(value) for name, value in preset.params.items()})
    return values


def by_name(task: Task, name: str, given: Mapping[str, Any] | None = None) -> Variant:
    """The variant a row name, a method or a preset names, with ``given`` values on top of the preset's."""
    preset = task.preset(name)
    if preset is not None:
        return variant(task, task.method(preset.method), {**preset.params, **(given or {})})
    return variant(task, task.method(name), given)


def default_variants(task: Task, size: str | None) -> list[Variant]:
    """What ``run`` runs of ``task`` at ``size`` when no method is named: each method at its defaults and
    each of its presets (one row per distinct setting), for the methods meant for ``size`` (None: all)."""
    out: list[Variant] = []
    for method in task.methods:
        if size is not None and not method.runs_at(size):
            continue
        candidates = [variant(task, method)] + [by_name(task, p.name) for p in task.presets if p.method == method.name]
        for candidate in candidates:
            if _is_new(candidate, out):
                out.append(candidate)
    return out


def _is_new(candidate: Variant, chosen: Sequence[Variant]) -> bool:
    """Whether no variant in ``chosen`` is the same method with the same values (one cell per setting)."""
    return all(candidate.method is not other.method or candidate.params != other.params for other in chosen)


def parse_spec(text: str) -> tuple[str, dict[str, list[str]]]:
    """``"npe[hidden_features=[50,100],max_epochs=5]"`` as ``("npe", {"hidden_features": ["50", "100"],
    "max_epochs": ["5"]})``. Raises :class:`SpecError` for unbalanced brackets or an entry without ``=``."""
    text = text.strip()
    if "[" not in text:
        if "]" in text or not text:
            raise SpecError(f"--method {text!r}: expected NAME or NAME[key=value,...]")
        return text, {}
    name, _, rest = text.partition("[")
    if not rest.endswith("]") or not name.strip():
        raise SpecError(f"--method {text!r}: expected NAME[key=value,...], with the values in one pair of brackets")
    values: dict[str, list[str]] = {}
    for entry in _split_top(rest[:-1], text):
        if not entry.strip():
            continue
        key, sep, value = entry.partition("=")
        if not sep or not key.strip():
            raise SpecError(f"--method {text!r}: {entry!r} is not key=value")
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            grid = [v.strip() for v in _split_top(value[1:-1], text)]
            if not grid or any(not v for v in grid):
                raise SpecError(f"--method {text!r}: empty value in the grid of {key.strip()!r}")
        else:
            grid = [value]
        if key.strip() in values:
            raise SpecError(f"--method {text!r}: {key.strip()!r} is given twice")
        values[key.strip()] = grid
    return name.strip(), values


def _split_top(text: str, whole: str) -> list[str]:
    """``text`` split at the commas outside brackets."""
    parts, depth, current = [], 0, []
    for char in text:
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth < 0:
            raise SpecError(f"--method {whole!r}: unbalanced brackets")
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if depth:
        raise SpecError(f"--method {whole!r}: unbalanced brackets")
    parts.append("".join(current))
    return parts


def expand(task: Task, name: str, grid: Mapping[str, Sequence[str]], method: Method | None = None) -> list[Variant]:
    """Every combination of the ``grid`` values of the method (or preset) ``name``, or of ``method`` when given
    (one from outside the suite), in the grid's order; settings named twice come once."""
    keys = list(grid)
    out: list[Variant] = []
    for values in itertools.product(*(grid[key] for key in keys)):
        given = dict(zip(keys, values))
        found = variant(task, method, given) if method is not None else by_name(task, name, given)
        if _is_new(found, out):
            out.append(found)
    return out


def bind(variant_: Variant, budget: Any) -> tuple[Any, dict[str, Any]]:
    """The method's keyword arguments (each parameter's value, the size's budget field where a budget
    parameter is None) and the budget with those budget fields set, as the method's ``ctx.budget``."""
    params = {}
    for param in variant_.method.params:
        value = variant_.params.get(param.name, param.default)
        params[param.name] = getattr(budget, param.name) if value is None and param.budget else value
    fields = {p.name: params[p.name] for p in variant_.method.params if p.budget}
    return (dataclasses.replace(budget, **fields) if fields else budget), params


__all__ = ["SpecError", "UnknownName", "Variant", "bind", "by_name", "default_variants", "expand",
           "format_value", "parse_spec", "row_name", "variant"]
