"""Processes that end together: workers die with their runner, and SIGTERM stops a run like Ctrl-C.

A ``--jobs`` worker asks the kernel for SIGKILL when its parent dies (Linux ``prctl``
``PR_SET_PDEATHSIG``); elsewhere a watchdog thread polls the parent's pid. Each worker leads a
process group of its own, so that the runner stopping a worker also stops what the worker
started (data loader processes, a simulator's pool). A SIGKILL cannot be caught, so a worker killed with
its runner cannot stop its group itself: a guard process forked into the group does, once the worker is
gone (:func:`guard_group`). With ``--jobs 1`` a method's own subprocess can outlive a ``kill -9`` of the
runner, as no process is left to stop it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

PR_SET_PDEATHSIG = 1
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143: the shell's status for a process ended by SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would raise KeyboardInterrupt: the run stops the same way."""


#: Set by SIGTERM inside :func:`sigterm_as_interrupt`.
TERMINATING = threading.Event()


def die_with_parent(parent_pid: int, poll_s: float = 1.0) -> str:
    """Make this process end when ``parent_pid`` does; returns how (``prctl`` or ``watchdog``)."""
    how = "watchdog"
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                how = "prctl"
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before the request was in place
        os._exit(1)
    if how == "watchdog":
        def watch() -> None:
            while os.getppid() == parent_pid:
                threading.Event().wait(poll_s)
            os.kill(os.getpid(), signal.SIGKILL)

        threading.Thread(target=watch, name="parent watchdog", daemon=True).start()
    return how


def lead_own_group() -> None:
    """Become the leader of a new process group (a no-op where there are none)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpgid(0, 0)


def guard_group(poll_s: float = 0.2) -> int | None:
    """Fork a guard into this process's group that kills the whole group once this process has ended, however
    it ended (a SIGKILL with its runner included): what a method started dies with it. Returns the guard's
    pid (None where there is no ``fork``). Call it early, before any thread starts."""
    if not hasattr(os, "fork"):
        return None
    leader = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    try:  # the guard: no Python cleanup, no handlers of the worker
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while os.getppid() == leader:
            time.sleep(poll_s)
        os.killpg(os.getpgid(0), signal.SIGKILL)  # the group, this guard last
    finally:
        os._exit(0)


def stop_group(process: Any) -> None:
    """SIGTERM to a worker's process group (the worker and what it started); the worker alone as fallback."""
    try:
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGTERM)
            return
    except (AttributeError, OSError):
        pass
    with contextlib.suppress(OSError):
        process.terminate()


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread (elsewhere: no change)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_terminated(signum: int, frame: Any) -> None:
        TERMINATING.set()  # seen between cells too: a signal that lands in a weakref callback is swallowed
        raise Terminated

    TERMINATING.clear()
    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def stop_if_terminated() -> None:
    """Raise :class:`Terminated` when SIGTERM came, also where its exception was lost (Python ignores an
    exception raised inside a weakref callback or ``__del__``, where a signal handler may happen to run)."""
    if TERMINATING.is_set():
        raise Terminated
