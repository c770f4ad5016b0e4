"""The run record's schema: every field's type, checked in one place whenever a record is read.

A record that is not a JSON object, lacks a required field or holds a wrongly typed value
(``"seed": "zero"``, ``"metrics": []``) is refused with one line saying which field and why,
so no command has to guard against it again. Names that become parts of a path (task, size,
method, key, figure) must be plain names: a record can never point outside its cell's folder.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

SCHEMA = 1
STATUSES = ("ok", "skipped", "failed", "running")
#: A cell with such a record is done: a rerun does not run it again (a skipped cell would only be skipped again).
DONE = ("ok", "skipped")
DIRECTIONS = ("higher", "lower")


class BadRecord(ValueError):
    """A record that does not follow the schema; the message names the field and the problem."""


Check = Callable[[Any], str | None]  # None when the value is fine, else what is wrong with it


#: Beyond this a number is no measurement (and would overflow a float when printed).
LARGEST = 1e300


def _number(value: Any) -> bool:
    kind = type(value)  # exact types first: this runs for every metric and timing of every record
    if kind is float:
        return not math.isinf(value)
    if kind is int:
        return -LARGEST <= value <= LARGEST  # exact: Python compares a huge int with a float without overflow
    return isinstance(value, (int, float)) and not isinstance(value, bool) and _number(float(value))


def plain_name(value: Any) -> str | None:
    """None for a name that is safe as one part of a path, else the problem."""
    if not isinstance(value, str) or not value:
        return f"expected a non-empty string, got {_shown(value)}"
    if value in (".", "..") or "/" in value or "\\" in value or "\x00" in value:
        return f"{value!r} is not a plain file name"
    return None


def _integer(value: Any) -> str | None:
    return None if isinstance(value, int) and not isinstance(value, bool) else f"expected an integer, got {_shown(value)}"


def _integer_in(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        problem = _integer(value)
        if problem is None and not low <= value <= high:
            problem = f"expected an integer from {low} to {high}, got {_shown(value)}"
        return problem
    return check


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"expected true or false, got {_shown(value)}"


def _object(fields: Mapping[str, Check]) -> Check:
    """An object whose listed fields (each optional) pass their checks; other fields are free."""
    def check(value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return f"expected an object, got {_shown(value)}"
        for name, field_check in fields.items():
            if name in value:
                problem = field_check(value[name])
                if problem:
                    return f"{name}: {problem}"
        return None
    return check


def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else f"expected a string, got {_shown(value)}"


def _optional(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def _mapping(value_check: Check | None = None) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return f"expected an object, got {_shown(value)}"
        for key, item in value.items():
            problem = value_check(item) if value_check else None
            if problem:
                return f"[{key!r}]: {problem}"
        return None
    return check


def _list_of(item_check: Check) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, list):
            return f"expected a list, got {_shown(value)}"
        for index, item in enumerate(value):
            problem = item_check(item)
            if problem:
                return f"[{index}]: {problem}"
        return None
    return check


def _setting(value: Any) -> str | None:
    """An option's or a parameter's value: null, true/false, text, or a number (paths are stored as text)."""
    if value is None or isinstance(value, (bool, str)) or _number(value):
        return None
    return f"expected a number, text, true/false or null, got {_shown(value)}"


def _metric_value(value: Any) -> str | None:
    return None if value is None or _number(value) else f"expected a number or null, got {_shown(value)}"


def _metric_info(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return f"expected an object, got {_shown(value)}"
    if not isinstance(value.get("name"), str):
        return "name: expected a string"
    if value.get("direction") not in DIRECTIONS:
        return f"direction: expected one of {', '.join(DIRECTIONS)}, got {_shown(value.get('direction'))}"
    return None if isinstance(value.get("unit", ""), str) else "unit: expected a string"


def _status(value: Any) -> str | None:
    return None if value in STATUSES else f"expected one of {', '.join(STATUSES)}, got {_shown(value)}"


def _items(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return f"expected an object, got {_shown(value)}"
    if value.get("kind") not in ("binary", "continuous"):
        return f"kind: expected binary or continuous, got {_shown(value.get('kind'))}"
    if value.get("direction") not in DIRECTIONS:
        return f"direction: expected one of {', '.join(DIRECTIONS)}, got {_shown(value.get('direction'))}"
    count = _integer_in(0, 10**9)(value.get("n"))
    if count:
        return f"n: {count}"
    return None if isinstance(value.get("data"), str) else "data: expected a string"


def _pair(value: Any) -> str | None:
    ok = isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)
    return None if ok else f"expected two method names, got {_shown(value)}"


_TEXT = _optional(_string)
#: What the leaderboard, the report and ``make record`` read of a record's provenance.
PROVENANCE = _object({
    "git": _optional(_object({"commit": _TEXT, "dirty": _optional(_boolean)})),
    "data_hash": _TEXT, "python": _TEXT, "cpu": _TEXT, "gpu": _TEXT, "task_version": _optional(_integer),
    "cpu_cores": _optional(_integer_in(0, 10**6)), "packages": _optional(_mapping(_TEXT)), "check": _optional(_boolean),
})

#: Field -> (required, check): every field a command reads. Fields not listed are free (details: the task's own).
FIELDS: dict[str, tuple[bool, Check]] = {
    "task": (True, plain_name),
    "method": (True, plain_name),
    "size": (True, plain_name),
    "seed": (True, _integer_in(0, 2**32 - 1)),
    "status": (True, _status),
    "key": (True, plain_name),
    "schema": (False, _integer),
    "task_version": (False, _integer_in(1, 10**9)),
    "run_id": (False, _string),
    "method_kind": (False, _string),
    "method_version": (False, _integer_in(1, 10**9)),
    "method_params": (False, _optional(_mapping(_setting))),
    "method_origin": (False, _string),  # "suite", or the file, module or entry point of an outside method
    "method_source": (False, _string),  # content hash of an outside method's source file
    "dataset": (False, _TEXT),
    "device": (False, _TEXT),
    "started_at": (False, _TEXT),
    "finished_at": (False, _TEXT),
    "data_shared": (False, _optional(_boolean)),
    "metrics": (False, _optional(_mapping(_metric_value))),
    "metric_notes": (False, _optional(_mapping(_TEXT))),
    "metric_info": (False, _optional(_list_of(_metric_info))),
    "options": (False, _optional(_mapping(_setting))),
    "inputs": (False, _optional(_mapping(_string))),
    "timings": (False, _optional(_mapping(_optional(_mapping(_metric_value))))),
    "peak_rss_mb": (False, _metric_value),
    "peak_gpu_mb": (False, _metric_value),
    "figure": (False, _optional(plain_name)),
    "figure_error": (False, _TEXT),
    "pairs": (False, _optional(_list_of(_pair))),
    "items": (False, _optional(_items)),
    "provenance": (False, _optional(PROVENANCE)),
    "details": (False, _optional(_mapping())),
    "claim": (False, _optional(_mapping())),
    "stage": (False, _TEXT),
    "error": (False, _TEXT),
    "reason": (False, _TEXT),
    "traceback": (False, _TEXT),
}


REQUIRED = tuple(name for name, (required, _) in FIELDS.items() if required)


def check_record(record: Any) -> dict[str, Any]:
    """Return ``record`` when it follows the schema; raise :class:`BadRecord` naming the first problem."""
    if not isinstance(record, dict):
        raise BadRecord(f"not a run record (a JSON {type(record).__name__}, not an object)")
    missing = [name for name in REQUIRED if name not in record]
    if missing:
        raise BadRecord(f"not a run record (missing {', '.join(missing)})")
    for name, value in record.items():
        spec = FIELDS.get(name)
        if spec is not None:
            problem = spec[1](value)
            if problem:
                raise BadRecord(f"field {name!r}: {problem}")
    return record


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, (str, int, float, bool, type(None))) else f"a JSON {_json_type(value)}"
    return text if len(text) <= 40 else text[:37] + "..."


def _json_type(value: Any) -> str:
    return {dict: "object", list: "array"}.get(type(value), type(value).__name__)
