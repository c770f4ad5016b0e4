"""A bank of prior simulations on disk: ``simulation_bank(n, seed)`` runs once, later calls read it.

Layout: one folder per (seed, noise, temperature, chunk size, simulator version) holding
``chunk_NNNNN_SIZE.npz`` files (plain numpy arrays, loaded with ``allow_pickle=False``) and
``header.json`` (simulator version, settings, and the SHA-256 and size of every finished chunk).
Chunk c holds prior draws c*chunk_size ... from a generator seeded by (seed, c), so chunks are
independent: a killed run keeps its finished chunks, a larger n reuses the smaller bank's
chunks, and a truncated or altered chunk (checksum mismatch) or a header from another
simulator version is detected and rebuilt. Each chunk runs in parallel over the cores.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from benchmarks.tasks.pyloric import circuit as M
from benchmarks.tasks.pyloric import statistics as S
from benchmarks.tasks.pyloric.prior import LOWER, UPPER, sample_prior
from benchmarks.tasks.pyloric.simulator import Simulations

if TYPE_CHECKING:
    import torch

    from benchmarks.context import RunContext

DEFAULT_CHUNK_SIZE = 250  # 50 core-seconds: fine-grained resume
#: Simulations per chunk on a GPU (torch_simulator): its cost per step barely depends on the
#: batch, so chunks are large; host memory holds 4.8 MB of float32 V per simulation of a chunk.
GPU_CHUNK_SIZE = 4096
_HEADER = "header.json"
_ARRAYS = ("theta", "noise_seeds", "stats", "counts", "diverged")


@dataclass(frozen=True)
class Bank(Simulations):
    """n prior simulations: theta (n, 31), noise_seeds (n,), stats (n, 18), counts (n, 7),
    diverged (n,) bool; ``valid`` (n,) marks rows without NaN statistics."""

    noise_seeds: np.ndarray

    def __len__(self) -> int:
        return len(self.theta)


def default_root() -> Path:
    """``$BENCHMARKS_DATA/pyloric_bank`` (the runner's data cache)."""
    from benchmarks.data import cache_root

    return cache_root() / "pyloric_bank"


def _settings(seed: int, chunk_size: int, noise_std: float, temperature: float, backend: str = "numba") -> dict:
    bounds = hashlib.sha256(LOWER.tobytes() + UPPER.tobytes()).hexdigest()[:16]
    # The torch path draws its noise from torch's generator: another bank, in another folder.
    # (The CPU bank's settings, and so its folder, are those of the banks made before it.)
    extra = {} if backend == "numba" else {"backend": backend}
    return extra | {
        "simulator_version": M.SIMULATOR_VERSION,
        "seed": int(seed),
        "chunk_size": int(chunk_size),
        "noise_std": float(noise_std),
        "temperature": float(temperature),
        "prior_bounds_sha256": bounds,
        "stat_names": list(M.STAT_NAMES),
    }


def bank_folder(root: Path, settings: dict) -> Path:
    """The folder of one bank: its settings are part of the name, so banks never collide."""
    key = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]
    return Path(root) / f"seed{settings['seed']}_v{settings['simulator_version']}_{key}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _read_header(folder: Path, settings: dict) -> dict:
    """The header's chunk table, or an empty one (after clearing the folder) if stale."""
    path = folder / _HEADER
    if path.is_file():
        try:
            header = json.loads(path.read_text())
            if header.get("settings") == settings and isinstance(header.get("chunks"), dict):
                return header
        except (json.JSONDecodeError, UnicodeDecodeError):
            pass
        # Another simulator version or settings, or a damaged header: start afresh.
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return {"settings": settings, "chunks": {}}


def _chunk_draws(seed: int, c: int, chunk_size: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Prior draws and noise seeds of chunk c; the first ``size`` of the full chunk's."""
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(c,)))
    theta = sample_prior(chunk_size, rng)[:size]
    seeds = rng.integers(0, 2**32, size=chunk_size, dtype=np.int64)[:size]
    return theta, seeds


