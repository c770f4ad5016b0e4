"""How much the restriction classifier enriches valid simulations, against its training data.

``npe_restricted`` draws its rounds from the prior restricted by sbi's ``RestrictionEstimator``
(``methods.restricted``). Whether that pays depends on how many valid simulations the classifier
learns from. This script trains it, as the method does, on the first n rows of the shipped bank
for several n, and measures on the bank's last rows (never trained on) how much of the prior the
region keeps, how many valid parameters it keeps, and the enrichment: the valid share inside the
region over the prior's. Deistler et al. (2022) went from 0.97 % valid in the prior to 5.17 %
(5.3x) with 29,193 valid training simulations::

    python -m benchmarks.tasks.pyloric.enrichment --sizes 10000 20000 40000 80000 --held-out 20000
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from benchmarks.tasks.pyloric import shipped_bank
from benchmarks.tasks.pyloric.methods.restricted import BATCH_SIZE, CLASSIFIER, INVALID_SHARE, train_classifier
from benchmarks.tasks.pyloric.prior import box_uniform


def enrichment(theta: np.ndarray, valid: np.ndarray, theta_test: np.ndarray, valid_test: np.ndarray, *,
               false_negatives: tuple[float, ...] = (0.0,), max_epochs: int = 100, seed: int = 0,
               batch_size: int = BATCH_SIZE, invalid_share: float = INVALID_SHARE) -> dict:
    """Train the classifier on (theta, valid) and measure its regions on the test rows.

    Returns the training size, valid count and seconds, and per ``allowed_false_negatives`` the
    share of test parameters kept (``prior_kept``), of valid test parameters kept (``valid_kept``)
    and the enrichment (valid share of the kept over the valid share of all test rows).
    batch_size and invalid_share (sbi's ``subsample_invalid_sims``) as in training the method.
    """
    import torch
    from sbi.utils import RestrictionEstimator

    torch.manual_seed(seed)
    estimator = RestrictionEstimator(box_uniform(), **CLASSIFIER)
    x = np.where(valid[:, None], 0.0, np.nan)  # the classifier sees validity only
    estimator.append_simulations(torch.as_tensor(theta, dtype=torch.float32), torch.as_tensor(x, dtype=torch.float32))
    started = time.perf_counter()
    train_classifier(estimator, max_epochs, batch_size, invalid_share)
    row = {"n_train": int(len(theta)), "n_valid": int(valid.sum()), "batch_size": batch_size,
           "invalid_share": invalid_share, "train_seconds": round(time.perf_counter() - started, 1)}
    base = valid_test.mean()
    test = torch.as_tensor(theta_test, dtype=torch.float32)
    for fn in false_negatives:
        region = estimator.restrict_prior(allowed_false_negatives=fn)
        kept = torch.isfinite(region.log_prob(test, norm_restricted_prior=False)).cpu().numpy()
        row[f"false_negatives={fn:g}"] = {
            "prior_kept": round(float(kept.mean()), 4),
            "valid_kept": round(float(kept[valid_test].mean()), 4) if valid_test.any() else None,
            "enrichment": round(float(valid_test[kept].mean() / base), 2) if kept.any() and base > 0 else None}
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tasks.pyloric.enrichment", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000, 80_000],
                        help="training rows (the bank's first rows)")
    parser.add_argument("--held-out", type=int, default=20_000, help="test rows: the bank's last rows")
    parser.add_argument("--false-negatives", type=float, nargs="+", default=[0.0, 0.1, 0.3])
    parser.add_argument("--max-epochs", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--invalid-share", type=float, default=INVALID_SHARE,
                        help="share of invalid rows in each epoch")
    args = parser.parse_args(argv)
    n = shipped_bank.shipped_rows()
    if args.held_out < 1 or max(args.sizes) + args.held_out > n:
        parser.error(f"need max(--sizes) + --held-out <= the {n} shipped rows")
    bank = shipped_bank.read(n)
    valid = ~np.isnan(bank.stats).any(axis=1)
    test = slice(n - args.held_out, n)
    for size in sorted(args.sizes):
        row = enrichment(bank.theta[:size], valid[:size], bank.theta[test], valid[test],
                         false_negatives=tuple(args.false_negatives), max_epochs=args.max_epochs,
                         batch_size=args.batch_size, invalid_share=args.invalid_share)
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
