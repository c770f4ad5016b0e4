"""The data set a cell runs on, as a stable id written into its record (field ``dataset``).

Published numbers are shown only beside runs on the data set they were measured on, so every
record names its data: the id the task declares (``Task.dataset_id``: ``"pbmc68k_reduced"``,
``"dlc_openfield"``, ``"sbibm/two_moons"``...), or ``user:<hash>`` when the cell reads a user's
file (an option of type ``Path``), the hash being that of the file's content. No published row
ever carries a ``user:`` id, so runs on a user's data stand alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

USER_PREFIX = "user:"


def dataset_of(task: Any, size: str, options: Mapping[str, Any], inputs: Mapping[str, str]) -> str:
    """The id of the data of a cell: ``task`` a :class:`~benchmarks.contract.task.Task`, ``inputs`` the content
    hashes of its user paths (option name -> hash, see :mod:`benchmarks.running.inputs`).

    A declared string holds unless a user path is set; a declared function decides itself (``None``
    from it means the user's data); an undeclared task's data are named after the task.
    """
    declared = task.dataset_id
    if callable(declared):
        named = declared(size, options)
        return named if named is not None else user_id(inputs, options)
    if inputs:
        return user_id(inputs, options)
    return declared or task.name


def user_id(inputs: Mapping[str, str], options: Mapping[str, Any]) -> str:
    """``user:`` and 12 hex digits of the user's files' content hashes (of the options where none is known)."""
    basis = dict(sorted(inputs.items())) if inputs else dict(sorted(options.items()))
    return USER_PREFIX + hashlib.sha256(json.dumps(basis, sort_keys=True, default=str).encode()).hexdigest()[:12]


def is_user(dataset: str) -> bool:
    """Whether ``dataset`` names a user's data (no published number applies to it)."""
    return dataset.startswith(USER_PREFIX)
