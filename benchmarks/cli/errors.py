"""The command line's exit statuses and the error a user's mistake raises (light: imported by every command)."""

from __future__ import annotations

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


class UsageError(Exception):
    """A mistake in what the user asked for; printed in one line, exit status 2."""
