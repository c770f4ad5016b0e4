"""The shipped bank: the first rows of the CPU bank of seed 0, committed with the code in part files.

Simulating 100,000 prior draws costs about 3 core-hours, so the suite ships them. Each part is the
merge of ``CHUNKS_PER_PART`` chunks of ``bank.simulation_bank(..., seed=0)`` (the same prior
draws, noise seeds and chunking as the ``full`` bank, built by the same ``bank.build_chunk`` steps
that ``prepare`` hands a job array) into one compressed file of float32 parameters and statistics
(prior draws are float32 values, so parameters are stored exactly). ``PROVENANCE.json`` records,
per part, its rows, checksum, the commit and simulator version that built it, and its CPU time.

Build or resume (low priority, finished parts are kept; a killed build loses its current part's
unfinished chunks at most, which stay in the data cache)::

    nice -n 19 python -m benchmarks.tasks.pyloric.shipped_bank build --parts 10
    python -m benchmarks.tasks.pyloric.shipped_bank verify      # checksums, versions and order of the parts

``read(n)`` returns the first n shipped rows; ``data.load_bank`` reads them instead of simulating.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.tasks.pyloric import bank as B
from benchmarks.tasks.pyloric import circuit as M
from benchmarks.tasks.pyloric import statistics as S

FOLDER = Path(__file__).parent / "files" / "bank"
SEED = 0
CHUNK_SIZE = B.DEFAULT_CHUNK_SIZE
CHUNKS_PER_PART = 40
ROWS_PER_PART = CHUNK_SIZE * CHUNKS_PER_PART  # 10,000
MAX_PARTS = 10
_FIELDS = ("theta", "noise_seeds", "stats", "counts", "diverged")


class ShippedBankError(ValueError):
    """A part file that is missing, altered, or from another simulator version."""


@dataclass(frozen=True)
class Part:
    index: int
    path: Path
    entry: dict


def part_path(p: int) -> Path:
    return FOLDER / f"part_{p:02d}.npz"


def provenance_path() -> Path:
    return FOLDER / "PROVENANCE.json"


def read_provenance() -> dict:
    """The provenance table (no parts when nothing has shipped); a damaged one is an error naming it."""
    path = provenance_path()
    if not path.is_file():
        return {"parts": {}}
    try:
        table = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ShippedBankError(f"{path}: unreadable provenance table ({exc})") from exc
    if not isinstance(table, dict) or not isinstance(table.get("parts"), dict):
        raise ShippedBankError(f"{path}: no 'parts' table")
    return table


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shipped_parts(provenance: dict | None = None) -> list[Part]:
    """The parts 0, 1, ... present in the provenance table of this simulator version, in order,
    up to the first gap."""
    table = read_provenance() if provenance is None else provenance
    parts = []
    for p in range(MAX_PARTS):
        entry = table["parts"].get(str(p))
        if entry is None or entry.get("simulator_version") != M.SIMULATOR_VERSION:
            break
        parts.append(Part(p, part_path(p), entry))
    return parts


def shipped_rows() -> int:
    """How many of the seed-0 bank's first rows ship with the code."""
    return sum(part.entry["rows"] for part in shipped_parts())


def _load_part(part: Part, check: bool) -> dict[str, np.ndarray]:
    path = part.path
    if not path.is_file():
        raise ShippedBankError(f"{path}: listed in {provenance_path().name} but missing; run "
                               "`python -m benchmarks.tasks.pyloric.shipped_bank build` to rebuild it")
    if check and _sha256(path) != part.entry["sha256"]:
        raise ShippedBankError(f"{path}: checksum differs from {provenance_path().name} (altered or truncated)")
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in _FIELDS}
    except (OSError, ValueError, KeyError, EOFError) as exc:
        raise ShippedBankError(f"{path}: unreadable part ({exc})") from exc
    rows = part.entry["rows"]
    if any(len(a) != rows for a in arrays.values()):
        raise ShippedBankError(f"{path}: expected {rows} rows in every array")
    return arrays


def read(n: int, *, check: bool = True) -> B.Bank:
    """The first n rows of the shipped bank (n <= ``shipped_rows()``), parameters and statistics as
    float64. check: verify each part's SHA-256 against the provenance table."""
    parts = shipped_parts()
    available = sum(p.entry["rows"] for p in parts)
    if not 0 <= n <= available:
        raise ValueError(f"the shipped bank holds {available} rows, asked for {n}")
    pieces: list[dict[str, np.ndarray]] = []
    left = n
    for part in parts:
        if left <= 0:
            break
        arrays = _load_part(part, check)
        pieces.append({k: a[:left] for k, a in arrays.items()})
        left -= len(arrays["theta"])
    if not pieces:
        return B.Bank(theta=np.empty((0, M.N_PARAMETERS)), noise_seeds=np.empty(0, np.int64),
                      stats=np.empty((0, M.N_STATS)), counts=np.empty((0, S.N_COUNTS), np.int64),
                      diverged=np.empty(0, bool))
    cat = {k: np.concatenate([p[k] for p in pieces]) for k in _FIELDS}
    return B.Bank(theta=cat["theta"].astype(np.float64), noise_seeds=cat["noise_seeds"].astype(np.int64),
                  stats=cat["stats"].astype(np.float64), counts=cat["counts"].astype(np.int64),
                  diverged=cat["diverged"].astype(bool))


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
                             text=True, timeout=10)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _compact(p: int, bank: B.Bank) -> dict[str, np.ndarray]:
    """Part p's arrays in their stored types (float32 parameters are exact: prior draws are float32)."""
    if not np.array_equal(bank.theta.astype(np.float32).astype(np.float64), bank.theta):
        raise AssertionError(f"part {p}: prior draws are not float32 values; storing them as float32 would lose bits")
    return {"theta": bank.theta.astype(np.float32), "noise_seeds": bank.noise_seeds.astype(np.uint32),
            "stats": bank.stats.astype(np.float32), "counts": bank.counts.astype(np.int32),
            "diverged": bank.diverged.astype(bool)}


