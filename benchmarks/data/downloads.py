"""Datasets that must be downloaded: one registry, one ``fetch``, checksums always verified.

A task declares each dataset it may read as a :class:`Dataset` (in its own folder) and lists it
in ``Task.datasets``. ``fetch(dataset)`` returns a local folder that holds every file of the
dataset at its relative path, taking it, in this order, from

1. the cache (``$BENCHMARKS_DATA``, default the user cache folder), when every checksum matches;
2. a local mirror (``$BENCHMARKS_MIRROR/<dataset.mirror>/<path>``), copied and verified;
3. the pinned URL (``dataset.base_url + path``), downloaded with pooch and verified.

A file whose checksum differs is deleted and reported, never used. When none of the three
works, :class:`DataUnavailable` says exactly how to get the files.

Registry files list one file a line, ``<sha256>  <bytes>  <relative path>``, the format that
:func:`write_registry` produces from a folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.records.store import file_mode

CACHE_ENV = "BENCHMARKS_DATA"
MIRROR_ENV = "BENCHMARKS_MIRROR"


class DataUnavailable(RuntimeError):
    """A dataset could be neither found, copied from a mirror, nor downloaded."""


class ChecksumMismatch(RuntimeError):
    """A file's sha256 differs from the registry (the file has been deleted)."""


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset: its path in the dataset, sha256 and size in bytes."""
    path: str  # relative, with forward slashes
    sha256: str
    size: int


@dataclass(frozen=True)
class Dataset:
    """A downloadable dataset: where it comes from, what it must hash to, whose it is.

    ``base_url`` is pinned (a commit in the URL, or a DOI record), and ends with ``/``.
    ``mirror`` names the dataset's folder in a mirror (one folder per task).
    """

    name: str
    mirror: str
    base_url: str
    files: tuple[DataFile, ...]
    licence: str
    citation: str
    description: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Bytes of all the dataset's files."""
        return sum(item.size for item in self.files)


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    """The sha256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def read_registry(path: Path | str) -> tuple[DataFile, ...]:
    """Parse a registry file (``<sha256>  <bytes>  <relative path>`` a line; ``#`` comments)."""
    path = Path(path)
    files = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split(maxsplit=2)
        if len(parts) != 3 or len(parts[0]) != 64 or not parts[1].isdigit():
            raise ValueError(f"{path}:{number}: expected '<sha256>  <bytes>  <path>', got {line!r}")
        files.append(DataFile(path=parts[2].strip(), sha256=parts[0].lower(), size=int(parts[1])))
    if not files:
        raise ValueError(f"{path}: registry lists no files")
    return tuple(files)


def write_registry(folder: Path | str, out: Path | str, patterns: Iterable[str] = ("**/*",)) -> int:
    """Write the registry of every file under ``folder`` matching ``patterns``; returns the count."""
    folder = Path(folder)
    paths = sorted({p for pattern in patterns for p in folder.glob(pattern) if p.is_file()})
    lines = [f"{sha256_of(p)}  {p.stat().st_size}  {p.relative_to(folder).as_posix()}" for p in paths]
    Path(out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def cache_root() -> Path:
    """``$BENCHMARKS_DATA``, or the user cache folder (``~/.cache/science-benchmarks`` on Linux)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    import pooch

    return Path(pooch.os_cache("science-benchmarks"))


def mirror_root() -> Path | None:
    """``$BENCHMARKS_MIRROR`` as a folder, or None when unset."""
    value = os.environ.get(MIRROR_ENV)
    return Path(value).expanduser() if value else None


def dataset_folder(dataset: Dataset) -> Path:
    """Where ``dataset`` lives in the cache (whether or not it is there yet)."""
    return cache_root() / dataset.name


def cache_problem(dataset: Dataset, *, quick: bool = False) -> str | None:
    """None when every file is cached with its registered size and (unless ``quick``) checksum;
    else the first problem, naming the file (relative to the dataset's cache folder)."""
    folder = dataset_folder(dataset)
    for item in dataset.files:
        path = folder / item.path
        if not path.is_file():
            return f"{item.path} is missing"
        if path.stat().st_size != item.size:
            return f"{item.path} has {path.stat().st_size} bytes, expected {item.size}"
    if not quick:
        for item in dataset.files:
            if sha256_of(folder / item.path) != item.sha256:
                return f"{item.path} does not match its sha256 checksum"
    return None


def fetch(dataset: Dataset, *, progress: bool = False) -> Path:
    """Make every file of ``dataset`` available locally and verified; return its folder."""
    folder = dataset_folder(dataset)
    problems: list[str] = []
    for item in dataset.files:
        target = folder / item.path
        if target.is_file() and sha256_of(target) == item.sha256:
            continue
        try:
            _obtain(dataset, item, target, progress=progress)
        except ChecksumMismatch as error:
            raise DataUnavailable(f"dataset {dataset.name!r}: {error}") from None
        except DataUnavailable as error:
            problems.append(str(error))
            break
    if problems:
        raise DataUnavailable(_how_to_get(dataset, problems[0]))
    return folder


def _obtain(dataset: Dataset, item: DataFile, target: Path, *, progress: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    mirror = mirror_root()
    if mirror is not None:
        source = mirror / dataset.mirror / item.path
        if source.is_file():
            _copy_verified(source, target, item)
            return
    _download_verified(dataset.base_url + item.path, target, item, progress=progress)


def _copy_verified(source: Path, target: Path, item: DataFile) -> None:
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".part-", delete=False) as temporary:
        partial = Path(temporary.name)
    try:
        shutil.copyfile(source, partial)
        _verify(partial, item, origin=str(source))
        os.chmod(partial, file_mode())  # not the temporary file's 0600: a shared cache stays readable
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _download_verified(url: str, target: Path, item: DataFile, *, progress: bool) -> None:
    import pooch

    # A name of its own: parallel workers may fetch the same file at once.
    partial = target.with_name(f".part-{uuid.uuid4().hex[:8]}-{target.name}")
    try:
        pooch.retrieve(
            url,
            known_hash=None,  # verified below, so that a mismatch is reported our way and the file deleted
            fname=partial.name,
            path=partial.parent,
            progressbar=progress,
        )
    except Exception as error:  # network, HTTP status, refused connection
        partial.unlink(missing_ok=True)
        raise DataUnavailable(f"download of {url} failed: {error}") from None
    try:
        _verify(partial, item, origin=url)
        os.chmod(partial, file_mode())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _verify(path: Path, item: DataFile, *, origin: str) -> None:
    actual = sha256_of(path)
    if actual != item.sha256:
        path.unlink(missing_ok=True)
        raise ChecksumMismatch(
            f"{item.path} from {origin} has sha256 {actual}, expected {item.sha256}; the file was deleted"
        )


def _how_to_get(dataset: Dataset, problem: str) -> str:
    folder = dataset_folder(dataset)
    return (
        f"dataset {dataset.name!r} is not available ({problem}).\n"
        f"Get it in one of these ways:\n"
        f"  - with network access: python -m benchmarks fetch (downloads from {dataset.base_url});\n"
        f"  - from a copy: set {MIRROR_ENV} to a folder holding {dataset.mirror}/<files> "
        f"(e.g. ../shared/data) and run again;\n"
        f"  - by hand: place the {len(dataset.files)} files listed in the task's registry under {folder}.\n"
        f"Licence: {dataset.licence}. Cite: {dataset.citation}"
    )
