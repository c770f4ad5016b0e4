"""Progress of a run: a bar over its cells, and bars (or log lines) for the long loops inside cells.

A cell reports its loops through ``ctx.track`` (see :mod:`benchmarks.running.context`) to a
:class:`Reporter`, whichever process it runs in:

- in the ``run`` process, to the run's own display: one more bar under the cells' bar on a
  terminal, a log line every half minute elsewhere (CI logs, files);
- in a ``--jobs`` worker, through a queue to the parent, which shows it like its own;
- in a cluster job, as log lines in the job's log.

So bars never interleave, and a loop far from any terminal still says how far it got and when
it will end.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any, Protocol, TypeVar

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

T = TypeVar("T")

#: Seconds between two log lines of one loop (the last step is always reported).
LINE_INTERVAL_S = 30.0
#: Seconds between two messages of one loop from a worker process to its parent.
QUEUE_INTERVAL_S = 0.25
#: The first item of a worker's message that carries a warning's text (not a loop's state).
WARNING_MESSAGE = "warning"


class Reporter(Protocol):
    """Where ``track`` sends the state of a loop: ``key`` names the loop (cell label and description)."""

    def update(self, key: str, description: str, completed: int, total: int | None, finished: bool) -> None:
        """``completed`` of ``total`` steps of loop ``key`` are done; ``finished`` when the loop ended."""


def track(items: Iterable[T], description: str, reporter: Reporter, *, total: int | None = None,
          label: str = "") -> Iterator[T]:
    """Iterate over ``items``, telling ``reporter`` how many are done (``total``: their number, if known)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    key = f"{label} · {description}" if label else description
    completed = 0
    reporter.update(key, description, 0, total, False)
    try:
        for item in items:
            yield item
            completed += 1
            reporter.update(key, description, completed, total, False)
    finally:
        reporter.update(key, description, completed, total, True)


def format_seconds(seconds: float) -> str:
    """``75`` -> ``1m15s``; ``3700`` -> ``1h01m``."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class LineReporter:
    """Log lines, at most one per loop every ``interval_s`` seconds, with the time left."""

    def __init__(self, stream: Any = None, interval_s: float | None = None) -> None:
        self.stream = stream
        self.interval_s = LINE_INTERVAL_S if interval_s is None else interval_s
        self._started: dict[str, float] = {}
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def update(self, key: str, description: str, completed: int, total: int | None, finished: bool) -> None:
        """Print a line when the loop's interval has passed since its last one."""
        now = time.monotonic()
        with self._lock:
            started = self._started.setdefault(key, now)
            due = now - self._last.get(key, started) >= self.interval_s
            if finished:
                self._started.pop(key, None)
                self._last.pop(key, None)
                # A loop that ended within one interval said nothing so far and need not now.
                due = now - started >= self.interval_s
            if not due:
                return
            self._last[key] = now
        elapsed = now - started
        text = f"{key}: {completed}" + (f"/{total} ({completed / total:.0%})" if total else "")
        text += f", {format_seconds(elapsed)} elapsed"
        if total and 0 < completed < total:
            text += f", ~{format_seconds(elapsed / completed * (total - completed))} left"
        print(("done " if finished else "") + text, file=self.stream or sys.stderr, flush=True)


class BarReporter:
    """Bars in a rich live display: the run's own (``progress``), or one of its own that it starts
    with the first loop and stops when the last one ends."""

    def __init__(self, progress: Progress | None = None) -> None:
        self._owned = progress is None
        self.progress = progress or Progress(*loop_columns(), console=Console(stderr=True), transient=True)
        self._bars: dict[str, Any] = {}
        self._lock = threading.Lock()

    def update(self, key: str, description: str, completed: int, total: int | None, finished: bool) -> None:
        """Move the loop's bar (adding it first); remove it when the loop ended."""
        with self._lock:
            bar = self._bars.get(key)
            if bar is None and not finished:
                if self._owned and not self._bars:
                    self.progress.start()
                bar = self._bars[key] = self.progress.add_task(key, total=total)
            if bar is None:
                return
            self.progress.update(bar, completed=completed, total=total)
            if finished:
                self._remove(key)

    def end(self, label: str) -> None:
        """Remove the bars of cell ``label``: its worker died before it could end them."""
        with self._lock:
            for key in [key for key in self._bars if key.startswith(label + " · ")]:
                self._remove(key)

    def _remove(self, key: str) -> None:
        self.progress.remove_task(self._bars.pop(key))
        if self._owned and not self._bars:
            self.progress.stop()


class QueueReporter:
    """Sends a worker's loops to the parent process, which shows them (see :meth:`CellProgress.drain`)."""

    def __init__(self, queue: Any, interval_s: float = QUEUE_INTERVAL_S) -> None:
        self.queue = queue
        self.interval_s = interval_s
        self._last: dict[str, float] = {}

    def update(self, key: str, description: str, completed: int, total: int | None, finished: bool) -> None:
        """Send the state to the parent: at the start, at most every ``interval_s``, and at the end."""
        now = time.monotonic()
        if not finished and completed and now - self._last.get(key, 0.0) < self.interval_s:
            return
        self._last[key] = now
        self.queue.put((key, description, completed, total, finished))


