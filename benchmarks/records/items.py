"""Per-item outcomes in a run record: compact to store, exact to read back.

Right/wrong outcomes are stored as packed bits, continuous ones as float64 bytes, both base64:
a thousand test fragments take 170 characters instead of a 6,000-character JSON list.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import numpy as np

from benchmarks.contract.evaluation import Items
from benchmarks.contract.task import Direction


def encode_items(items: Items) -> dict[str, Any]:
    """The record's ``items`` field for ``items``."""
    values = items.values
    if items.binary:
        payload = np.packbits(values.astype(np.uint8)).tobytes()
    else:
        payload = values.astype("<f8").tobytes()
    return {
        "kind": "binary" if items.binary else "continuous",
        "direction": items.direction.value,
        "description": items.description,
        "n": int(values.size),
        "data": base64.b64encode(payload).decode("ascii"),
    }


def decode_items(field: Mapping[str, Any]) -> Items:
    """:class:`Items` back from a record's ``items`` field; ``ValueError`` when it is malformed."""
    try:
        n = int(field["n"])
        payload = base64.b64decode(str(field["data"]), validate=True)
        direction = Direction(field["direction"])
        kind = field["kind"]
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"malformed items field ({type(error).__name__}: {error})") from None
    if kind == "binary":
        bits = np.unpackbits(np.frombuffer(payload, dtype=np.uint8))
        if n < 0 or bits.size < n:
            raise ValueError(f"items field holds {bits.size} bits, fewer than its n={n}")
        values: np.ndarray = bits[:n].astype(bool)
    elif kind == "continuous":
        if len(payload) != 8 * n:
            raise ValueError(f"items field holds {len(payload)} bytes, not 8 x n={n}")
        values = np.frombuffer(payload, dtype="<f8").astype(np.float64)
    else:
        raise ValueError(f"items kind must be binary or continuous, got {kind!r}")
    return Items(values, direction, str(field.get("description", "")))
