"""The task contract, as declarations: what a task declares (``task``: Task, Method, Metric, Checklist;
``options``: Option; ``evaluation``: what ``evaluate`` returns) and how tasks are found (``registry``). It
imports nothing else of the runner. ``template/`` is the task folder ``new-task`` writes. Task packages import
it through ``benchmarks.task``; the context their code receives and the check every task passes are the
runner's (``benchmarks.context``, ``benchmarks.check``)."""
