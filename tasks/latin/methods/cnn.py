"""The paper's multi-channel shallow CNN ("Penta_ShallowEnsemble", Corbara et al. 2023), in torch.

Channels: raw text, DV-MA, DV-SA, DV-EX and (``cnn_sq``) the SQ string or (``cnn_fake``) the
FAKE string, each as a character sequence -> Embedding(32) -> two parallel Conv1d (kernels 3
and 5) -> ReLU -> global max-pool -> concat -> Dropout(0.5) -> ReLU -> Linear(n_authors); a dense
BF branch Linear(256) -> ReLU -> Dropout -> Linear(n_authors) -> ReLU. The channel outputs are
averaged and pass a final Linear(n_authors, n_authors). Cross-entropy, Adam, Xavier init,
early stopping on validation macro-F1 (the best epoch's weights are kept); width, lengths,
epochs, batch size and learning rate come from the size's budget (``tasks.latin.sizes``).
Not done: the paper's 10 extra epochs on train+validation after early stopping.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from benchmarks.context import RunContext
from tasks.latin.data import LatinData
from tasks.latin.features import DV_VIEWS, base_features, distort, fake_quantities
from tasks.latin.metrics import Prediction
from tasks.latin.sizes import Budget

EMBEDDING = 32


class CharChannel(nn.Module):
    """Embedding -> Conv1d k=3 and k=5 -> ReLU -> max-pool -> Dropout -> ReLU -> Linear."""

    def __init__(self, vocabulary: int, filters: int, n_classes: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, EMBEDDING, padding_idx=0)
        self.convs = nn.ModuleList([nn.Conv1d(EMBEDDING, filters, k, padding=k // 2) for k in (3, 5)])
        self.dropout = nn.Dropout(0.5)
        self.out = nn.Linear(2 * filters, n_classes)

    def forward(self, codes: torch.Tensor) -> torch.Tensor:  # (batch, length) -> (batch, n_classes)
        x = self.embedding(codes).transpose(1, 2)
        pooled = [torch.relu(conv(x)).amax(dim=2) for conv in self.convs]
        return self.out(torch.relu(self.dropout(torch.cat(pooled, dim=1))))


class MultiChannelCNN(nn.Module):
    """Character channels and a dense BF branch, averaged, then a final linear layer."""

    def __init__(self, vocabularies: Sequence[int], bf_dim: int, filters: int, n_classes: int) -> None:
        super().__init__()
        self.channels = nn.ModuleList([CharChannel(v, filters, n_classes) for v in vocabularies])
        self.bf = nn.Sequential(nn.Linear(bf_dim, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, n_classes), nn.ReLU())
        self.final = nn.Linear(n_classes, n_classes)
        for parameter in self.parameters():
            if parameter.dim() > 1:
                nn.init.xavier_uniform_(parameter)

    def forward(self, sequences: Sequence[torch.Tensor], bf: torch.Tensor) -> torch.Tensor:
        outputs = [channel(seq) for channel, seq in zip(self.channels, sequences)] + [self.bf(bf)]
        return self.final(torch.stack(outputs).mean(dim=0))


def encode(strings: Sequence[str], length: int, alphabet: Mapping[str, int] | None = None) -> tuple[np.ndarray, dict[str, int]]:
    """Character codes (n, length), int64, 0 = padding, 1 = unknown; the alphabet is built if not given."""
    if alphabet is None:
        alphabet = {c: i + 2 for i, c in enumerate(sorted({c for s in strings for c in s}))}
    codes = np.zeros((len(strings), length), dtype=np.int64)
    for row, text in enumerate(strings):
        values = [alphabet.get(c, 1) for c in text[:length]]
        codes[row, : len(values)] = values
    return codes, dict(alphabet)


def channel_strings(data: LatinData, rhythm: str | None, seed: int) -> list[list[str]]:
    """Per channel, one string per fragment: text, DV-MA, DV-SA, DV-EX [, SQ or FAKE drawn with ``seed``]."""
    texts = [f.text for f in data.fragments]
    channels = [texts] + [[distort(t, view) for t in texts] for view in DV_VIEWS]
    if rhythm == "sq":
        channels.append(list(data.sq))
    elif rhythm == "fake":
        channels.append(fake_quantities(data.fragments, seed))
    elif rhythm is not None:
        raise ValueError(f"rhythm must be None, 'sq' or 'fake', got {rhythm!r}")
    return channels


def train_cnn(data: LatinData, rhythm: str | None, ctx: RunContext) -> tuple[np.ndarray, dict[str, Any]]:
    """Train on data.split.train with early stopping on data.split.val; predict data.split.test.

    ``rhythm``: None, ``"sq"`` or ``"fake"`` (the extra channel). The budget is ``ctx.budget``;
    weights are initialised from the cell's seed, batches drawn from its ``"batches"`` stream.
    Returns test predictions (n_test,) and a record of the training (epochs, seconds per epoch,
    validation macro-F1 per epoch).
    """
    budget: Budget = ctx.budget
    split = data.split
    strings = channel_strings(data, rhythm, ctx.seed)
    arrays = []
    for k, channel in enumerate(strings):
        length = budget.max_syllables if (rhythm is not None and k == len(strings) - 1) else budget.max_chars
        # the alphabet comes from training fragments only; unseen symbols map to "unknown"
        alphabet = {c: i + 2 for i, c in enumerate(sorted({c for i in split.train for c in channel[i]}))}
        codes, _ = encode(channel, length, alphabet)
        arrays.append((codes, len(alphabet) + 2))
    bf = base_features(data.fragments).astype(np.float32)
    with ctx.torch_seeded(threads=budget.threads):
        return _train(data, arrays, bf, ctx)


def _train(data: LatinData, arrays: list, bf: np.ndarray, ctx: RunContext) -> tuple[np.ndarray, dict[str, Any]]:
    from sklearn.metrics import f1_score

    budget: Budget = ctx.budget
    split, y, device = data.split, data.labels, ctx.device
    rng = ctx.rng("batches")
    model = MultiChannelCNN([v for _, v in arrays], bf.shape[1], budget.filters, len(data.authors)).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=budget.learning_rate)
    loss_fn = nn.CrossEntropyLoss()

    def batch(rows: np.ndarray) -> tuple[list[torch.Tensor], torch.Tensor]:
        seqs = [torch.from_numpy(codes[rows]).to(device) for codes, _ in arrays]
        return seqs, torch.from_numpy(bf[rows]).to(device)

    def predict(rows: np.ndarray) -> np.ndarray:
        model.eval()
        out = []
        with torch.no_grad():
            for start in range(0, len(rows), 256):
                seqs, dense = batch(rows[start : start + 256])
                out.append(model(seqs, dense).argmax(dim=1).cpu().numpy())
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)

    best_score, best_state, best_epoch, history, epoch_seconds = -1.0, None, 0, [], []
    for epoch in ctx.track(range(budget.max_epochs), f"CNN epochs ({data.split_mode} split)"):
        started = time.perf_counter()
        model.train()
        order = split.train[rng.permutation(len(split.train))]
        for start in range(0, len(order), budget.batch_size):
            rows = order[start : start + budget.batch_size]
            seqs, dense = batch(rows)
            optimiser.zero_grad()
            loss = loss_fn(model(seqs, dense), torch.from_numpy(y[rows]).to(device))
            loss.backward()
            optimiser.step()
        epoch_seconds.append(time.perf_counter() - started)
        score = float(f1_score(y[split.val], predict(split.val), average="macro"))
        history.append(score)
        if score > best_score:
            best_score, best_epoch = score, epoch
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        elif epoch >= budget.warmup and epoch - best_epoch >= budget.patience:
            break
    model.load_state_dict(best_state)
    return predict(split.test), {
        "epochs": len(history),
        "best_epoch": best_epoch + 1,
        "val_macro_f1": history,
        "seconds_per_epoch": float(np.mean(epoch_seconds)),
        "channels": len(arrays) + 1,
    }


def _cnn_method(rhythm: str | None) -> Callable[[LatinData, RunContext], Prediction]:
    def method(data: LatinData, ctx: RunContext) -> Prediction:
        y_pred, info = train_cnn(data, rhythm, ctx)
        return Prediction(y_pred, info)

    return method


cnn = _cnn_method(None)
cnn_sq = _cnn_method("sq")
cnn_fake = _cnn_method("fake")
