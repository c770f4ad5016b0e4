"""Keep numba's on-disk cache of this package consistent across files.

numba keys a cached function on its own file only, so after an edit of ``kernel.py`` the cached
``simulator._simulate_batch`` would still run the old, inlined kernel. On first import this
module hashes the package's numba sources and, when the hash changed, deletes the package's
cached machine code so that everything is compiled afresh (once) from the current sources.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_SOURCES = ("circuit.py", "equations.py", "fast_exp.py", "kernel.py", "noise.py", "statistics.py", "simulator.py")


def _sync() -> None:
    digest = hashlib.sha256(b"".join((_HERE / name).read_bytes() for name in _SOURCES)).hexdigest()
    cache = _HERE / "__pycache__"
    stamp = cache / "numba_sources.sha256"
    try:
        if stamp.read_text() == digest:
            return
    except OSError:
        pass
    try:
        cache.mkdir(exist_ok=True)
        for path in list(cache.glob("*.nbi")) + list(cache.glob("*.nbc")):
            path.unlink(missing_ok=True)
        stamp.write_text(digest)
    except OSError:  # read-only install: numba then keeps compiled code in memory only
        pass


_sync()
