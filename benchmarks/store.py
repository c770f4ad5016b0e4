"""The result store: one JSON record per cell, written atomically, read back tolerantly.

Layout: ``<results>/<task>/<size>/<method>/seed<k>-<key>.json`` (and ``.png`` beside it for
the figure). ``key`` hashes everything that makes two cells comparable: task, task version,
method, size, seed and the task's option values. A new version or other options give a new
file, so stale results are never mixed with new ones and a rerun finds finished cells by path.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = 1
REQUIRED_FIELDS = ("task", "method", "size", "seed", "status", "key")


class StoreError(RuntimeError):
    """The results folder cannot be used (missing, not a folder, not writable)."""


@dataclass(frozen=True)
class CellKey:
    """What identifies a cell for resume and aggregation."""

    task: str
    task_version: int
    method: str
    size: str
    seed: int
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """16 hex digits of the sha256 of the key's canonical JSON."""
        canonical = json.dumps(
            {**asdict(self), "options": dict(sorted(self.options.items()))}, sort_keys=True, default=str
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @property
    def relative_path(self) -> Path:
        """``task/size/method/seed<k>-<digest>.json``."""
        return Path(self.task, self.size, self.method, f"seed{self.seed}-{self.digest}.json")


class ResultStore:
    """A results folder. ``create=True`` makes it (and only it) when its parent exists."""

    def __init__(self, root: Path | str, *, create: bool = False) -> None:
        self.root = Path(root)
        if not self.root.exists():
            if not create:
                raise StoreError(f"results folder {self.root} does not exist")
            if not self.root.parent.is_dir():
                raise StoreError(f"cannot create results folder {self.root}: {self.root.parent} does not exist")
            self.root.mkdir()
        if not self.root.is_dir():
            raise StoreError(f"results folder {self.root} is not a folder")

    def check_writable(self) -> None:
        """Raise :class:`StoreError` when records cannot be written here."""
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StoreError(f"results folder {self.root} is not writable")

    def path_for(self, key: CellKey) -> Path:
        """The record file of ``key``."""
        return self.root / key.relative_path

    def read(self, key: CellKey) -> dict[str, Any] | None:
        """The record of a cell, or None when absent or unreadable."""
        try:
            return json.loads(self.path_for(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def is_done(self, key: CellKey) -> bool:
        """Whether ``key`` has an ``ok`` record (a rerun skips it)."""
        record = self.read(key)
        return record is not None and record.get("status") == "ok"

    def write(self, record: Mapping[str, Any]) -> Path:
        """Write a record atomically: readers see the old file or the new one, never a part."""
        path = self.root / record_relative_path(record)
        write_json_atomic(path, record)
        return path

    def records(self) -> tuple[list[dict[str, Any]], list[str]]:
        """Every readable record, and one warning per file that is not one."""
        return read_records(self.root)


def record_relative_path(record: Mapping[str, Any]) -> Path:
    """Where ``record`` lives inside a results folder."""
    return Path(record["task"], record["size"], record["method"], f"seed{record['seed']}-{record['key']}.json")


def write_json_atomic(path: Path, payload: Mapping[str, Any]) -> None:
    """Write ``payload`` as JSON: to a temporary file, synced, then renamed over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(to_json_safe(payload), indent=1, sort_keys=True, allow_nan=False)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    finally:
        # Only still there when the write failed or was interrupted.
        if os.path.exists(temporary):
            os.unlink(temporary)


def to_json_safe(value: Any) -> Any:
    """NaN and infinities become None (JSON has no NaN); numpy scalars and arrays become Python."""
    if isinstance(value, Mapping):
        return {str(k): to_json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_safe(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return to_json_safe(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    return value


#: Top-level folders of a results folder that hold no run records.
NOT_RECORDS = {"perf"}  # pytest-benchmark's JSON from `make bench`


def iter_record_files(root: Path) -> Iterator[Path]:
    """Every record file under ``root`` (hidden files and perf/ left out)."""
    for directory, subdirectories, files in os.walk(root):
        top = Path(directory) == root
        subdirectories[:] = [
            d for d in subdirectories if not d.startswith(".") and not (top and d in NOT_RECORDS)
        ]
        for name in files:
            if name.endswith(".json") and not name.startswith("."):
                yield Path(directory, name)


def read_records(root: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse every record under ``root``; a broken file gives a warning naming it, not an error."""
    records, warnings = [], []
    for path in iter_record_files(root):
        try:
            with open(path, encoding="utf-8") as stream:
                record = json.load(stream)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            warnings.append(f"skipped {path}: not a readable JSON record ({type(error).__name__}: {error})")
            continue
        missing = [name for name in REQUIRED_FIELDS if not isinstance(record, dict) or name not in record]
        if missing:
            warnings.append(f"skipped {path}: not a run record (missing {', '.join(missing)})")
            continue
        record["_path"] = str(path)
        records.append(record)
    return records, warnings