def build_part(p: int, root: Path | None = None, n_threads: int | None = None) -> dict:
    """Simulate (or reuse from the data cache) the chunks of part p, merge them into ``part_p.npz``
    and return its provenance entry."""
    first = p * CHUNKS_PER_PART
    n_total = MAX_PARTS * ROWS_PER_PART
    cpu0, wall0 = time.process_time(), time.time()
    for c in range(first, first + CHUNKS_PER_PART):
        B.build_chunk(n_total, SEED, c, root=root, chunk_size=CHUNK_SIZE, n_threads=n_threads)
        print(f"part {p}: chunk {c - first + 1}/{CHUNKS_PER_PART} done ({time.time() - wall0:.0f} s)",
              flush=True)
    bank = B.simulation_bank((p + 1) * ROWS_PER_PART, SEED, root=root,
                             chunk_size=CHUNK_SIZE, start=first * CHUNK_SIZE, n_threads=n_threads)
    arrays = _compact(p, bank)
    FOLDER.mkdir(parents=True, exist_ok=True)
    path = part_path(p)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, path)
    # children's CPU time: numba threads belong to this process, so process_time covers them
    return {"rows": ROWS_PER_PART, "first_row": p * ROWS_PER_PART, "chunks": [first, first + CHUNKS_PER_PART - 1],
            "sha256": _sha256(path), "bytes": path.stat().st_size, "simulator_version": M.SIMULATOR_VERSION,
            "commit": _commit(), "valid": int((~np.isnan(arrays["stats"]).any(axis=1)).sum()),
            "core_seconds": round(time.process_time() - cpu0, 1), "wall_seconds": round(time.time() - wall0, 1),
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def _write_provenance(table: dict) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    path = provenance_path()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)


def build(n_parts: int, root: Path | None = None, n_threads: int | None = None) -> None:
    """Build parts 0..n_parts-1 that are not shipped yet, recording each as it finishes."""
    if not 1 <= n_parts <= MAX_PARTS:
        raise ValueError(f"--parts must lie in 1..{MAX_PARTS}, got {n_parts}")
    table = read_provenance()
    table["bank"] = {"seed": SEED, "chunk_size": CHUNK_SIZE, "chunks_per_part": CHUNKS_PER_PART,
                     "noise_std": M.NOISE_STD, "temperature": M.REFERENCE_TEMPERATURE,
                     "settings": B._settings(SEED, CHUNK_SIZE, M.NOISE_STD, M.REFERENCE_TEMPERATURE),
                     "stored_as": "theta, stats float32; noise_seeds uint32; counts int32; diverged bool"}
    done = {part.index for part in shipped_parts(table)}
    for p in range(n_parts):
        if p in done and part_path(p).is_file() and _sha256(part_path(p)) == table["parts"][str(p)]["sha256"]:
            continue
        table["parts"][str(p)] = build_part(p, root, n_threads)
        _write_provenance(table)
        print(f"part {p} shipped: {json.dumps(table['parts'][str(p)])}", flush=True)


def verify() -> int:
    """Check every shipped part; returns the number of rows verified."""
    parts = shipped_parts()
    rows = 0
    for part in parts:
        arrays = _load_part(part, check=True)
        if part.entry["first_row"] != rows:
            raise ShippedBankError(f"{part.path}: starts at row {part.entry['first_row']}, expected {rows}")
        rows += len(arrays["theta"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tasks.pyloric.shipped_bank", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build or resume the shipped parts")
    b.add_argument("--parts", type=int, default=MAX_PARTS,
                   help=f"parts of {ROWS_PER_PART:,} rows (at most {MAX_PARTS})")
    b.add_argument("--root", type=Path, default=None, help="bank folder for the chunks (default: the data cache)")
    b.add_argument("--threads", type=int, default=None, help="cores (default: all)")
    sub.add_parser("verify", help="check the shipped parts against their provenance")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            build(args.parts, args.root, args.threads)
        print(f"shipped bank: {verify():,} rows verified")
    except (ShippedBankError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