def _device(device, ctx) -> "torch.device | None":
    """The torch device that simulates, or None for the numba CPU path."""
    if device is None and ctx is not None:
        device = ctx.device
    if device is None:
        return None
    import torch

    device = torch.device(device)
    return device if device.type == "cuda" else None


def simulate_chunk(theta: np.ndarray, seeds: np.ndarray, *, noise_std: float, temperature: float,
                   n_threads: int | None = None, device=None) -> Simulations:
    """One chunk of the bank: the numba kernel on the CPU (device None), else ``torch_simulator``
    on the GPU in float64, noise from a torch generator seeded by the chunk's first seed."""
    from benchmarks.tasks.pyloric.simulator import simulate

    if device is None:
        return simulate(theta, seeds, noise_std=noise_std, temperature=temperature, n_threads=n_threads)
    from benchmarks.tasks.pyloric.torch_simulator import simulate_torch, statistics_of_batch

    v, diverged = simulate_torch(theta, int(seeds[0]) if len(seeds) else 0, device=device, noise_std=noise_std,
                                 temperature=temperature)
    stats, counts = statistics_of_batch(v, diverged)
    return Simulations(theta=theta, stats=stats, counts=counts, diverged=diverged)


def _load_chunk(path: Path, entry: dict | None, size: int) -> dict[str, np.ndarray] | None:
    """The chunk's arrays if the file exists, matches its recorded checksum and is complete."""
    if entry is None or not path.is_file():
        return None
    if path.stat().st_size != entry.get("bytes") or _sha256(path) != entry.get("sha256"):
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in _ARRAYS}
    except (OSError, ValueError, KeyError):
        return None
    if any(len(a) != size for a in arrays.values()):
        return None
    return arrays


