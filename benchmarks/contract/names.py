"""Errors for names the user typed wrong, with the closest known name."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class UnknownName(LookupError):
    """An unknown task, method, size, metric or option; the CLI exits with status 2."""

    def __init__(self, what: str, name: str, known: Iterable[str], context: str = "") -> None:
        self.what, self.name, self.known = what, name, sorted(known)
        close = difflib.get_close_matches(name, self.known, n=1, cutoff=0.5)
        where = f" in {context}" if context else ""
        hint = f" Did you mean {close[0]!r}?" if close else ""
        super().__init__(f"unknown {what} {name!r}{where}.{hint} Known: {', '.join(self.known) or '(none)'}")
