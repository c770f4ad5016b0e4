"""The conformance check every task passes (``from benchmarks.check import check_task``); the code lives in
:mod:`benchmarks.running.check`."""

from benchmarks.running.check import (
                                       SMOKE_LIMIT_S,
                                       CheckReport,
                                       MethodCheck,
                                       TaskCheckError,
                                       check_load,
                                       check_method,
                                       check_task,
                                       dataset_problems,
                                       declaration_problems,
                                       room_problems,
)

__all__ = ["SMOKE_LIMIT_S", "CheckReport", "MethodCheck", "TaskCheckError", "check_load", "check_method",
           "check_task", "dataset_problems", "declaration_problems", "room_problems"]
