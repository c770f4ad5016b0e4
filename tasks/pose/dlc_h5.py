"""The ``.h5`` twin of DeepLabCut's labels, read with h5py and never unpickled.

pandas writes ``CollectedData_<scorer>.h5`` as a PyTables table (key ``df_with_missing``):
the image paths and a float block are plain HDF5 fields, but the column names sit in a
protocol-0 pickle attribute. Unpickling user files could run code, so that attribute is
decoded by a small interpreter that knows only strings, numbers, lists and tuples and refuses
any other opcode (``GLOBAL``, ``REDUCE``...). Files in pandas' "fixed" format are refused.
"""

from __future__ import annotations

import pickletools
from pathlib import Path

import numpy as np

_STRING_OPS = {"UNICODE", "BINUNICODE", "SHORT_BINUNICODE", "STRING", "BINSTRING", "SHORT_BINSTRING", "BINUNICODE8"}
_NUMBER_OPS = {"INT", "LONG", "BININT", "BININT1", "BININT2", "LONG1", "FLOAT", "BINFLOAT"}


def literal_from_pickle(data: bytes, *, source: str = "pickle") -> object:
    """Decode a pickle made only of str/int/float/None/list/tuple, without running it.

    Raises ``ValueError`` naming ``source`` for any other opcode.
    """
    stack: list[object] = []
    marks: list[int] = []
    memo: dict[int, object] = {}
    try:
        ops = list(pickletools.genops(data))
    except Exception as error:  # truncated or not a pickle
        raise ValueError(f"{source}: not a readable pickle ({error})") from None
    for op, arg, _ in ops:
        name = op.name
        if name in ("PROTO", "FRAME"):
            continue
        if name in _STRING_OPS:
            stack.append(arg.decode("utf-8") if isinstance(arg, bytes) else arg)
        elif name in _NUMBER_OPS:
            stack.append(arg)
        elif name == "NONE":
            stack.append(None)
        elif name in ("NEWTRUE", "NEWFALSE"):
            stack.append(name == "NEWTRUE")
        elif name == "MARK":
            marks.append(len(stack))
        elif name in ("LIST", "TUPLE"):
            start = marks.pop()
            items = stack[start:]
            del stack[start:]
            stack.append(list(items) if name == "LIST" else tuple(items))
        elif name in ("EMPTY_LIST", "EMPTY_TUPLE"):
            stack.append([] if name == "EMPTY_LIST" else ())
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            items = tuple(stack[-n:])
            del stack[-n:]
            stack.append(items)
        elif name == "APPEND":
            item = stack.pop()
            stack[-1].append(item)  # type: ignore[union-attr]
        elif name == "APPENDS":
            start = marks.pop()
            items = stack[start:]
            del stack[start:]
            stack[-1].extend(items)  # type: ignore[union-attr]
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[int(arg)] = stack[-1]
        elif name == "MEMOIZE":
            memo[len(memo)] = stack[-1]
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo[int(arg)])
        elif name == "STOP":
            break
        else:
            raise ValueError(f"{source}: refusing pickle opcode {name} (only plain literals are decoded)")
    if len(stack) != 1:
        raise ValueError(f"{source}: malformed literal pickle")
    return stack[0]


def read_collected_h5(path: Path | str, bodyparts: list[str] | tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """Image paths and (N, K, 2) coordinates of a ``CollectedData_<scorer>.h5`` in ``bodyparts`` order."""
    import h5py

    path = Path(path)
    with h5py.File(path, "r") as store:
        if "df_with_missing" not in store or "table" not in store["df_with_missing"]:
            raise ValueError(f"{path}: expected a pandas table under key 'df_with_missing' (fixed format is not read)")
        table = store["df_with_missing"]["table"]
        kinds = table.attrs.get("values_block_0_kind")
        if kinds is None or set(table.dtype.names or ()) != {"index", "values_block_0"}:
            raise ValueError(f"{path}: expected one index and one float block, found fields {table.dtype.names}")
        columns = literal_from_pickle(bytes(kinds), source=f"{path}: values_block_0_kind")
        rows = table[()]
    if not isinstance(columns, list) or not all(isinstance(c, tuple) and len(c) == 3 for c in columns):
        raise ValueError(f"{path}: columns must be (scorer, bodypart, coord) triples, found {columns!r}")
    found = list(dict.fromkeys(part for _, part, _ in columns))
    if sorted(found) != sorted(bodyparts):
        raise ValueError(f"{path}: body parts {found} disagree with config.yaml {list(bodyparts)}")
    values = np.asarray(rows["values_block_0"], dtype=np.float64)
    keypoints = np.full((len(rows), len(bodyparts), 2), np.nan)
    for column, (_, part, coord) in enumerate(columns):
        keypoints[:, list(bodyparts).index(part), "xy".index(coord)] = values[:, column]
    images = [name.decode("utf-8").replace("\\", "/") for name in rows["index"]]
    return images, keypoints
