"""The result store: one JSON record per cell, written atomically, read back tolerantly.

Layout: ``<results>/<task>/<size>/<method>/seed<k>-<key>.json`` (and ``.png`` beside it for
the figure), where ``<method>`` is the row name (a method, a preset, or ``method[key=value]``). ``key``
hashes everything that makes two cells comparable: task and task version, size, seed, the task's data
options and the content of the user files they name, and the method with its version, its parameters and
(for a method from outside the suite) the content hash of its source. A new version or other values give a
new file, so stale results are never mixed with new ones and a rerun finds finished cells by path. The row
name is not hashed: a preset and its explicit form share one key.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import math
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.records.schema import DONE, SCHEMA, BadRecord, check_record

__all__ = ["SCHEMA", "CellKey", "DiskError", "ResultStore", "StoreError", "atomic_output", "read_records",
           "write_json_atomic", "write_text_atomic"]


class StoreError(RuntimeError):
    """The results folder cannot be used (missing, not a folder, not writable)."""


class DiskError(StoreError):
    """A file could not be written (no space, read-only, missing folder): names the path and the errno."""

    def __init__(self, path: Path | str, error: OSError, action: str = "write") -> None:
        code = errno.errorcode.get(error.errno or 0, str(error.errno))
        super().__init__(f"cannot {action} {path}: {code} (errno {error.errno}, {error.strerror or error})")
        self.path, self.errno = Path(path), error.errno


def file_mode() -> int:
    """The mode a new file gets from the user's umask (0644 with the usual 022)."""
    try:
        with open("/proc/self/status") as stream:
            match = next((line for line in stream if line.startswith("Umask:")), None)
        if match:
            return 0o666 & ~int(match.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it (and put it back)
    os.umask(mask)
    return 0o666 & ~mask


@dataclass(frozen=True)
class CellKey:
    """What identifies a cell for resume and aggregation."""

    task: str
    task_version: int
    method: str  # the row name: the record's folder
    size: str
    seed: int
    options: Mapping[str, Any] = field(default_factory=dict)  # the task's data options
    inputs: Mapping[str, str] = field(default_factory=dict)  # option or parameter -> content hash of the user file
    base: str = ""  # the method whose variant this is ("" : the row name)
    method_version: int = 1
    params: Mapping[str, Any] = field(default_factory=dict)
    source: str | None = None  # content hash of an outside method's source file

    @property
    def digest(self) -> str:
        """16 hex digits of the sha256 of the key's canonical JSON (the row name left out)."""
        fields = {**asdict(self), "options": dict(sorted(self.options.items())), "inputs": dict(self.inputs),
                  "params": dict(sorted(self.params.items()))}
        fields["method"] = fields.pop("base") or self.method
        if not self.inputs:
            del fields["inputs"]
        if self.source is None:
            del fields["source"]
        canonical = json.dumps(fields, sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @property
    def relative_path(self) -> Path:
        """``task/size/method/seed<k>-<digest>.json``."""
        return Path(self.task, self.size, self.method, f"seed{self.seed}-{self.digest}.json")


class ResultStore:
    """A results folder. ``create=True`` makes it (and only it) when its parent exists."""

    def __init__(self, root: Path | str, *, create: bool = False) -> None:
        self.root = Path(root)
        #: One line per bad record met by :meth:`read` (each file once); the command prints them.
        self.warnings: list[str] = []
        if not self.root.exists():
            if not create:
                raise StoreError(f"results folder {self.root} does not exist")
            try:
                self.root.mkdir()
            except FileExistsError:
                pass  # a concurrent run made it first
            except OSError as error:
                raise DiskError(self.root, error, "create results folder") from None
        if not self.root.is_dir():
            raise StoreError(f"results folder {self.root} is not a folder")

    def check_writable(self) -> None:
        """Raise :class:`DiskError` (exit 1, with the errno, as any write that fails) when records cannot be
        written here: the folder is read-only, or on a read-only disk."""
        try:
            handle, probe = tempfile.mkstemp(dir=self.root, prefix=".tmp-writable-")
        except OSError as error:
            raise DiskError(self.root, error, "write records into results folder") from None
        os.close(handle)
        os.unlink(probe)

    def path_for(self, key: CellKey) -> Path:
        """The record file of ``key``."""
        return self.root / key.relative_path

    def claim_path(self, key: CellKey) -> Path:
        """The claim file of ``key`` (see :mod:`benchmarks.running.claims`), beside its record."""
        return self.path_for(key).with_suffix(".claim")

    def read(self, key: CellKey) -> dict[str, Any] | None:
        """The record of a cell, or None when absent or not a valid record (noted in :attr:`warnings`)."""
        path = self.path_for(key)
        if not path.exists():
            return None
        record, warning = read_record(path)
        if warning and warning not in self.warnings:
            self.warnings.append(warning)
        return record

    def is_done(self, key: CellKey) -> bool:
        """Whether ``key`` has an ``ok`` or ``skipped`` record (a rerun skips it)."""
        record = self.read(key)
        return record is not None and record.get("status") in DONE

    def write(self, record: Mapping[str, Any]) -> Path | None:
        """Write a record atomically: readers see the old file or the new one, never a part.

        A record that is not ``ok`` never replaces another run's ``ok`` record: that one is
        kept and None returned. Raises :class:`DiskError` when the file cannot be written.
        """
        path = self.root / record_relative_path(record)
        if record.get("status") != "ok" and path.exists():
            existing, _ = read_record(path)
            if existing and existing["status"] == "ok" and existing.get("run_id") != record.get("run_id"):
                return None
        write_json_atomic(path, record)
        return path

    def records(self) -> tuple[list[dict[str, Any]], list[str]]:
        """Every readable record, and one warning per file that is not one."""
        return read_records(self.root)


def record_relative_path(record: Mapping[str, Any]) -> Path:
    """Where ``record`` lives inside a results folder."""
    return Path(record["task"], record["size"], record["method"], f"seed{record['seed']}-{record['key']}.json")


@contextlib.contextmanager
def atomic_output(path: Path | str, *, make_folder: bool = True) -> Iterator[Path]:
    """A temporary path beside ``path`` (same suffix) to write a whole file into; on leaving, it is synced and
    renamed over ``path``, so readers see the old file or the new one, never a part. On an error the old file
    stays and the temporary one is removed. The file gets the user's umask (not ``mkstemp``'s 0600); an OS
    error (no space, read-only, a folder gone) raises :class:`DiskError`. ``make_folder``: create the folder
    (a record's); a user's ``--out`` into a missing folder is an error instead."""
    path = Path(path)
    temporary = None
    try:
        if make_folder:
            path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        os.close(handle)
        temporary = Path(name)
        yield temporary
        with open(temporary, "rb+") as stream:
            os.fchmod(stream.fileno(), file_mode())
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:
        raise DiskError(path, error) from None
    finally:
        if temporary is not None and temporary.exists():  # only when the write failed or was interrupted
            temporary.unlink()


def write_text_atomic(path: Path | str, text: str, *, make_folder: bool = True) -> None:
    """Write ``text`` (UTF-8) to ``path`` through :func:`atomic_output`."""
    with atomic_output(path, make_folder=make_folder) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_json_atomic(path: Path, payload: Mapping[str, Any]) -> None:
    """Write ``payload`` as JSON through :func:`atomic_output`; raises :class:`DiskError`."""
    write_text_atomic(path, json.dumps(to_json_safe(payload), indent=1, sort_keys=True, allow_nan=False))


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


#: A record holds one value per item (8 bytes, in base64): 256 MiB admits 20 million items, far more than
#: the full-size runs hold (single_cell's million cells: 11 MB).
MAX_RECORD_BYTES = 256 * 2**20


def read_regular_file(path: Path, limit: int) -> str:
    """The text of a regular file of at most ``limit`` bytes; ``OSError`` for anything else. A FIFO is not
    waited on (opened without blocking) and a link to a device is refused, never read."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise OSError(f"not a regular file (a FIFO, a device or a folder) at {path}")
        if status.st_size > limit:
            raise OSError(f"{status.st_size:,} bytes, more than a record's {limit:,}")
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"more than a record's {limit:,} bytes")
    return data.decode("utf-8")


def read_record(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """One record checked against :mod:`benchmarks.records.schema` (with ``_path``), or None and a warning naming
    the file."""
    try:
        record = json.loads(read_regular_file(path, MAX_RECORD_BYTES))
    except RecursionError:
        return None, f"skipped {path}: not a readable JSON record (nested too deeply)"
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return None, f"skipped {path}: not a readable JSON record ({type(error).__name__}: {error})"
    try:
        check_record(record)
    except BadRecord as error:
        return None, f"skipped {path}: {error}"
    record["_path"] = str(path)
    return record, None


def figure_path(record: Mapping[str, Any]) -> Path | None:
    """The figure of a record read from disk: a file in the record's own folder, or None."""
    name, where = record.get("figure"), record.get("_path")
    if not name or not where:
        return None
    folder = Path(where).parent
    path = folder / name
    try:  # a link may still point elsewhere: the file itself must be in the folder
        inside = path.resolve().parent == folder.resolve()
    except (OSError, RuntimeError):
        return None
    return path if inside else None


def read_records(root: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse every record under ``root``; a broken or mistyped one gives a warning naming it, not an error."""
    records, warnings = [], []
    for path in iter_record_files(root):
        record, warning = read_record(path)
        if record is None:
            warnings.append(warning or f"skipped {path}")
        else:
            records.append(record)
    return records, warnings