def simulation_bank(
    n: int,
    seed: int = 0,
    *,
    root: Path | str | None = None,
    chunk_size: int | None = None,
    noise_std: float = M.NOISE_STD,
    temperature: float = M.REFERENCE_TEMPERATURE,
    n_threads: int | None = None,
    ctx: RunContext | None = None,
    device=None,
    start: int = 0,
) -> Bank:
    """The first n simulations from the prior for ``seed``, computed once and stored.

    start: rows before it (a multiple of the chunk size) are the caller's, neither read nor
    simulated (the shipped rows, see ``data.load_bank``); the bank returned holds rows start..n.
    root: folder holding banks (default ``default_root()``); chunk_size: simulations per file;
    n_threads: cores per chunk (default: the cell's ``ctx.threads``, else all); ctx: the run
    context of the ``load`` that needs the bank, whose ``track`` reports progress over chunks.
    device: a CUDA device (default: ``ctx.device``) simulates with ``torch_simulator``, in chunks
    of ``GPU_CHUNK_SIZE`` unless chunk_size is given, into a bank of its own; else the CPU.
    """
    if n < 0 or (chunk_size is not None and chunk_size < 1):
        raise ValueError(f"need n >= 0 and chunk_size >= 1, got n={n}, chunk_size={chunk_size}")
    gpu = _device(device, ctx)
    if chunk_size is None:
        chunk_size = DEFAULT_CHUNK_SIZE if gpu is None else GPU_CHUNK_SIZE
    first = _first_chunk(start, chunk_size)
    settings = _settings(seed, chunk_size, noise_std, temperature, "numba" if gpu is None else "torch")
    folder = bank_folder(Path(root) if root is not None else default_root(), settings)
    header = _read_header(folder, settings)
    parts: list[dict[str, np.ndarray]] = []
    todo: list[tuple[int, int, str]] = []
    for c in range(first, -(-n // chunk_size)):
        size = min(chunk_size, n - c * chunk_size)
        name = f"chunk_{c:05d}_{size}.npz"
        entry = header["chunks"].get(name)
        arrays = _load_chunk(folder / name, entry, size)
        if arrays is None and entry is None:  # built by a job of an array (see bank_steps)
            entry = _read_sidecar(folder / name)
            arrays = _load_chunk(folder / name, entry, size)
            if arrays is not None:
                header["chunks"][name] = entry
        parts.append(arrays)  # type: ignore[arg-type]
        if arrays is None:
            todo.append((c, size, name))

    chunks: Iterable[tuple[int, int, str]] = todo
    if ctx is not None:
        n_threads = n_threads or ctx.threads  # in a --jobs worker: its share of the cores
        if todo:
            chunks = ctx.track(todo, f"pyloric bank ({n} simulations)")
    for c, size, name in chunks:
        theta, seeds = _chunk_draws(seed, c, chunk_size, size)
        sims = simulate_chunk(theta, seeds, noise_std=noise_std, temperature=temperature, n_threads=n_threads,
                              device=gpu)
        arrays = {"theta": theta, "noise_seeds": seeds, "stats": sims.stats,
                  "counts": sims.counts, "diverged": sims.diverged}
        path = folder / name
        tmp = folder / f".{name}.{os.getpid()}.tmp.npz"
        np.savez(tmp, **arrays)
        os.replace(tmp, path)
        header["chunks"][name] = {"sha256": _sha256(path), "bytes": path.stat().st_size}
        _write_atomic(folder / _HEADER, json.dumps(header, indent=1, sort_keys=True).encode())
        parts[c - first] = arrays

    if not parts:
        empty = {"theta": np.empty((0, M.N_PARAMETERS)), "noise_seeds": np.empty(0, np.int64),
                 "stats": np.empty((0, M.N_STATS)), "counts": np.empty((0, S.N_COUNTS), np.int64),
                 "diverged": np.empty(0, bool)}
        return Bank(**empty)
    return Bank(**{k: np.concatenate([p[k] for p in parts]) for k in _ARRAYS})


def _first_chunk(start: int, chunk_size: int) -> int:
    if start < 0 or start % chunk_size:
        raise ValueError(f"start must be a multiple of the chunk size {chunk_size}, got {start}")
    return start // chunk_size


def _read_sidecar(path: Path) -> dict | None:
    try:
        return json.loads(path.with_name(path.name + ".json").read_text())
    except (OSError, ValueError):
        return None


def build_chunk(n: int, seed: int, c: int, *, root: Path | str | None = None,
                chunk_size: int = DEFAULT_CHUNK_SIZE, noise_std: float = M.NOISE_STD,
                temperature: float = M.REFERENCE_TEMPERATURE, n_threads: int | None = None) -> None:
    """Simulate chunk ``c`` of the bank ``simulation_bank(n, seed, ...)`` would build.

    For job arrays: the chunk's checksum goes to a file of its own beside it (not the shared
    header, which parallel jobs would overwrite); ``simulation_bank`` adopts it. Idempotent.
    """
    from benchmarks.tasks.pyloric.simulator import simulate

    settings = _settings(seed, chunk_size, noise_std, temperature)
    folder = bank_folder(Path(root) if root is not None else default_root(), settings)
    size = min(chunk_size, n - c * chunk_size)
    if size <= 0:
        raise ValueError(f"chunk {c} is beyond a bank of {n} simulations in chunks of {chunk_size}")
    name = f"chunk_{c:05d}_{size}.npz"
    path = folder / name
    if _load_chunk(path, _read_sidecar(path), size) is not None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    theta, seeds = _chunk_draws(seed, c, chunk_size, size)
    sims = simulate(theta, seeds, noise_std=noise_std, temperature=temperature, n_threads=n_threads)
    tmp = folder / f".{name}.{os.getpid()}.tmp.npz"
    np.savez(tmp, theta=theta, noise_seeds=seeds, stats=sims.stats, counts=sims.counts, diverged=sims.diverged)
    os.replace(tmp, path)
    entry = {"sha256": _sha256(path), "bytes": path.stat().st_size}
    _write_atomic(path.with_name(name + ".json"), json.dumps(entry).encode())


def bank_steps(n: int, seed: int, start: int = 0, **settings) -> list:
    """One step per chunk of ``simulation_bank(n, seed, start=start, **settings)``: the pieces of a
    job array."""
    import functools

    chunk_size = settings.get("chunk_size", DEFAULT_CHUNK_SIZE)
    return [functools.partial(build_chunk, n, seed, c, **settings)
            for c in range(_first_chunk(start, chunk_size), -(-n // chunk_size))]
