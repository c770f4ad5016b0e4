"""Content hashes of the user files a cell reads (options of type ``Path``), for its resume key.

Replacing the file behind ``--set single_cell.data_path=...`` changes the cells' keys, so the
next run runs them again instead of skipping them. A file is hashed once per (path, size,
modification time, change time and inode): the hashes are kept in ``<results>/.inputs.json``, so a rerun
with unchanged files reads none of them again, and an edit that restores the modification time is still seen. A folder (a DeepLabCut project) hashes every file in it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.contract.registry import Registry
from benchmarks.running.cells import Cell

CACHE_NAME = ".inputs.json"


class InputHashes:
    """sha256 of files, cached per (path, size, mtime, ctime, inode) in a JSON file (None: in memory only)."""

    def __init__(self, cache_file: Path | None) -> None:
        self.cache_file = cache_file
        self.cache: dict[str, str] = {}
        self.changed = False
        if cache_file is not None:
            try:
                loaded = json.loads(cache_file.read_text(encoding="utf-8"))
                self.cache = {k: v for k, v in loaded.items() if isinstance(v, str)} if isinstance(loaded, dict) else {}
            except (OSError, ValueError, RecursionError):
                self.cache = {}  # a missing or damaged cache only costs hashing again

    def of(self, path: Path) -> str:
        """The content hash of a file, or of a folder's files and their relative paths; ``missing`` when absent."""
        path = Path(path).expanduser()
        if path.is_file():
            return self._file(path)
        if path.is_dir():
            digest = hashlib.sha256()
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                digest.update(file.relative_to(path).as_posix().encode() + b"\x00" + self._file(file).encode())
            return digest.hexdigest()[:32]
        return "missing"  # the task's loader says what is wrong with the path

    def _file(self, path: Path) -> str:
        stat = path.stat()
        # ctime and inode too: an edit that keeps the size and restores the mtime (os.utime) still changes
        # the ctime, which no user call can set back
        entry = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{stat.st_ctime_ns}|{stat.st_ino}"
        if entry not in self.cache:
            digest = hashlib.sha256()
            with open(path, "rb") as stream:
                while block := stream.read(1 << 20):
                    digest.update(block)
            self.cache[entry] = digest.hexdigest()[:32]
            self.changed = True
        return self.cache[entry]

    def save(self) -> None:
        """Keep the new hashes for the next run (a failure to write only costs hashing again)."""
        if self.cache_file is None or not self.changed:
            return
        from benchmarks.records.store import DiskError, write_json_atomic

        try:
            write_json_atomic(self.cache_file, self.cache)
        except DiskError:
            pass


def with_input_hashes(cells: Sequence[Cell], registry: Registry, results: Path | None) -> list[Cell]:
    """The cells, each with the content hashes of the user paths among its options."""
    hashes = InputHashes(None if results is None else Path(results) / CACHE_NAME)
    out = []
    for cell in cells:
        paths = path_options(registry.get(cell.task).options, cell.options)
        inputs = {name: hashes.of(value) for name, value in paths.items()}
        out.append(replace(cell, inputs=inputs) if inputs else cell)
    hashes.save()
    return out


def path_options(declared: Sequence[Any], values: Mapping[str, Any]) -> dict[str, Path]:
    """The options of type ``Path`` that are set, by name."""
    return {o.name: Path(os.fspath(values[o.name])) for o in declared
            if o.type is Path and values.get(o.name) is not None}
