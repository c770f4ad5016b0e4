"""The run context a task's ``load`` and methods receive, at the path task packages import
(``from benchmarks.context import RunContext``); the code lives in :mod:`benchmarks.running.context`."""

from benchmarks.running.context import RunContext, available_cores, make_context

__all__ = ["RunContext", "available_cores", "make_context"]
