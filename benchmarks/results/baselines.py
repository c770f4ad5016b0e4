"""Reference results kept as data in ``baselines/``: published numbers and recorded runs.

- ``baselines/published/<task>.csv``: one row per reported number, columns
  ``size,method,metric,mean,std,n,citation,note`` and optionally ``setting`` and ``dataset``.
  ``size`` names the task size at whose scale the paper measured, or ``*`` for a number shown
  beside every size. ``dataset`` is the id of the data it was measured on (as run records name
  theirs, see :mod:`benchmarks.data.dataset_id`): a number is shown only beside runs on that data set;
  one without it is never shown. Numbers of the same method, size, data set and setting (the
  protocol; by default the citation) form one leaderboard row.
- ``baselines/recorded/**/*.json``: run records of the suite's own methods (the same schema as
  ``results/``), copied from a reference run so that a new run can be compared with them.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.records.store import read_records

BASELINES_ENV = "BENCHMARKS_BASELINES"
PUBLISHED_COLUMNS = ("size", "method", "metric", "mean", "std", "n", "citation", "note")


@dataclass(frozen=True)
class PublishedValue:
    """One number a paper reports for a method of a task at a size (a row of baselines/published/*.csv)."""
    task: str
    size: str
    method: str
    metric: str
    mean: float
    std: float
    n: int | None
    citation: str
    note: str
    setting: str = ""
    dataset: str = ""  # the data it was measured on; shown only beside runs on the same


def default_folder() -> Path:
    """The suite's baselines/ folder (``$BENCHMARKS_BASELINES`` if set)."""
    if os.environ.get(BASELINES_ENV):
        return Path(os.environ[BASELINES_ENV])
    return Path(__file__).resolve().parents[2] / "baselines"


def read_published(folder: Path) -> tuple[list[PublishedValue], list[str]]:
    """Every published number under ``folder/published``, and a warning per bad file or row."""
    values: list[PublishedValue] = []
    warnings: list[str] = []
    for path in sorted((folder / "published").glob("*.csv")):
        try:
            with open(path, newline="", encoding="utf-8") as stream:
                reader = csv.DictReader(stream)
                missing = [c for c in PUBLISHED_COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    warnings.append(f"skipped {path}: missing columns {missing}")
                    continue
                if "dataset" not in (reader.fieldnames or []):
                    warnings.append(f"{path}: no dataset column, so its numbers are shown beside no run "
                                    "(add the id of the data set each was measured on)")
                for line, row in enumerate(reader, start=2):
                    try:
                        values.append(_published_row(path.stem, row))
                    except ValueError as error:
                        warnings.append(f"skipped {path}:{line}: {error}")
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            warnings.append(f"skipped {path}: {error}")
    return values, warnings


def _published_row(task: str, row: dict[str, str]) -> PublishedValue:
    def number(name: str) -> float:
        text = (row.get(name) or "").strip()
        value = float(text) if text else math.nan
        if math.isinf(value):
            raise ValueError(f"{name} is {text}, not a finite number")
        return value

    mean = number("mean")
    if math.isnan(mean):
        raise ValueError("mean is empty")
    n = number("n")
    if not math.isnan(n) and (n < 1 or not n.is_integer()):
        raise ValueError(f"n is {row.get('n')!r}, not a count of runs")
    return PublishedValue(
        task=task, size=row["size"].strip(), method=row["method"].strip(), metric=row["metric"].strip(),
        mean=mean, std=number("std"), n=None if math.isnan(n) else int(n),
        citation=row["citation"].strip(), note=(row.get("note") or "").strip(),
        setting=(row.get("setting") or "").strip(), dataset=(row.get("dataset") or "").strip(),
    )


def read_recorded(folder: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The run records kept in ``folder``/recorded as reference runs, and a warning per unreadable file."""
    recorded = folder / "recorded"
    if not recorded.is_dir():
        return [], []
    return read_records(recorded)
