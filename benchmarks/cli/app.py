"""The command line: ``python -m benchmarks list | run | leaderboard | compare | fetch | doctor | new-task``.

Exit status: 0 success; 1 some cells failed, a dataset could not be fetched, or a file could
not be written (no space, a read-only disk or results folder, a missing folder); 2 a usage error
(unknown task, method, parameter, size or option; bad value; a results path that is a file);
130 interrupted (Ctrl-C); 143 terminated (SIGTERM).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from benchmarks.cli.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from benchmarks.cli.new_task import ScaffoldError
from benchmarks.cli.parser import build_parser
from benchmarks.contract.names import UnknownName
from benchmarks.contract.options import OptionError
from benchmarks.records.store import DiskError, StoreError
from benchmarks.running.cluster import ClusterUnavailable
from benchmarks.running.lifeline import EXIT_TERMINATED, Terminated, sigterm_as_interrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit status."""
    # Figures go to files, never windows; set here once so that worker processes and jobs inherit it.
    os.environ.setdefault("MPLBACKEND", "Agg")
    # Before torch or numpy start their thread pools: spinning OpenMP threads cost up to 10x on a
    # machine whose cores are shared (a laptop running other work, a cluster node).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    from benchmarks.cli import info, new_task, run, tables

    handlers: dict[str, Any] = {
        "list": info.list_tasks, "run": run.run, "leaderboard": tables.leaderboard_command,
        "compare": tables.compare, "fetch": info.fetch, "doctor": info.doctor, "new-task": new_task.command,
    }
    try:
        with sigterm_as_interrupt():
            return handlers[args.command](args)
    except DiskError as error:
        print(f"error: {error}; nothing was written", file=sys.stderr)
        return EXIT_FAILED
    except (UnknownName, UsageError, OptionError, StoreError, ClusterUnavailable, ScaffoldError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Terminated:
        print("terminated (SIGTERM)", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