def loop_columns() -> tuple[Any, ...]:
    """The columns of a loop's bar: what, bar, n of total, elapsed, time left."""
    return (TextColumn("  {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TimeRemainingColumn())


def default_reporter() -> Reporter:
    """Bars on an interactive terminal, log lines elsewhere: for a context made outside a run."""
    return BarReporter() if sys.stderr.isatty() else LineReporter()


class CellProgress:
    """The bar over a run's cells; prints one line per finished cell (always, also without a terminal).

    ``reporter`` shows the loops inside cells: as bars under the cells' bar on a terminal, as
    log lines elsewhere. :meth:`drain` forwards the loops of worker processes to it.
    """

    def __init__(self, total: int, console: Console, estimates: dict[str, Any] | None = None, jobs: int = 1) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("cells"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.fields[eta]}"),
            TextColumn("{task.description}"), console=console, disable=not console.is_terminal,
        )
        # The plan's estimate of each cell still to run (label -> Estimate, or seconds; NaN: unknown): the ETA is
        # their schedule over ``jobs`` workers (schedule.simulate).
        self._left = dict(estimates or {})
        self.jobs = jobs
        self._warned: set[str] = set()
        self.bar = self.progress.add_task("", total=total, eta=self._eta())
        self.reporter: Reporter = BarReporter(self.progress) if console.is_terminal else LineReporter(console.file)
        self._drains: list[threading.Thread] = []

    def __enter__(self) -> "CellProgress":
        self.progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.stop()

    def drain(self, queue: Any) -> threading.Thread:
        """Show what workers put on ``queue`` until ``None`` arrives; returns the daemon thread doing it."""

        def forward() -> None:
            while True:
                try:
                    message = queue.get()
                except (EOFError, OSError):
                    return
                except Exception:  # a message torn by a worker killed mid-write: skip it
                    continue
                if message is None:
                    return
                if message[0] == WARNING_MESSAGE:
                    self.warn(message[1])
                else:
                    self.reporter.update(*message)

        thread = threading.Thread(target=forward, name="worker progress", daemon=True)
        thread.start()
        self._drains.append(thread)
        return thread

    def warn(self, text: str) -> None:
        """Show a worker's warning, each text once per run (as Python shows one once per place in one process)."""
        if text in self._warned:
            return
        self._warned.add(text)
        self.progress.console.print(escape(text.rstrip()), highlight=False)

    def end_cell(self, label: str) -> None:
        """Forget the loops of a cell whose process ended (a dead worker leaves its bars open)."""
        end = getattr(self.reporter, "end", None)
        if end is not None:
            end(label)

    def report(self, cell: Any, record: dict[str, Any] | None, reason: str = "ok record exists") -> None:
        """One line for a cell that ended (``record``) or was skipped (``None``, for ``reason``); the bar advances."""
        if record is None:
            line = f"[dim]skip[/dim] {cell.label()} ({escape(reason)})"
        elif record.get("status") == "ok":
            metrics = record.get("metrics", {})
            # the task's primary metric (the first of its metric_info): a record read back has its keys sorted
            name = next((info.get("name") for info in record.get("metric_info") or () if info.get("name") in metrics),
                        next(iter(metrics), ""))
            primary = (name, metrics.get(name))
            # the whole cell (load + method + evaluate): what the plan estimated
            seconds = sum((record.get("timings", {}).get(stage) or {}).get("wall_s") or 0.0
                          for stage in ("load", "method", "evaluate"))
            value = "–" if primary[1] is None else f"{primary[1]:.4g}"
            line = f"[green]ok[/green]   {cell.label()}: {primary[0]} = {value} ({seconds:.1f} s)"
        elif record.get("status") == "skipped":
            line = f"[yellow]skip[/yellow] {cell.label()}: {escape(str(record.get('reason')))}"
        else:
            line = f"[red]fail[/red] {cell.label()}: {record.get('error')}"
        self._left.pop(cell.label(), None)
        eta = self._eta()
        self.progress.console.print(line + (f" · {eta}" if eta and record is not None else ""), highlight=False)
        self.progress.update(self.bar, advance=1, description=cell.label(), eta=eta)

    def _eta(self) -> str:
        from benchmarks.running.schedule import Estimate, simulate

        left = [e if isinstance(e, Estimate) else Estimate(label, e, "") for label, e in self._left.items()]
        known = [e for e in left if e.seconds == e.seconds]  # NaN != NaN: no estimate
        if not known:
            return ""
        unknown = len(left) - len(known)
        return f"ETA ~{format_seconds(simulate(known, self.jobs))}" + (f" + {unknown} cells unestimated" if unknown else "")
