"""Shared fixtures of the pyloric tests."""

from __future__ import annotations

import numpy as np
import pytest
from pyloric_reference import chaotic_rows, reference_table


@pytest.fixture(scope="session")
def reference_rows() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(theta (21, 31), reference statistics (21, 18), chaotic (21,) bool) of the shared table;
    classifying costs 63 noise-free simulations, so it runs once per session."""
    theta, expected = reference_table()
    chaotic, _ = chaotic_rows(theta)
    return theta, expected, chaotic
