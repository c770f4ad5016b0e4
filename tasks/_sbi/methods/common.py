"""What the sbi methods share: threads, the training call, tensors and a numpy-seeded block.

Light at import (no torch, no sbi): the registry imports the task for every listing.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from benchmarks.tasks._sbi.tracker import NullTracker

if TYPE_CHECKING:
    import torch

    from benchmarks.context import RunContext

# One intra-op thread for the sbi methods: networks of 50-200 units gain nothing from more, and on a
# shared CPU two threads made one NSF training step 13x slower (0.37 s instead of 0.028 s) and FMPE's
# sampling of 10,000 draws 3-4x slower (35-42 s instead of 10-13 s), both measured here.
THREADS = 1
# sbi's default batch, as the suite's NPE: sbibm capped its 10,000 at the simulations of a round,
# i.e. full-batch steps, which under the epoch cap leaves NLE and NRE short of convergence.
TRAINING_BATCH_SIZE = 200


def tensor(array: np.ndarray, device: Any = "cpu") -> "torch.Tensor":
    """``array`` as a float32 tensor on ``device`` (what sbi trains on)."""
    import torch

    return torch.as_tensor(np.asarray(array), dtype=torch.float32, device=device)


def to_numpy(samples: "torch.Tensor") -> np.ndarray:
    """Samples as float64 numpy on the CPU (what the methods return)."""
    return samples.detach().cpu().numpy().astype(np.float64)


def new_inference(cls: type, ctx: RunContext, prior: Any, **kwargs: Any) -> Any:
    """An sbi trainer ``cls`` on the cell's device, quiet, with a tracker that writes nothing
    (sbi's default writes TensorBoard logs into ``./sbi-logs``)."""
    return cls(prior=prior, device=str(ctx.device), show_progress_bars=False, tracker=NullTracker(), **kwargs)


@contextlib.contextmanager
def quiet_nflows() -> Iterator[None]:
    """Hide nflows' warning that torch.triangular_solve is deprecated (raised by the LU transforms of
    sbi's flows at every call): the user can do nothing about it, and it fills the run's log."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"torch\.triangular_solve is deprecated", category=UserWarning)
        yield


def train(inference: Any, max_epochs: int, **kwargs: Any) -> Any:
    """Train the simulations appended to ``inference`` for at most ``max_epochs`` epochs
    (sbi stops earlier on a validation plateau of 20 epochs); returns the estimator.

    sbi prints a line per training ("converged after n epochs", "Using NPE_C with atomic loss") to
    stdout whatever its settings; those lines are dropped (the epochs are in the method's output).
    """
    with contextlib.redirect_stdout(io.StringIO()), quiet_nflows():
        return inference.train(max_num_epochs=max_epochs, training_batch_size=TRAINING_BATCH_SIZE,
                               show_train_summary=False, **kwargs)


def epochs_trained(inference: Any) -> list[int]:
    """The epochs of each training round so far (sbi's summary), [] before any."""
    return [int(e) for e in inference.summary.get("epochs_trained", [])]


@contextlib.contextmanager
def numpy_global_seeded(ctx: RunContext, *stream: int | str) -> Iterator[None]:
    """Seed numpy's global generator from the cell's stream inside the block and restore it after.

    sbi's vectorised slice sampler draws from ``np.random`` itself and takes no generator.
    """
    state = np.random.get_state()
    np.random.seed(ctx.seed_for(*stream))
    try:
        yield
    finally:
        np.random.set_state(state)


def sample_each(posterior: Any, data: Any, ctx: RunContext, label: str, **kwargs: Any) -> np.ndarray:
    """``ctx.budget.num_samples`` draws of an amortised sbi posterior for each observation of ``data``:
    (k, num_samples, dim_theta) float64. ``kwargs`` go to ``posterior.sample``."""
    samples = []
    for x_o in ctx.track(data.observations, f"{label}: sampling per observation"):
        with quiet_nflows():
            draws = posterior.sample((ctx.budget.num_samples,), x=tensor(x_o, ctx.device), show_progress_bars=False,
                                     **kwargs)
        samples.append(to_numpy(draws))
    return np.stack(samples)
