"""Many small MLP binary classifiers trained at once, each as scikit-learn's ``MLPClassifier`` with
``solver="adam"`` and ``early_stopping=False`` trains one (as of scikit-learn 1.9,
``sklearn/neural_network/_multilayer_perceptron.py`` and ``_stochastic_optimizers.py``).

The networks are one batched network: every weight has shape (networks, in, out) and every layer is
one ``torch.bmm``. What is matched, step by step:

- initialisation: ``numpy.random.RandomState(seed)`` draws, layer by layer, the weights and then the
  biases uniformly in +-sqrt(6 / (fan_in + fan_out)) (Glorot; scikit-learn uses 2 instead of 6 only
  for a logistic *hidden* activation, not for the logistic output unit);
- epochs: the same RandomState then shuffles the sample order once per epoch (``sklearn.utils.shuffle``
  of the previous order); batches of ``min(batch_size, n)`` in that order, the last one shorter;
- loss of a batch: mean log-loss (probabilities clipped to [eps, 1 - eps] of the dtype) plus
  0.5 * alpha * (sum of squared weights, biases excluded) / batch length; its gradient by hand, as
  scikit-learn's ``_backprop`` (ReLU derivative zero where the activation is zero);
- adam as scikit-learn writes it: step = lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps);
- stopping: the epoch's loss is the batch losses weighted by batch length over n (each batch's loss
  taken before its update); a network counts an epoch without improvement when that loss exceeds its
  best so far minus ``tol``, resets the count otherwise, and stops once the count exceeds
  ``n_iter_no_change``, or after ``max_iter`` epochs. A stopped network leaves the batch: its weights
  stop changing while the others train on.

All networks of one call share the seed and the number of samples, so they start from the same
weights and see their samples in the same order, as scikit-learn's estimators with the same integer
``random_state`` do (``cross_val_score`` clones one estimator per fold).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class AdamMLP:
    """The settings of ``MLPClassifier(solver="adam", activation="relu", early_stopping=False)``."""

    hidden: tuple[int, ...]
    learning_rate: float = 1e-3
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-8
    alpha: float = 1e-4  # L2 penalty on the weights
    batch_size: int = 200
    tol: float = 1e-4
    n_iter_no_change: int = 10
    max_iter: int = 200


@dataclass(frozen=True)
class Trained:
    """Trained networks: ``layers`` [(weights (networks, in, out), biases (networks, out)), ...]
    and ``epochs`` (networks,), the epochs each trained (scikit-learn's ``n_iter_``)."""

    layers: list[tuple[torch.Tensor, torch.Tensor]]
    epochs: np.ndarray

    def decide(self, network: int, x: torch.Tensor) -> torch.Tensor:
        """Predicted class (bool, (n,)) of network ``network`` for samples x (n, in): probability > 0.5."""
        h = x
        for i, (weights, biases) in enumerate(self.layers):
            h = torch.addmm(biases[network], h, weights[network])
            if i < len(self.layers) - 1:
                h = h.relu_()
        return h[:, 0] > 0


def _initial(units: list[int], rng: np.random.RandomState) -> list[np.ndarray]:
    """scikit-learn's ``_init_coef`` for a ReLU network, in its order of draws: [W1, b1, W2, b2, ...]."""
    params = []
    for fan_in, fan_out in zip(units[:-1], units[1:]):
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        params.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
        params.append(rng.uniform(-bound, bound, (1, fan_out)))
    return params


class _Layout:
    """N networks' weights and biases in one flat buffer, tensor after tensor: W1 (N, in, h1), b1 (N, 1, h1),
    W2, ... each a contiguous block, so that bmm reads them as they lie and adam updates the buffer whole."""

    def __init__(self, shapes: list[tuple[int, int]], networks: int):
        self.shapes, self.networks = shapes, networks
        self.bounds = np.cumsum([0] + [networks * a * b for a, b in shapes])

    def views(self, flat: torch.Tensor) -> list[torch.Tensor]:
        """[W1 (N, in, h1), b1 (N, 1, h1), ...]: views into flat."""
        return [flat[start:stop].view(self.networks, *shape)
                for shape, start, stop in zip(self.shapes, self.bounds[:-1], self.bounds[1:])]

    def select(self, flat: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        """The flat buffer of networks ``rows`` only (a layout of ``len(rows)`` networks)."""
        return torch.cat([view.index_select(0, rows).flatten() for view in self.views(flat)])


class _Workspace:
    """Activation and backpropagation buffers of one batch length, reused step after step: fresh
    400 KB tensors at every step cost more than the arithmetic, once the working set leaves the cache."""

    def __init__(self, networks: int, length: int, units: list[int], like: torch.Tensor):
        def empty(width: int) -> torch.Tensor:
            return torch.empty(networks, length, width, dtype=like.dtype, device=like.device)

        self.activations = [empty(width) for width in units[1:]]
        self.deltas = [empty(width) for width in units[1:]]


def _gradient(params: list[torch.Tensor], x: torch.Tensor, target: torch.Tensor, alpha: float,
              grads: list[torch.Tensor], work: _Workspace) -> torch.Tensor:
    """Write into grads the gradient of the batch loss, as scikit-learn's ``_backprop``: the mean log-loss
    of the batch plus 0.5 * alpha * (sum of squared weights) / batch length. Returns the logits (N, B, 1).

    params [W1 (N, in, h1), b1 (N, 1, h1), W2, b2, ...]; x (N, B, in); target (N, B, 1) in {0, 1}.
    """
    layers = len(params) // 2
    activations = [x, *work.activations]
    for i in range(layers):
        z = torch.bmm(activations[i], params[2 * i], out=activations[i + 1]).add_(params[2 * i + 1])
        if i < layers - 1:
            z.relu_()
    length = x.shape[1]
    delta = torch.sigmoid(activations[-1], out=work.deltas[-1]).sub_(target)
    for i in range(layers - 1, -1, -1):
        weights = params[2 * i]
        torch.baddbmm(weights, activations[i].transpose(1, 2), delta, beta=alpha / length, alpha=1.0 / length,
                      out=grads[2 * i])
        torch.sum(delta, dim=1, keepdim=True, out=grads[2 * i + 1]).div_(length)
        if i > 0:
            back = work.deltas[i - 1]
            if delta.shape[2] == 1:
                torch.mul(delta, weights.transpose(1, 2), out=back)
            else:
                torch.bmm(delta, weights.transpose(1, 2), out=back)
            # ReLU's derivative: zero where the activation is zero (in place, one pass)
            delta = torch.ops.aten.threshold_backward.grad_input(back, activations[i], 0.0, grad_input=back)
    return activations[-1]


class _Adam:
    """scikit-learn's AdamOptimizer over a flat parameter buffer; ``grad`` is where the gradient goes."""

    def __init__(self, flat: torch.Tensor, settings: AdamMLP):
        self.settings, self.step = settings, 0
        self.first, self.second, self.grad = (torch.zeros_like(flat) for _ in range(3))

    def update(self, flat: torch.Tensor) -> None:
        s = self.settings
        self.step += 1
        rate = s.learning_rate * math.sqrt(1 - s.beta_2 ** self.step) / (1 - s.beta_1 ** self.step)
        self.first.mul_(s.beta_1).add_(self.grad, alpha=1 - s.beta_1)
        self.second.mul_(s.beta_2).addcmul_(self.grad, self.grad, value=1 - s.beta_2)
        torch.sqrt(self.second, out=self.grad).add_(s.epsilon)  # the gradient is spent: its buffer serves
        flat.addcdiv_(self.first, self.grad, value=-rate)

    def select(self, layout: _Layout, rows: torch.Tensor) -> None:
        self.first, self.second = layout.select(self.first, rows), layout.select(self.second, rows)
        self.grad = torch.empty_like(self.first)


def _epoch(layout: _Layout, flat: torch.Tensor, adam: _Adam, x: torch.Tensor, target: torch.Tensor,
           units: list[int], settings: AdamMLP) -> np.ndarray:
    """One epoch over x (N, n, in) and target (N, n, 1) in their order; returns each network's loss
    (N,): its batch losses, each taken before its update, weighted by batch length, over n."""
    networks, n, _ = x.shape
    params, grads = layout.views(flat), layout.views(adam.grad)
    weights = [w.view(networks, -1) for w in params[0::2]]
    logits = torch.empty(networks, n, 1, dtype=x.dtype, device=x.device)
    penalty = torch.zeros(networks, dtype=x.dtype, device=x.device)
    workspaces: dict[int, _Workspace] = {}
    batch = min(settings.batch_size, n)
    for start in range(0, n, batch):
        stop = min(start + batch, n)
        if stop - start not in workspaces:
            workspaces[stop - start] = _Workspace(networks, stop - start, units, x)
        for w in weights:  # squared weights before the update, as scikit-learn's batch loss
            penalty.add_(torch.linalg.vector_norm(w, dim=1).square_())
        logits[:, start:stop] = _gradient(params, x[:, start:stop], target[:, start:stop], settings.alpha, grads,
                                          workspaces[stop - start])
        adam.update(flat)
    # the batch losses times their lengths, summed: every sample's clipped log-loss plus the penalties
    eps = torch.finfo(x.dtype).eps
    log_loss = torch.nn.functional.softplus(logits * (1 - 2 * target)).clamp_(-math.log1p(-eps), -math.log(eps))
    total = log_loss.double().sum(dim=(1, 2)) + 0.5 * settings.alpha * penalty.double()
    return (total / n).cpu().numpy()


def train(x: torch.Tensor, target: torch.Tensor, settings: AdamMLP, seed: int) -> Trained:
    """Train one network per row of x (networks, n, in) on targets (networks, n) in {0, 1}.

    Every network uses ``settings`` and the random stream ``seed`` (initial weights, then one
    shuffle per epoch). Runs on x's device and dtype; holds no global state.
    """
    networks, n, fan_in = x.shape
    rng = np.random.RandomState(seed)
    units = [fan_in, *settings.hidden, 1]
    initial = _initial(units, rng)
    layout = _Layout([p.shape for p in initial], networks)
    flat = torch.cat([torch.as_tensor(p, dtype=x.dtype, device=x.device).expand(networks, *p.shape).flatten()
                      for p in initial])
    adam = _Adam(flat, settings)
    target = target.to(x.dtype).unsqueeze(-1)

    alive = np.arange(networks)  # networks still training, as rows of the original batch
    final: list[list[tuple[int, torch.Tensor]]] = [[] for _ in initial]
    epochs = np.zeros(networks, dtype=int)
    best = np.full(networks, np.inf)
    stale = np.zeros(networks, dtype=int)  # epochs without an improvement of at least tol
    order = np.arange(n)
    for epoch in range(1, settings.max_iter + 1):
        permutation = np.arange(n)
        rng.shuffle(permutation)  # sklearn.utils.shuffle(order, random_state=rng)
        order = order[permutation]
        index = torch.as_tensor(order, device=x.device)
        loss = _epoch(layout, flat, adam, x.index_select(1, index), target.index_select(1, index), units, settings)
        stale[alive] = np.where(loss > best[alive] - settings.tol, stale[alive] + 1, 0)
        best[alive] = np.minimum(best[alive], loss)
        done = (stale[alive] > settings.n_iter_no_change) | (epoch == settings.max_iter)
        if not done.any():
            continue
        rows = torch.as_tensor(np.flatnonzero(done), device=x.device)
        for kept, p in zip(final, layout.views(flat)):
            kept.extend(zip(alive[done], p.index_select(0, rows)))
        epochs[alive[done]] = epoch
        alive = alive[~done]
        if len(alive) == 0:
            break
        # a stopped network leaves the batch, and the others train on
        keep = torch.as_tensor(np.flatnonzero(~done), device=x.device)
        flat = layout.select(flat, keep)
        adam.select(layout, keep)
        layout = _Layout(layout.shapes, len(alive))
        x, target = x.index_select(0, keep), target.index_select(0, keep)
    stacked = [torch.stack([p for _, p in sorted(kept, key=lambda pair: pair[0])]) for kept in final]
    return Trained([(w, b[:, 0]) for w, b in zip(stacked[0::2], stacked[1::2])], epochs)
