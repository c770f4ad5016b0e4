"""The paper's multi-channel shallow CNN ("Penta_ShallowEnsemble", Corbara et al. 2023), in torch.

Channels: raw text, DV-MA, DV-SA, DV-EX and (``rhythm``: ``sq``) the SQ string or (``fake``) the
FAKE string, each as a character sequence -> Embedding(32) -> two parallel Conv1d (kernels 3
and 5) -> ReLU -> global max-pool -> concat -> Dropout(0.5) -> ReLU -> Linear(n_authors)
(:mod:`benchmarks.tasks.latin.methods.charconv`); a dense BF branch Linear(256) -> ReLU -> Dropout ->
Linear(n_authors) -> ReLU. The channel outputs are averaged and pass a final
Linear(n_authors, n_authors). Cross-entropy, Adam, Xavier init, early stopping on validation
macro-F1 (the best epoch's weights are kept), then the paper's extra epochs on train +
validation. Beyond the paper: each epoch sees a random window (``crop`` symbols) of every
channel of a fragment, evaluation sees the whole fragment, and ``ensemble`` networks (the
cell's seed, different initialisations and batch orders) average their probabilities.
Width, lengths, batch size and learning rate come from the size's budget
(``benchmarks.tasks.latin.sizes``); the epoch limit is the method's ``max_epochs`` (default: the budget's).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from benchmarks.context import RunContext
from benchmarks.tasks.latin.data import LatinInput
from benchmarks.tasks.latin.features import DV_VIEWS, base_features, distort, fake_quantities
from benchmarks.tasks.latin.metrics import Prediction
from benchmarks.tasks.latin.methods.charconv import CharChannel, ConvCharChannel, zero_padding
from benchmarks.tasks.latin.sizes import Budget

#: The extra channel: none, the SQ strings, or FAKE quantities of the same shape (the control).
RHYTHMS = ("none", "sq", "fake")


class MultiChannelCNN(nn.Module):
    """Character channels and a dense BF branch, averaged, then a final linear layer.

    ``channel``: the character channel's class (:class:`CharChannel`, or the reference
    :class:`ConvCharChannel`, which computes the same with ``nn.Conv1d``).
    """

    def __init__(self, vocabularies: Sequence[int], bf_dim: int, filters: int, n_classes: int,
                 channel: type[ConvCharChannel] = CharChannel) -> None:
        super().__init__()
        self.channels = nn.ModuleList([channel(v, filters, n_classes) for v in vocabularies])
        self.bf = nn.Sequential(nn.Linear(bf_dim, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, n_classes), nn.ReLU())
        self.final = nn.Linear(n_classes, n_classes)
        for parameter in self.parameters():
            if parameter.dim() > 1:
                nn.init.xavier_uniform_(parameter)
        for module in self.channels:
            zero_padding(module)

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


def channel_strings(data: LatinInput, rhythm: str, seed: int) -> list[list[str]]:
    """Per channel, one string per fragment: text, DV-MA, DV-SA, DV-EX [, SQ or FAKE drawn with ``seed``]."""
    if rhythm not in RHYTHMS:
        raise ValueError(f"rhythm must be one of {', '.join(RHYTHMS)}, got {rhythm!r}")
    texts = [f.text for f in data.fragments]
    channels = [texts] + [[distort(t, view) for t in texts] for view in DV_VIEWS]
    if rhythm == "sq":
        channels.append(list(data.sq))
    elif rhythm == "fake":
        channels.append(fake_quantities(data.fragments, seed))
    return channels


@dataclass(frozen=True)
class Channel:
    """One channel's codes (n_fragments, longest kept), each fragment's length (symbols kept), and the training window."""

    codes: np.ndarray
    lengths: np.ndarray
    vocabulary: int  # alphabet size + padding + unknown
    crop: int

    def window(self, rows: np.ndarray, rng: np.random.Generator | None) -> np.ndarray:
        """A ``crop``-long window of each row at a random offset (``rng``), or the whole rows (None), trimmed."""
        if rng is None:
            return self.codes[rows, : max(1, int(self.lengths[rows].max()))]
        offsets = rng.integers(0, np.maximum(self.lengths[rows] - self.crop, 0) + 1)
        return self.codes[rows[:, None], offsets[:, None] + np.arange(self.crop)]


def make_channels(strings: Sequence[Sequence[str]], train: np.ndarray, crops: Sequence[int], cap: int) -> list[Channel]:
    """Encode each channel (alphabet from the training fragments only: unseen symbols are "unknown"), at most ``cap`` symbols."""
    channels = []
    for channel, crop in zip(strings, crops):
        alphabet = {c: i + 2 for i, c in enumerate(sorted({c for i in train for c in channel[i]}))}
        lengths = np.minimum([len(s) for s in channel], cap)
        codes, _ = encode(channel, max(int(lengths.max()), crop), alphabet)
        channels.append(Channel(codes, lengths, len(alphabet) + 2, crop))
    return channels


def build_channels(data: LatinInput, rhythm: str, budget: Budget, seed: int) -> list[Channel]:
    """The encoded channels of :func:`channel_strings`, with the budget's windows (characters, then syllables)."""
    strings = channel_strings(data, rhythm, seed)
    crops = [budget.max_chars] * (1 + len(DV_VIEWS)) + [budget.max_syllables] * (rhythm != "none")
    return make_channels(strings, data.split.train, crops, budget.eval_chars)


