"""The arguments of every command (what each does is in the command's module)."""

from __future__ import annotations

import argparse
import math

from benchmarks.running.claims import CLAIM_TIMEOUT_S
from benchmarks.running.cluster import EXECUTORS

LEADERBOARD_FORMATS = ("terminal", "markdown", "csv", "parquet", "html")


#: Seeds index numpy's 32-bit seed space; a run of more seeds than this is a typing mistake, not a study.
MAX_SEED, MAX_SEEDS = 2**32 - 1, 10_000


def _bounded(low: int, high: int):
    """An argparse type: a whole number from ``low`` to ``high`` (argparse turns the error into exit 2)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a whole number from {low:,} to {high:,}, got {text}")
        return value
    return parse


def _jobs(text: str) -> int | str:
    """``--jobs``: ``auto`` (every core this process may use) or a whole number of at least 1."""
    if text.strip().lower() == "auto":
        return "auto"
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected auto or a whole number of at least 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected auto or a whole number of at least 1, got {text}")
    return value


def _minutes(text: str) -> float:
    """A claim's timeout: finite, more than 0 and at most a week (a claim is refreshed every few seconds)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected minutes, got {text!r}") from None
    if not (math.isfinite(value) and 0 < value <= 7 * 24 * 60):
        raise argparse.ArgumentTypeError(f"expected minutes more than 0 and at most 10,080 (a week), got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description="Benchmarks from real scientific use cases of machine learning.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("list", help="tasks with their checklist, methods, sizes, metrics and options")

    run = commands.add_parser("run", help="run cells and print their leaderboard")
    run.add_argument("--task", action="append", default=[], help="task name (repeatable; default: all)")
    run.add_argument("--method", action="append", default=[], metavar="METHOD",
                     help="repeatable (default: each task's methods and presets): NAME, 'NAME[key=value,...]', a grid "
                          "'NAME[key=[v1,v2]]', or a function of yours, path/to/file.py:fn or package.module:fn "
                          "(with --task)")
    run.add_argument("--size", default="default", help="smoke, default, full or a task's own size (default: default)")
    seeds = run.add_mutually_exclusive_group()
    seeds.add_argument("--seeds", type=_bounded(1, MAX_SEEDS), metavar="N",
                       help=f"run seeds 0..N-1 (default: 1 seed, 0; at most {MAX_SEEDS:,})")
    seeds.add_argument("--seed", type=_bounded(0, MAX_SEED), metavar="K", help="run seed K only (0 to 2^32 - 1)")
    run.add_argument("--device", default="auto", help="auto, cpu or cuda[:index] (default: auto)")
    run.add_argument("--jobs", type=_jobs, default="auto", metavar="N",
                     help="cells side by side in worker processes, while free memory allows (default: auto, every "
                          "core); 1 runs them one by one in this process")
    run.add_argument("--results", default="results", help="results folder (default: results/)")
    run.add_argument("--force", action="store_true", help="rerun cells that already have an ok record")
    run.add_argument("--retry-failed", action="store_true",
                     help="rerun cells recorded as failed because they crashed a runner (others rerun anyway)")
    run.add_argument("--claim-timeout", type=_minutes, default=CLAIM_TIMEOUT_S / 60, metavar="MINUTES",
                     help="a claim by another host not refreshed for this long is dead and taken over "
                          f"(default: {CLAIM_TIMEOUT_S / 60:g})")
    run.add_argument("--set", action="append", default=[], metavar="TASK.OPTION=VALUE", dest="settings",
                     help="override a task option (repeatable)")
    cluster = run.add_argument_group("cluster (--executor local|slurm, through submitit)")
    cluster.add_argument("--executor", choices=EXECUTORS, default="process",
                         help="process: here (default); slurm: one SLURM job per cell; local: submitit's local executor")
    cluster.add_argument("--partition", help="SLURM partition")
    cluster.add_argument("--time-min", type=int, default=60, help="time limit per job in minutes (default: 60)")
    cluster.add_argument("--cpus", type=int, default=2, help="CPUs per job (default: 2)")
    cluster.add_argument("--mem-gb", type=float, help="memory per job in GB (default: the partition's)")
    cluster.add_argument("--gpus", type=int, default=0, help="GPUs per job (default: 0)")
    cluster.add_argument("--array-parallelism", type=int, default=64, help="jobs of the array running at once")
    cluster.add_argument("--sbatch", action="append", default=[], metavar="KEY=VALUE",
                         help="extra sbatch flag, e.g. qos=short or account=lab (repeatable)")
    cluster.add_argument("--no-wait", action="store_true", help="submit and return; records land as jobs finish")

    board = commands.add_parser("leaderboard", help="tables of every record in a results folder")
    board.add_argument("--results", default="results", help="results folder (default: results/)")
    board.add_argument("--format", choices=LEADERBOARD_FORMATS, default="terminal")
    board.add_argument("--out", help="write to this file instead of the terminal")
    board.add_argument("--wide", action="store_true",
                       help="terminal: every metric and note (the compact tables show the task's headline metrics)")
    board.add_argument("--baselines", help="baselines folder (default: the suite's baselines/)")

    compare = commands.add_parser("compare", help="metric changes from results folder A to B")
    compare.add_argument("a", help="results folder A (before)")
    compare.add_argument("b", help="results folder B (after)")

    doctor = commands.add_parser("doctor", help="Python, packages, CPU, GPU, CUDA, and which tasks' data are cached")
    doctor.add_argument("--quick", action="store_true", help="check cached files by size only, not by checksum")

    new_task = commands.add_parser("new-task", help="write tasks/NAME/ from a small working example, with its test")
    new_task.add_argument("name", help="the task's name (a Python identifier)")
    new_task.add_argument("--root", default=".", help="the suite's checkout (default: the current folder)")

    fetch = commands.add_parser("fetch", help="download (or copy from $BENCHMARKS_MIRROR) the tasks' datasets")
    fetch.add_argument("tasks", nargs="*", metavar="TASK", help="tasks whose data to fetch (default: all)")
    return parser
