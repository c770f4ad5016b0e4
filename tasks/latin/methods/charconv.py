"""One character channel of the multi-channel CNN: Embedding -> Conv1d k=3 and k=5 -> ReLU -> global max-pool.

Two formulations of the same function (same parameters, same state dict):

- :class:`ConvCharChannel`, the plain one (``nn.Conv1d`` and ``amax``), kept as the reference
  that tests and ``tests/perf`` compare against;
- :class:`CharChannel`, the one the task trains. An embedding followed by a convolution is
  linear in the one-hot codes, so each (tap, symbol) pair has a fixed contribution
  ``table[k, v] = W_k @ E[v]``: the convolution is a sum of ``K`` table rows per position (an
  ``embedding_bag``), and the global max-pool's gradient reaches only the arg-max window, so
  the backward pass scatters ``batch x filters x K`` numbers instead of running a convolution
  backward over every position. On 2 CPU cores that is about ten times faster.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

EMBEDDING = 32
KERNELS = (3, 5)
WIDTH = max(KERNELS)  # every kernel is centred in a window of this many symbols


class _WindowSumMax(torch.autograd.Function):
    """max over positions of the sum of ``table`` rows named by each window; gradient only at the arg-max."""

    @staticmethod
    def forward(ctx, table: torch.Tensor, windows: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        batch, length, width = windows.shape
        sums = F.embedding_bag(windows.reshape(-1, width), table, mode="sum").view(batch, length, -1)
        # max-pool with indices over the positions of a (batch, filters, length) view: several times faster
        # than Tensor.max(dim=1) on this layout
        values, where = F.max_pool1d_with_indices(sums.transpose(1, 2), length)
        values, where = values.squeeze(2), where.squeeze(2)
        ctx.save_for_backward(windows, where)
        ctx.rows = table.shape[0]
        return values

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:  # type: ignore[override]
        windows, where = ctx.saved_tensors
        batch, _, width = windows.shape
        columns = grad.shape[1]
        # the window (table rows) at each (fragment, filter)'s maximum: (batch, filters, width)
        rows = torch.gather(windows, 1, where.unsqueeze(2).expand(batch, columns, width))
        flat = rows * columns + torch.arange(columns, device=grad.device).view(1, columns, 1)
        table_grad = torch.zeros(ctx.rows * columns, dtype=grad.dtype, device=grad.device)
        table_grad.index_add_(0, flat.reshape(-1), grad.unsqueeze(2).expand(batch, columns, width).reshape(-1))
        return table_grad.view(ctx.rows, columns), None


class ConvCharChannel(nn.Module):
    """Embedding -> Conv1d k=3 and k=5 (zero padding, same length) -> ReLU -> max-pool -> Dropout -> ReLU -> Linear.

    The max-pool runs over the fragment's own positions only: the padding that fills a batch to its
    longest row must not change a row's output (before task version 5 it could, through relu(bias)).

    The plain formulation (the task's network until version 2); :class:`CharChannel` computes the same
    when the padding code's embedding is zero (as :func:`zero_padding` leaves it).
    """

    def __init__(self, vocabulary: int, filters: int, n_classes: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, EMBEDDING, padding_idx=0)
        self.convs = nn.ModuleList([nn.Conv1d(EMBEDDING, filters, k, padding=k // 2) for k in KERNELS])
        self.dropout = nn.Dropout(0.5)
        self.out = nn.Linear(len(KERNELS) * filters, n_classes)

    def pooled(self, codes: torch.Tensor) -> torch.Tensor:
        """(batch, length) int64 codes, 0 = padding -> (batch, 2 x filters) max-pooled ReLU features."""
        x = self.embedding(codes).transpose(1, 2)
        padding = (codes == 0).unsqueeze(1)
        # ReLU outputs are >= 0, so a 0 at the padding positions leaves the maximum over the row's own
        return torch.cat([torch.relu(conv(x)).masked_fill(padding, 0.0).amax(dim=2) for conv in self.convs], dim=1)

    def forward(self, codes: torch.Tensor) -> torch.Tensor:  # (batch, length) -> (batch, n_classes)
        return self.out(torch.relu(self.dropout(self.pooled(codes))))


class CharChannel(ConvCharChannel):
    """The same channel (same parameters) with the convolution and max-pool as a table look-up (module docstring)."""

    def pooled(self, codes: torch.Tensor) -> torch.Tensor:
        vocabulary = self.embedding.num_embeddings
        # every kernel as taps of a WIDTH-wide window (zeros outside its own width): (filters x kernels, dim, WIDTH)
        weight = torch.cat([F.pad(conv.weight, ((WIDTH - k) // 2,) * 2) for conv, k in zip(self.convs, KERNELS)])
        # code 0 (padding) embeds to zero, as the convolution's own zero padding does, and learns nothing
        embedding = F.pad(self.embedding.weight[1:], (0, 0, 1, 0))
        table = torch.einsum("ve,fek->kvf", embedding, weight).reshape(WIDTH * vocabulary, -1)
        # the centre tap's padding row is -inf: a window centred on padding is never the maximum
        centre = (WIDTH // 2) * vocabulary
        table = torch.cat([table[:centre], torch.full_like(table[:1], float("-inf")), table[centre + 1 :]])
        windows = F.pad(codes, (WIDTH // 2, WIDTH // 2)).unfold(1, WIDTH, 1)
        windows = windows + torch.arange(WIDTH, device=codes.device) * vocabulary
        bias = torch.cat([conv.bias for conv in self.convs])
        # max(relu(y + b)) = relu(max(y) + b): the bias is constant over positions
        return torch.relu(_WindowSumMax.apply(table, windows.contiguous()) + bias)


def zero_padding(channel: ConvCharChannel) -> None:
    """Set the padding code's embedding to zero (an initialiser may have filled it): padding carries no symbol."""
    with torch.no_grad():
        channel.embedding.weight[0].zero_()
