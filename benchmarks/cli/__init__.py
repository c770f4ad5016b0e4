"""The command line, ``python -m benchmarks``: arguments (``parser``), one module per group of commands
(``run``, ``tables``, ``info``, ``new_task``), and ``app.main``, which maps errors to exit statuses
(``errors``)."""

from benchmarks.cli.app import main

__all__ = ["main"]
