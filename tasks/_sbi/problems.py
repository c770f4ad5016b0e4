"""Priors and simulators of three SBI benchmark tasks, as defined by Lueckmann et al. (2021).

Every random draw comes from a ``numpy.random.Generator`` passed by the caller, so a seed
reproduces a simulation set exactly. Shapes: theta (n, dim_theta), x (n, dim_x), float64.

- ``two_moons``: theta ~ U(-1, 1)^2; a ~ U(-pi/2, pi/2), r ~ N(0.1, 0.01^2),
  x = (r cos a + 0.25, r sin a) + (-|theta_1 + theta_2| / sqrt 2, (-theta_1 + theta_2) / sqrt 2).
- ``gaussian_linear``: theta ~ N(0, 0.1 I_10), x | theta ~ N(theta, 0.1 I_10); the posterior is
  Gaussian and known in closed form (``gaussian_linear_posterior``).
- ``slcp``: theta ~ U(-3, 3)^5; x = four i.i.d. 2-D Gaussian points, flattened point by point,
  with mean (theta_1, theta_2), standard deviations theta_3^2 and theta_4^2 and correlation
  tanh(theta_5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Problem:
    """An SBI benchmark task: prior (uniform box or isotropic Gaussian) and simulator."""

    name: str
    dim_theta: int
    dim_x: int
    simulate: Callable[[np.ndarray, np.random.Generator], np.ndarray]
    lower: np.ndarray | None = None  # uniform box prior bounds (dim_theta,)
    upper: np.ndarray | None = None
    prior_variance: float | None = None  # zero-mean isotropic Gaussian prior

    def sample_prior(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n prior draws (n, dim_theta)."""
        if self.lower is not None:
            return rng.uniform(self.lower, self.upper, size=(n, self.dim_theta))
        return rng.normal(0.0, np.sqrt(self.prior_variance), size=(n, self.dim_theta))

    def in_support(self, theta: np.ndarray) -> np.ndarray:
        """Whether each row of theta (n, dim_theta) has positive prior density (n,) bool."""
        if self.lower is None:
            return np.isfinite(theta).all(axis=1)
        return ((theta >= self.lower) & (theta <= self.upper)).all(axis=1)

    def torch_prior(self, device: Any = "cpu") -> Any:
        """The prior as a torch distribution on ``device``, as ``sbi`` expects it."""
        import torch
        from sbi.utils import BoxUniform
        from torch.distributions import MultivariateNormal

        if self.lower is not None:
            return BoxUniform(torch.as_tensor(self.lower, dtype=torch.float32, device=device),
                              torch.as_tensor(self.upper, dtype=torch.float32, device=device),
                              device=str(device))
        return MultivariateNormal(torch.zeros(self.dim_theta, device=device),
                                  self.prior_variance * torch.eye(self.dim_theta, device=device))


def _check(theta: np.ndarray, dim: int, name: str) -> np.ndarray:
    theta = np.atleast_2d(np.asarray(theta, dtype=np.float64))
    if theta.ndim != 2 or theta.shape[1] != dim:
        raise ValueError(f"{name}: parameters must have shape (n, {dim}), got {theta.shape}")
    return theta


def simulate_two_moons(theta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    theta = _check(theta, 2, "two_moons")
    n = len(theta)
    a = rng.uniform(-np.pi / 2, np.pi / 2, size=n)
    r = rng.normal(0.1, 0.01, size=n)
    p = np.stack([r * np.cos(a) + 0.25, r * np.sin(a)], axis=1)
    z = np.stack([-np.abs(theta[:, 0] + theta[:, 1]) / np.sqrt(2), (-theta[:, 0] + theta[:, 1]) / np.sqrt(2)],
                 axis=1)
    return p + z


GAUSSIAN_LINEAR_VARIANCE = 0.1  # prior and likelihood covariance are both 0.1 * I


def simulate_gaussian_linear(theta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    theta = _check(theta, 10, "gaussian_linear")
    return theta + rng.normal(0.0, np.sqrt(GAUSSIAN_LINEAR_VARIANCE), size=theta.shape)


def gaussian_linear_posterior(x_o: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact posterior mean (10,) and covariance (10, 10) of ``gaussian_linear`` given x_o (10,).

    Prior N(0, s I) and likelihood N(theta, s I) give precision 2/s and mean x_o / 2.
    """
    x_o = np.asarray(x_o, dtype=np.float64).reshape(-1)
    precision = 1.0 / GAUSSIAN_LINEAR_VARIANCE + 1.0 / GAUSSIAN_LINEAR_VARIANCE
    mean = (x_o / GAUSSIAN_LINEAR_VARIANCE) / precision
    return mean, np.eye(len(x_o)) / precision


def simulate_slcp(theta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    theta = _check(theta, 5, "slcp")
    n = len(theta)
    s1, s2, rho = theta[:, 2] ** 2, theta[:, 3] ** 2, np.tanh(theta[:, 4])
    # Cholesky factor of [[s1^2, rho s1 s2], [rho s1 s2, s2^2]], written out.
    z = rng.standard_normal(size=(n, 4, 2))
    x1 = theta[:, None, 0] + s1[:, None] * z[:, :, 0]
    x2 = theta[:, None, 1] + s2[:, None] * (rho[:, None] * z[:, :, 0] + np.sqrt(1 - rho[:, None] ** 2) * z[:, :, 1])
    return np.stack([x1, x2], axis=2).reshape(n, 8)


PROBLEMS: dict[str, Problem] = {
    "two_moons": Problem("two_moons", 2, 2, simulate_two_moons, lower=-np.ones(2), upper=np.ones(2)),
    "gaussian_linear": Problem("gaussian_linear", 10, 10, simulate_gaussian_linear,
                               prior_variance=GAUSSIAN_LINEAR_VARIANCE),
    "slcp": Problem("slcp", 5, 8, simulate_slcp, lower=-3 * np.ones(5), upper=3 * np.ones(5)),
}
