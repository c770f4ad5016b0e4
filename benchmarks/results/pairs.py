"""Paired tests between two methods (or two runs of one method) from the items in their records.

Two cells are paired when they ran on the same data: same task version, size, seed, options and
data hash. Their items are matched one to one and pooled over the seeds both have. Right/wrong
items get the exact McNemar test (discordant items only: a binomial test at 1/2), continuous
ones the Wilcoxon signed-rank test (items without a value on either side are left out). Both
are two-sided; the verdict says which side did better.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks.contract.task import Direction
from benchmarks.records.items import decode_items

#: p-values at or above this are reported as "no clear difference".
ALPHA = 0.05


@dataclass(frozen=True)
class PairTest:
    """One paired test of ``method`` against ``other`` on ``n_items`` items from ``n_seeds`` seeds."""

    method: str
    other: str
    test: str  # "McNemar" or "Wilcoxon"
    p_value: float
    n_items: int
    n_seeds: int
    better: int  # +1: method better, -1: other better, 0: no difference in the items
    effect: str  # "62 vs 31 discordant items" or "median difference -1.2"

    @property
    def verdict(self) -> str:
        """better / worse / no clear difference, from ``method``'s side, at :data:`ALPHA`."""
        if math.isnan(self.p_value) or self.p_value >= ALPHA or self.better == 0:
            return "no clear difference"
        return "better" if self.better > 0 else "worse"

    def text(self) -> str:
        """``vs cnn: better, p=0.004 (McNemar, 1,104 items, 2 seeds)``."""
        seeds = f", {self.n_seeds} seeds" if self.n_seeds > 1 else ""
        items = f"{self.n_items:,} item{'' if self.n_items == 1 else 's'}"
        return f"vs {self.other}: {self.verdict}, p={format_p(self.p_value)} ({self.test}, {items}{seeds}; {self.effect})"


def format_p(p: float) -> str:
    """Two significant digits, and ``<1e-4`` below that."""
    if math.isnan(p):
        return "–"
    return "<1e-4" if p < 1e-4 else f"{p:.2g}"


def mcnemar(a: np.ndarray, b: np.ndarray) -> tuple[float, int, int]:
    """Exact two-sided McNemar test of right/wrong outcomes ``a`` and ``b`` (n,) of the same items.

    Returns (p, items only ``a`` got right, items only ``b`` got right); p = 1 without discordant items.
    """
    from scipy.stats import binomtest

    a, b = np.asarray(a, bool), np.asarray(b, bool)
    only_a, only_b = int(np.sum(a & ~b)), int(np.sum(~a & b))
    if only_a + only_b == 0:
        return 1.0, 0, 0
    return float(binomtest(min(only_a, only_b), only_a + only_b, 0.5).pvalue), only_a, only_b


def wilcoxon(a: np.ndarray, b: np.ndarray) -> tuple[float, float, int]:
    """Two-sided Wilcoxon signed-rank test of paired values ``a`` and ``b`` (n,); NaN pairs are left out.

    Returns (p, median of a - b, pairs used); p = 1 when every difference is zero, NaN without pairs.
    """
    from scipy.stats import wilcoxon as scipy_wilcoxon

    a, b = np.asarray(a, float), np.asarray(b, float)
    keep = np.isfinite(a) & np.isfinite(b)
    difference = a[keep] - b[keep]
    if difference.size == 0:
        return math.nan, math.nan, 0
    median = float(np.median(difference))
    if not np.any(difference != 0):
        return 1.0, median, int(difference.size)
    return float(scipy_wilcoxon(difference).pvalue), median, int(difference.size)


def pair_key(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """Cells with equal keys ran on the same data, so their items pair up."""
    provenance = record.get("provenance") or {}
    return (record.get("task"), record.get("task_version"), record.get("size"), record.get("seed"),
            json.dumps(record.get("options") or {}, sort_keys=True, default=str), provenance.get("data_hash"))


def paired_test(method: str, other: str, records_a: Iterable[Mapping[str, Any]],
                 records_b: Iterable[Mapping[str, Any]]) -> PairTest | None:
    """Test the items of ``records_a`` (of ``method``) against those of ``records_b`` (of ``other``).

    Only ok records with items are used; None when no cell of one side has a partner on the other.
    """
    by_key = {pair_key(r): r for r in records_b if _usable(r)}
    pairs = [(r, by_key[pair_key(r)]) for r in records_a if _usable(r) and pair_key(r) in by_key]
    decoded = []
    for a, b in pairs:
        try:
            items_a, items_b = decode_items(a["items"]), decode_items(b["items"])
        except ValueError:
            continue
        if items_a.values.size == items_b.values.size and items_a.binary == items_b.binary:
            decoded.append((items_a, items_b))
    if not decoded:
        return None
    higher = decoded[0][0].direction is Direction.HIGHER
    values_a = np.concatenate([a.values for a, _ in decoded])
    values_b = np.concatenate([b.values for _, b in decoded])
    if decoded[0][0].binary:
        p, only_a, only_b = mcnemar(values_a, values_b)
        better = int(np.sign(only_a - only_b)) * (1 if higher else -1)
        return PairTest(method, other, "McNemar", p, int(values_a.size), len(decoded), better,
                        f"{only_a} vs {only_b} discordant items")
    p, median, used = wilcoxon(values_a, values_b)
    better = 0 if math.isnan(median) else int(np.sign(median)) * (1 if higher else -1)
    if better == 0 and used:
        better = int(np.sign(np.nanmean(values_a - values_b))) * (1 if higher else -1)
    return PairTest(method, other, "Wilcoxon", p, used, len(decoded), better, f"median difference {median:.4g}")


def _usable(record: Mapping[str, Any]) -> bool:
    return record.get("status") == "ok" and isinstance(record.get("items"), Mapping)


def declared_pairs(records: Sequence[Mapping[str, Any]], kinds: Mapping[str, str],
                   primary_means: Mapping[str, float], higher_is_better: bool,
                   added: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The pairs to test among methods of one table: those the newest record declares, or, when it
    declares none, every model against the baseline with the best mean primary metric (against the
    best control when no baseline ran). Each ``added`` row (a method from outside the suite, or a
    variant the command line asked for) is also tested against that best baseline and the task's best
    model."""
    newest = max(records, key=lambda r: str(r.get("finished_at") or ""), default=None)
    declared = newest.get("pairs") if newest is not None else None
    added = [m for m in added if m in kinds]

    def ran(kind: str) -> list[str]:
        return [m for m, k in kinds.items() if k == kind and m not in added
                and not math.isnan(primary_means.get(m, math.nan))]

    def best_of(names: list[str]) -> str | None:
        return (max if higher_is_better else min)(names, key=lambda m: primary_means[m]) if names else None

    best = best_of(ran("baseline") or ran("control"))
    if isinstance(declared, list):
        pairs = [(str(a), str(b)) for a, b in (p for p in declared if isinstance(p, list) and len(p) == 2)
                 if a in kinds and b in kinds]
    else:
        pairs = [(model, best) for model, kind in sorted(kinds.items()) if kind == "model" and best is not None]
    for method in sorted(added):
        for other in (best, best_of(ran("model"))):
            if other is not None and other != method and (method, other) not in pairs:
                pairs.append((method, other))
    return pairs
