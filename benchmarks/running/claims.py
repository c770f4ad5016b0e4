"""Cell claims: which run is working on a cell, so that runs sharing a results folder never collide.

Before a cell runs, its runner creates ``<record>.claim`` beside the record, atomically (a
complete file hard-linked into place, which fails when one exists) and naming its owner: host,
pid, run id, start time. Another run that finds a live claim skips the cell ("running
elsewhere"). A claim is dead when its owner is: on the same host, when the pid is gone (or
belongs to a newer process); on another host, when its file was not refreshed for
``timeout_s`` (the owner touches its claims every ``timeout_s / 4``). A dead claim is taken
over: renamed away, checked to be the one judged dead, then replaced.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import socket
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

#: A claim from another host that was not refreshed for this long is dead (``--claim-timeout``).
CLAIM_TIMEOUT_S = 30 * 60.0


@dataclass(frozen=True)
class Owner:
    """Who holds a claim. ``in_process``: the cell runs inside the claiming process (``--jobs 1``),
    so that process dying while holding it means the cell most likely took it down."""

    host: str
    pid: int
    run_id: str
    started_at: str
    pid_start: str | None = None  # the process's start tick (Linux): a reused pid is told apart
    in_process: bool = False

    def describe(self) -> str:
        """``run 3f2a… (pid 123 on node7, since 2026-…)``."""
        return f"run {self.run_id} (pid {self.pid} on {self.host}, since {self.started_at})"


@dataclass(frozen=True)
class Claimed:
    """The claim is ours. ``dead``: the owner of the dead claim taken over, if any; ``unreadable``: the claim
    file taken over could not be read as a claim (damaged, or written by hand), so it counted as stale."""

    dead: Owner | None = None
    unreadable: bool = False


@dataclass(frozen=True)
class Busy:
    """A live claim of another run."""

    owner: Owner


def this_process(run_id: str, in_process: bool) -> Owner:
    """The owner that this process writes into its claims."""
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return Owner(socket.gethostname(), os.getpid(), run_id, now, process_start(os.getpid()), in_process)


def process_start(pid: int) -> str | None:
    """When process ``pid`` started, in clock ticks since boot (Linux), or None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stream:
            fields = stream.read().rsplit(")", 1)[1].split()
        return fields[19]  # field 22 of stat(5), counted after the command's closing parenthesis
    except (OSError, IndexError):
        return None


def is_alive(owner: Owner, age_s: float, timeout_s: float) -> bool:
    """Whether a claim's owner may still be working: its process exists (same host), or its
    claim was refreshed less than ``timeout_s`` ago (another host)."""
    if owner.host != socket.gethostname():
        return age_s < timeout_s
    try:
        os.kill(owner.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    started = process_start(owner.pid)
    return owner.pid_start is None or started is None or started == owner.pid_start


def acquire(path: Path, owner: Owner, timeout_s: float = CLAIM_TIMEOUT_S) -> Claimed | Busy:
    """Claim ``path`` for ``owner``, taking over a dead claim; :class:`Busy` when a live one holds it.

    Raises OSError when the folder cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(asdict(owner), sort_keys=True)
    dead, unreadable = None, False
    for _ in range(8):  # each turn either wins, finds a live owner, or removes a dead claim
        if _create(path, text):
            return Claimed(dead, unreadable)
        try:
            seen = path.read_bytes()
            age_s = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            continue  # released in between: try again
        current = _parse(seen)
        # A claim of our own run is a requeued cluster job's earlier try: ours to take over.
        if current is not None and current.run_id != owner.run_id and is_alive(current, age_s, timeout_s):
            return Busy(current)
        if _remove_if_unchanged(path, seen):
            dead, unreadable = current or dead, unreadable or current is None
    current = read(path)
    return Busy(current) if current else Claimed(dead, unreadable)


def read(path: Path) -> Owner | None:
    """The owner named in a claim file, or None when there is none (or it is unreadable)."""
    try:
        return _parse(path.read_bytes())
    except OSError:
        return None


def release(path: Path, owner: Owner) -> None:
    """Remove our claim (and only ours: a claim taken over meanwhile is left alone)."""
    current = read(path)
    if current is not None and (current.run_id, current.pid) == (owner.run_id, owner.pid):
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _create(path: Path, text: str) -> bool:
    from benchmarks.records.store import file_mode

    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    try:
        with open(temporary, "w", encoding="utf-8") as stream:
            os.fchmod(stream.fileno(), file_mode())
            stream.write(text)
        os.link(temporary, path)  # atomic, and fails when a claim exists: readers never see half a claim
        return True
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)


def _remove_if_unchanged(path: Path, seen: bytes) -> bool:
    """Remove the claim at ``path`` if it still is ``seen``; a claim made meanwhile is put back."""
    aside = path.with_name(f".{path.name}.dead-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(path, aside)  # one of the runs taking over wins this; the others find nothing
    except FileNotFoundError:
        return False
    try:
        if aside.read_bytes() == seen:
            return True
        try:  # we moved a fresh claim of a faster run: put it back
            os.link(aside, path)
        except FileExistsError:
            pass
        return False
    finally:
        aside.unlink(missing_ok=True)


#: Linux's largest pid (``pid_max`` is at most 2^22).
MAX_PID = 2**22
_FIELD_TYPES = {"host": str, "run_id": str, "started_at": str}


def _parse(text: bytes) -> Owner | None:
    """The owner a claim file names, or None for anything that is not a well-formed claim (it counts as stale)."""
    try:
        fields = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(fields, dict) or set(fields) - {f.name for f in dataclasses.fields(Owner)}:
        return None
    pid = fields.get("pid")
    if type(pid) is not int or not 0 < pid <= MAX_PID:
        return None
    if any(not isinstance(fields.get(name), kind) for name, kind in _FIELD_TYPES.items()):
        return None
    if not isinstance(fields.get("pid_start"), (str, type(None))) or not isinstance(fields.get("in_process", False), bool):
        return None
    return Owner(**fields)


class ClaimBook:
    """The claims one run holds: acquired and released cell by cell, refreshed by a heartbeat thread."""

    def __init__(self, run_id: str, timeout_s: float = CLAIM_TIMEOUT_S) -> None:
        self.run_id, self.timeout_s = run_id, timeout_s
        self.held: dict[Path, Owner] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self, path: Path, in_process: bool) -> Claimed | Busy:
        """Claim one cell's ``path`` (see :func:`acquire`)."""
        owner = this_process(self.run_id, in_process)
        outcome = acquire(path, owner, self.timeout_s)
        if isinstance(outcome, Claimed):
            with self._lock:
                self.held[path] = owner
            self._start_heartbeat()
        return outcome

    def release(self, path: Path) -> None:
        """Give one claim back."""
        with self._lock:
            owner = self.held.pop(path, None)
        if owner is not None:
            release(path, owner)

    def release_all(self) -> None:
        """Give every claim back and stop the heartbeat (a run that ends, however it ends)."""
        self._stop.set()
        for path in list(self.held):
            try:
                self.release(path)
            except OSError:
                pass  # a disk that fails now is reported already; the claim dies with us

    def _start_heartbeat(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._beat, name="claim heartbeat", daemon=True)
            self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(max(1.0, self.timeout_s / 4)):
            with self._lock:
                paths = list(self.held)
            for path in paths:
                try:
                    os.utime(path)
                except OSError:
                    pass  # released meanwhile, or the disk is gone: nothing to refresh
