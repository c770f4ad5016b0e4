"""The toy task's three methods (a control, a model, one that fails) at smoke size, through the command line."""

from __future__ import annotations

from benchmarks.cli.app import main


def run_toy(results_folder, *extra: str) -> int:
    """``run`` of zero, mean and broken into ``results_folder``; its exit status (1: broken failed)."""
    return main(["run", "--task", "toy", "--method", "zero", "--method", "mean", "--method", "broken",
                 "--size", "smoke", "--device", "cpu", "--results", str(results_folder), *extra])
