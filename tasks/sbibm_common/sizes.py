"""What each size of the SBI reference tasks spends (light module: no numpy)."""

from __future__ import annotations

from dataclasses import dataclass

N_OBSERVATIONS = 10


@dataclass(frozen=True)
class Size:
    """What one size spends: simulations, observations evaluated, C2ST samples, NPE epoch cap."""

    num_simulations: int
    num_observations: int
    num_samples: int
    max_epochs: int
    c2st_max_iter: int = 10_000


SIZES: dict[str, Size] = {
    "smoke": Size(500, 1, 500, 20, c2st_max_iter=50),
    "1k": Size(1_000, N_OBSERVATIONS, 10_000, 1_000),
    "10k": Size(10_000, N_OBSERVATIONS, 10_000, 1_000),
    "100k": Size(100_000, N_OBSERVATIONS, 10_000, 1_000),
}
SIZES["default"] = SIZES["10k"]
SIZES["full"] = SIZES["100k"]


def size_descriptions() -> dict[str, str]:
    """One line per size for ``Task.sizes``."""
    text = {
        "smoke": "500 simulations, observation 1 only, 500 posterior samples for C2ST, NPE <= 20 epochs, C2ST classifier <= 50 epochs (pipeline check, not comparable to the paper)",
        "1k": "10^3 simulations; the 10 benchmark observations, 10,000 posterior samples each (benchmark setting)",
        "10k": "10^4 simulations; the 10 benchmark observations, 10,000 posterior samples each (benchmark setting)",
        "100k": "10^5 simulations; the 10 benchmark observations, 10,000 posterior samples each (benchmark setting)",
    }
    text["default"] = "same as 10k: " + text["10k"]
    text["full"] = "same as 100k: " + text["100k"] + "; the paper's 10^6 budget is not included (days of CPU for NPE)"
    return text
