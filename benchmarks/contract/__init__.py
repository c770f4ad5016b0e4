"""The task contract, as declarations: what a task declares (``task``: Task, Method, Preset, Output, Metric,
Checklist; ``options``: Option, Param; ``evaluation``: what ``evaluate`` returns), a method with values for its
parameters and the row it makes (``variants``), methods from outside the suite (``outside``: files, modules,
entry points) and how tasks are found (``registry``). It
imports nothing else of the runner. ``template/`` is the task folder ``new-task`` writes. Task packages import
it through ``benchmarks.task``; the context their code receives and the check every task passes are the
runner's (``benchmarks.context``, ``benchmarks.check``)."""
