"""A content hash of a task's loaded data, for the record's provenance.

Two runs with the same data hash saw the same numbers, whatever the loader did to get them.
Arrays, frames, sparse matrices, tensors, AnnData objects, dataclasses and plain containers are
hashed by content; an object may define ``__fingerprint__() -> bytes | str`` to say what counts.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_MAX_DEPTH = 12


def fingerprint(data: Any) -> str:
    """A 32-hex-digit blake2b digest of ``data``'s content."""
    digest = hashlib.blake2b(digest_size=16)
    _feed(digest, data, depth=0, seen=set())
    return digest.hexdigest()


def _feed(digest: Any, value: Any, *, depth: int, seen: set[int]) -> None:
    def tag(text: str) -> None:
        digest.update(text.encode() + b"\x00")

    if depth > _MAX_DEPTH:
        tag(f"<deep {type(value).__qualname__}>")
        return
    if value is None or isinstance(value, (bool, int, float, complex, str, Path)):
        tag(f"{type(value).__name__}:{value!r}")
        return
    if isinstance(value, (bytes, bytearray, memoryview)):
        tag("bytes")
        digest.update(value)
        return
    if id(value) in seen:
        tag("<cycle>")
        return
    seen = seen | {id(value)}
    if hasattr(value, "__fingerprint__"):
        part = value.__fingerprint__()
        tag("custom")
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        return
    module = type(value).__module__.split(".")[0]
    if module == "numpy":
        _feed_array(digest, value, tag)
        return
    if module == "torch":
        _feed_array(digest, value.detach().cpu().numpy(), tag)
        return
    if module == "pandas":
        import pandas as pd

        tag(f"pandas:{type(value).__name__}:{getattr(value, 'shape', '')}")
        if isinstance(value, pd.DataFrame):
            tag(repr(list(value.columns)))
        if isinstance(value, (pd.DataFrame, pd.Series, pd.Index)):
            _feed_array(digest, pd.util.hash_pandas_object(value, index=not isinstance(value, pd.Index)).to_numpy(), tag)
        else:
            tag(repr(value))
        return
    if module == "scipy" and hasattr(value, "tocsr"):
        matrix = value.tocsr()
        tag(f"sparse:{matrix.shape}")
        for array in (matrix.data, matrix.indices, matrix.indptr):
            _feed_array(digest, array, tag)
        return
    if module == "anndata":
        tag("anndata")
        parts = {"X": value.X, "obs": value.obs, "var": value.var, "layers": dict(value.layers), "obsm": dict(value.obsm)}
        _feed(digest, parts, depth=depth + 1, seen=seen)
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        tag(f"dataclass:{type(value).__qualname__}")
        for item in dataclasses.fields(value):
            tag(item.name)
            _feed(digest, getattr(value, item.name), depth=depth + 1, seen=seen)
        return
    if isinstance(value, Mapping):
        tag(f"mapping:{len(value)}")
        for key in sorted(value, key=repr):
            _feed(digest, key, depth=depth + 1, seen=seen)
            _feed(digest, value[key], depth=depth + 1, seen=seen)
        return
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        tag(f"{type(value).__name__}:{len(value)}")
        for item in items:
            _feed(digest, item, depth=depth + 1, seen=seen)
        return
    if hasattr(value, "__dict__"):
        tag(f"object:{type(value).__qualname__}")
        _feed(digest, vars(value), depth=depth + 1, seen=seen)
        return
    tag(f"opaque:{type(value).__qualname__}")


def _feed_array(digest: Any, array: Any, tag: Any) -> None:
    import numpy as np

    array = np.asarray(array)
    tag(f"array:{array.dtype.str}:{array.shape}")
    if array.dtype == object:
        tag(repr(array.tolist()))
    else:
        digest.update(np.ascontiguousarray(array).view(np.uint8).reshape(-1).data)