def cnn(data: LatinInput, ctx: RunContext, *, rhythm: str, max_epochs: int) -> Prediction:
    """The multi-channel CNN, with an SQ or FAKE channel (``rhythm``), trained for at most ``max_epochs``."""
    y_pred, info = train_cnn(data, rhythm, dataclasses.replace(ctx.budget, max_epochs=max_epochs), ctx)
    return Prediction(y_pred, info)


def train_cnn(data: LatinInput, rhythm: str, budget: Budget, ctx: RunContext) -> tuple[np.ndarray, dict[str, Any]]:
    """Train ``budget.ensemble`` networks on data.split.train (early stopping on data.split.val, then
    ``budget.extra_epochs`` on both); predict data.split.test with their mean probabilities.

    ``rhythm``: ``"none"``, ``"sq"`` or ``"fake"`` (the extra channel). Weights are initialised from the
    cell's seed, batches and windows drawn from its ``"batches"`` stream. Returns test predictions (n_test,)
    and a record of the training (epochs and validation macro-F1 per epoch, per network). The phases
    ``train``, ``validate`` and ``predict`` are timed by ``ctx.phase``.
    """
    channels = build_channels(data, rhythm, budget, ctx.seed)
    bf = base_features(data.fragments).astype(np.float32)
    rng = ctx.rng("batches")
    with ctx.torch_seeded(threads=budget.threads):
        fits = [_fit(data, channels, bf, budget, rng, ctx, member) for member in range(budget.ensemble)]
    probabilities = np.mean([p for p, _ in fits], axis=0)
    histories = [h for _, h in fits]
    return probabilities.argmax(axis=1), {
        "epochs": [h["epochs"] for h in histories],  # per network, before the extra epochs
        "extra_epochs": budget.extra_epochs,
        "best_epoch": [h["best_epoch"] for h in histories],
        "val_macro_f1": [h["val_macro_f1"] for h in histories],
        "channels": len(channels) + 1,
    }


def _inputs(channels: Sequence[Channel], bf: np.ndarray, rows: np.ndarray, rng: np.random.Generator | None,
            device: torch.device) -> tuple[list[torch.Tensor], torch.Tensor]:
    """A batch: each channel's windows (``rng``) or whole rows (None), and the BF rows."""
    return [torch.from_numpy(c.window(rows, rng)).to(device) for c in channels], torch.from_numpy(bf[rows]).to(device)


def train_epoch(model: MultiChannelCNN, optimiser: torch.optim.Optimizer, channels: Sequence[Channel], bf: np.ndarray,
                labels: np.ndarray, rows: np.ndarray, batch_size: int, rng: np.random.Generator,
                device: torch.device) -> None:
    """One pass over ``rows`` in an order and with windows drawn from ``rng``."""
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    order = rows[rng.permutation(len(rows))]
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        seqs, dense = _inputs(channels, bf, chunk, rng, device)
        optimiser.zero_grad()
        loss_fn(model(seqs, dense), torch.from_numpy(labels[chunk]).to(device)).backward()
        optimiser.step()


def predict_proba(model: MultiChannelCNN, channels: Sequence[Channel], bf: np.ndarray, rows: np.ndarray,
                  device: torch.device) -> np.ndarray:
    """Class probabilities (len(rows), n_classes) from the whole fragments."""
    model.eval()
    # batches of similar lengths: each is padded to its longest row, and padding does not change a row's output
    order = np.argsort(channels[0].lengths[rows], kind="stable")
    out = np.empty((len(rows), model.final.out_features), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, len(rows), 128):
            batch = order[start : start + 128]
            seqs, dense = _inputs(channels, bf, rows[batch], None, device)
            out[batch] = torch.softmax(model(seqs, dense), dim=1).cpu().numpy()
    return out


def _fit(data: LatinInput, channels: list[Channel], bf: np.ndarray, budget: Budget, rng: np.random.Generator,
         ctx: RunContext, member: int) -> tuple[np.ndarray, dict[str, Any]]:
    """One network: early stopping on validation, extra epochs on train+val; test probabilities and its history."""
    from sklearn.metrics import f1_score

    split, y, device = data.split, data.labels, ctx.device
    model = MultiChannelCNN([c.vocabulary for c in channels], bf.shape[1], budget.filters, len(data.authors)).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=budget.learning_rate)
    best_score, best_state, best_epoch, history = -1.0, None, 0, []
    label = f"CNN epochs ({data.split_mode} split)" + (f", network {member + 1}/{budget.ensemble}" if budget.ensemble > 1 else "")
    for k in ctx.track(range(budget.max_epochs), label):
        with ctx.phase("train"):
            train_epoch(model, optimiser, channels, bf, y, split.train, budget.batch_size, rng, device)
        with ctx.phase("validate"):
            score = float(f1_score(y[split.val], predict_proba(model, channels, bf, split.val, device).argmax(axis=1),
                                   average="macro"))
        history.append(score)
        if score > best_score:
            best_score, best_epoch = score, k
            best_state = {name: v.detach().clone() for name, v in model.state_dict().items()}
        elif k >= budget.warmup and k - best_epoch >= budget.patience:
            break
    model.load_state_dict(best_state)
    both = np.concatenate([split.train, split.val])
    for _ in range(budget.extra_epochs):  # the paper's: the best network sees the validation fragments too
        with ctx.phase("train"):
            train_epoch(model, optimiser, channels, bf, y, both, budget.batch_size, rng, device)
    with ctx.phase("predict"):
        probabilities = predict_proba(model, channels, bf, split.test, device)
    return probabilities, {"epochs": len(history), "best_epoch": best_epoch + 1, "val_macro_f1": history}
