"""Whether a task's method view hides its test targets: the arrays of ``test_targets(data)`` are looked for
among the arrays reachable from ``method_input(data)`` (fields of dataclasses and objects, mappings,
sequences, pandas frames and AnnData's tables, to a bounded depth).

A target is found when an array holds the same values, holds them as one contiguous run (a label vector
whose tail is the test labels), or, for targets of rank 2 or more, holds every one of their rows (all
positions, with the test frames' among them). Targets given as a permutation of a 1-D vector's scattered
entries are not detected; a task hands its view its own arrays, and the check catches the common leaks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

MAX_DEPTH = 6
MAX_CANDIDATES = 2000


def leaks(view: Any, targets: Mapping[str, Any]) -> list[str]:
    """One line per target found in ``view``, naming where."""
    arrays = list(_arrays(view, "data", 0, set()))
    found = []
    for name, target in targets.items():
        wanted = _as_array(target)
        if wanted is None or wanted.size < 2:
            continue
        for where, array in arrays:
            if _holds(array, wanted):
                found.append(f"test target {name!r} {tuple(wanted.shape)} is reachable from what methods receive, "
                             f"at {where}")
                break
    return found


def _as_array(value: Any) -> np.ndarray | None:
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if hasattr(value, "to_numpy"):  # pandas
        value = value.to_numpy()
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - not array-like
        return None
    return array if array.dtype != object or array.ndim == 1 else None


def _arrays(value: Any, where: str, depth: int, seen: set[int]) -> Iterator[tuple[str, np.ndarray]]:
    if depth > MAX_DEPTH or id(value) in seen or value is None or isinstance(value, (bool, int, float, complex, bytes)):
        return
    seen.add(id(value))
    if isinstance(value, str):
        return
    if isinstance(value, np.ndarray) or (hasattr(value, "detach") and hasattr(value, "cpu")):
        array = _as_array(value)
        if array is not None:
            yield where, array
        return
    if hasattr(value, "columns") and hasattr(value, "to_numpy"):  # a DataFrame: each column, and the index
        for column in value.columns:
            yield f"{where}[{column!r}]", np.asarray(value[column].to_numpy())
        yield f"{where}.index", np.asarray(value.index)
        return
    if hasattr(value, "to_numpy"):  # a Series or an Index
        yield where, np.asarray(value.to_numpy())
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _arrays(item, f"{where}[{key!r}]", depth + 1, seen)
        return
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, (str, int, float, np.generic)) for v in value[:50]):
            yield where, np.asarray(value)
            return
        for index, item in enumerate(value[:10_000]):
            yield from _arrays(item, f"{where}[{index}]", depth + 1, seen)
        return
    if dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _arrays(getattr(value, field.name), f"{where}.{field.name}", depth + 1, seen)
        return
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict) and not callable(value):
        for name, item in attributes.items():
            yield from _arrays(item, f"{where}.{name.lstrip('_')}", depth + 1, seen)


def _holds(array: np.ndarray, target: np.ndarray) -> bool:
    if array.size < target.size:
        return False
    if array.shape == target.shape:
        return _equal(array, target)
    if target.ndim == 1 and array.ndim == 1:
        return _contiguous(array, target)
    if target.ndim >= 2 and array.ndim == target.ndim and array.shape[1:] == target.shape[1:]:
        rows = {np.ascontiguousarray(row).tobytes() for row in array.astype(target.dtype, copy=False)}
        return all(np.ascontiguousarray(row).tobytes() in rows for row in target)
    return False


def _equal(a: np.ndarray, b: np.ndarray) -> bool:
    try:
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            return bool(np.array_equal(a, b, equal_nan=True))
        return bool(np.array_equal(a, b))
    except (TypeError, ValueError):
        return False


def _contiguous(array: np.ndarray, target: np.ndarray) -> bool:
    try:
        starts = np.flatnonzero(array[: array.size - target.size + 1] == target[0])[:MAX_CANDIDATES]
    except (TypeError, ValueError):
        return False
    return any(_equal(array[start:start + target.size], target) for start in starts)
