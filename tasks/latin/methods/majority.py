"""The control: the majority author."""

from __future__ import annotations

import numpy as np

from benchmarks.context import RunContext
from benchmarks.tasks.latin.data import LatinInput
from benchmarks.tasks.latin.metrics import Prediction


def majority(data: LatinInput, ctx: RunContext) -> Prediction:
    """Predict the author with most training fragments for every test fragment."""
    counts = np.bincount(data.labels[data.split.train], minlength=len(data.authors))
    return Prediction(np.full(len(data.split.test), int(np.argmax(counts))))
