"""The task contract's declarations, at the path task packages import (``from benchmarks.task import Task``).

The code lives in :mod:`benchmarks.contract`: ``task`` (Task, Method, Metric), ``options`` (Option, Param) and
``evaluation`` (Evaluation, Items, NotApplicable).
"""

from benchmarks.contract.evaluation import (
                                      Evaluation,
                                      Items,
                                      NotApplicable,
                                      normalise_evaluation,
)
from benchmarks.contract.options import Option, OptionError, Param
from benchmarks.contract.task import (
                                      REQUIRED_SIZES,
                                      Checklist,
                                      Direction,
                                      Method,
                                      MethodKind,
                                      Metric,
                                      Output,
                                      Preset,
                                      Ref,
                                      Shows,
                                      Task,
                                      Topline,
                                      contract_problems,
                                      resolve,
)

__all__ = ["REQUIRED_SIZES", "Checklist", "Direction", "Evaluation", "Items", "Method", "MethodKind", "Metric",
           "NotApplicable", "Option", "OptionError", "Output", "Param", "Preset", "Ref", "Shows", "Task", "Topline", "contract_problems",
           "normalise_evaluation", "resolve"]
