"""The run context: everything a task's ``load`` and methods are told about the cell they serve.

A method is ``fn(data, ctx) -> output``. The context carries the size and its budget, the seed
and seeded random streams, the device, the task's checked options, progress reporting, the timing
of named phases (``with ctx.phase("train"):``) and the CPU threads the cell may use. Nothing here touches global state except inside
:meth:`RunContext.torch_seeded` and :meth:`RunContext.thread_limit`, which restore it on exit.
"""

from __future__ import annotations

import contextlib
import os
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from benchmarks.running import measure, progress

if TYPE_CHECKING:
    import numpy as np
    import torch

    from benchmarks.contract.task import Task

T = TypeVar("T")
THREADS_ENV = "BENCHMARKS_THREADS"


def available_cores() -> int:
    """CPU cores this process may use: ``$BENCHMARKS_THREADS``, else its CPU affinity, else the machine's."""
    if os.environ.get(THREADS_ENV, "").strip().isdigit():
        return max(1, int(os.environ[THREADS_ENV]))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def method_threads(declared: int | None) -> int:
    """The CPU threads of a cell whose method declares ``declared`` (``Method.threads``; None: 1): at most the
    cores this process may use, and never a share that depends on ``--jobs``, so a cell's numbers do not either."""
    return max(1, min(declared or 1, available_cores()))


def _stream_key(part: int | str) -> int:
    """Stream names may be words ("split", "abc"): a stable 32-bit number for each."""
    if isinstance(part, bool) or not isinstance(part, (int, str)):
        raise TypeError(f"a random stream is named by ints or strings, got {part!r}")
    return part if isinstance(part, int) else zlib.crc32(part.encode())


@dataclass(frozen=True)
class RunContext:
    """What one cell (or the load it shares with other methods) is told.

    ``budget``: the size's budget (a frozen dataclass from the task's ``sizes.py``) with the
    fields that budget options and the method's budget parameters set; ``options``: the task's data
    options, typed and checked; ``params``: the method's parameter values (the keyword arguments it
    receives, budget parameters resolved; empty while loading);
    ``threads``: CPU threads the cell may use (its method's ``threads``, see :func:`method_threads`);
    ``method``: None while loading; ``phases``: the
    wall and CPU seconds of each phase timed with :meth:`phase`, which the runner writes into the
    record's timings (``method/train``, ``load/simulate``).
    """

    task: str
    size: str
    seed: int
    budget: Any
    options: Mapping[str, Any]
    device_name: str = "cpu"
    threads: int = field(default_factory=available_cores)
    method: str | None = None
    reporter: progress.Reporter | None = field(default=None, compare=False, repr=False)
    phases: dict[str, measure.Timing] = field(default_factory=dict, compare=False, repr=False)
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @property
    def device(self) -> "torch.device":
        """The torch device to train and infer on (``model.to(ctx.device)``)."""
        import torch

        return torch.device(self.device_name)

    @property
    def label(self) -> str:
        """``task/size/method seed k``: how progress and errors name this cell."""
        return f"{self.task}/{self.size}/{self.method or 'load'} seed {self.seed}"

    def seed_for(self, *stream: int | str) -> int:
        """A 32-bit seed for the named stream, for libraries that take an int (``random_state=``)."""
        import numpy as np

        key = tuple(_stream_key(part) for part in stream)
        return int(np.random.SeedSequence(self.seed, spawn_key=key).generate_state(1)[0])

    def rng(self, *stream: int | str) -> "np.random.Generator":
        """A numpy Generator of ``SeedSequence(seed, spawn_key=stream)``: the same stream names
        give the same numbers, different names independent ones (``ctx.rng("split")``)."""
        import numpy as np

        key = tuple(_stream_key(part) for part in stream)
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))

    def track(self, items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
        """Iterate with progress (a bar, or log lines where no terminal watches) and an ETA."""
        reporter = self.reporter or progress.default_reporter()
        return progress.track(items, description, reporter, total=total, label=self.label)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the block as phase ``name`` (``with ctx.phase("train"): ...``); a phase entered again adds up.

        The runner writes each phase's wall and CPU seconds into the cell's record, beside the stage it ran
        in (``timings["method/train"]``), so a method never keeps a clock of its own.
        """
        if not name or "/" in name:
            raise ValueError(f"a phase is named by a non-empty word without '/', got {name!r}")
        try:
            with measure.timed() as timing:
                yield
        finally:  # a phase that raised took its time too
            total = self.phases.setdefault(name, measure.Timing())
            total.wall_s += timing.wall_s
            total.cpu_s += timing.cpu_s

    @contextlib.contextmanager
    def thread_limit(self, threads: int | None = None) -> Iterator[int]:
        """Hold BLAS, OpenMP and torch to ``threads`` (at most the cell's) inside the block; yields the number.

        Small networks and neighbour searches run faster on one or two threads than on a busy machine's all.
        """
        limit = max(1, min(threads or self.threads, self.threads))
        # torch only where the task imported it: importing it here would cost every task without it a second
        with held_threads(limit, sys.modules.get("torch")):
            yield limit

    @contextlib.contextmanager
    def torch_seeded(self, *stream: int | str, threads: int | None = None) -> Iterator[None]:
        """Seed torch's generators (CPU and this device) inside the block and restore the caller's after.

        Without ``stream`` the seed is the cell's; with one, :meth:`seed_for` of it. Libraries that
        draw from torch's global generator (sbi, torchvision's initialisers) are seeded this way.
        Threads are limited as by :meth:`thread_limit`.
        """
        import torch

        device = self.device
        devices = [device.index or 0] if device.type == "cuda" else []
        with torch.random.fork_rng(devices=devices), self.thread_limit(threads):
            torch.manual_seed(self.seed_for(*stream) if stream else self.seed)
            yield


@contextlib.contextmanager
def held_threads(n: int, torch: Any = None) -> Iterator[None]:
    """BLAS and OpenMP pools, and ``torch`` (the module, when given), held to ``n`` threads inside the block;
    the caller's settings are restored after."""
    from threadpoolctl import threadpool_limits

    previous = torch.get_num_threads() if torch is not None else None
    with threadpool_limits(limits=n):
        if torch is not None:
            torch.set_num_threads(n)
        try:
            yield
        finally:
            if torch is not None:
                torch.set_num_threads(previous)


def make_context(task: "Task", size: str = "smoke", seed: int = 0, options: Mapping[str, Any] | None = None, *,
                 method: str | None = None, params: Mapping[str, Any] | None = None, device: str = "cpu",
                 threads: int | None = None, reporter: progress.Reporter | None = None) -> RunContext:
    """The context the runner would give ``method`` of ``task`` (for tests, notebooks, scripts).

    ``options`` are overrides as on the command line (strings or values), checked like ``--set``.
    ``method`` (a method or preset) with ``params`` (overrides of its parameters) fills ``ctx.params`` and the
    budget fields its budget parameters set: call it as ``fn(data, ctx, **ctx.params)``.
    """
    from benchmarks.contract.variants import bind, by_name

    resolved = task.resolve_options(options)
    budget, values = task.budget(size, resolved), {}
    declared = None
    if method is not None:
        variant = by_name(task, method, params)
        budget, values = bind(variant, budget)
        declared = variant.method.threads
    # the runner's rule (``method_threads``); without a method (a load), every core as in a run
    rule = method_threads(declared) if method is not None else available_cores()
    return RunContext(task=task.name, size=size, seed=seed, budget=budget, options=resolved, device_name=device,
                      threads=threads or rule, method=method, reporter=reporter, params=values)
