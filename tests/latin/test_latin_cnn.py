"""The CNN's character channel against the plain convolution, and its inputs (windows, alphabets)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from benchmarks.tasks.latin.methods.charconv import CharChannel, ConvCharChannel, zero_padding
from benchmarks.tasks.latin.methods.cnn import MultiChannelCNN, make_channels


def _pair(vocabulary: int = 9, filters: int = 4, n_classes: int = 3) -> tuple[ConvCharChannel, CharChannel]:
    torch.manual_seed(0)
    reference = ConvCharChannel(vocabulary, filters, n_classes)
    for conv in reference.convs:
        torch.nn.init.normal_(conv.bias)  # non-zero biases: the pooled bias must match too
    zero_padding(reference)
    fast = CharChannel(vocabulary, filters, n_classes)
    fast.load_state_dict(reference.state_dict())
    return reference, fast


def test_char_channel_computes_the_convolution_and_its_gradients():
    reference, fast = _pair()
    # padding (0) at the ends, unknown (1), and a row shorter than the kernels
    codes = torch.tensor([[2, 3, 4, 5, 6, 7, 8, 0, 0], [1, 8, 8, 2, 0, 0, 0, 0, 0], [3, 0, 0, 0, 0, 0, 0, 0, 0]])
    upstream = torch.randn(3, 8, generator=torch.Generator().manual_seed(1))
    outputs = []
    for channel in (reference, fast):
        channel.zero_grad()
        pooled = channel.pooled(codes)
        (pooled * upstream).sum().backward()
        outputs.append((pooled.detach(), {n: p.grad.clone() for n, p in channel.named_parameters() if p.grad is not None}))
    (ref_pooled, ref_grads), (fast_pooled, fast_grads) = outputs
    torch.testing.assert_close(fast_pooled, ref_pooled, atol=1e-5, rtol=1e-5)
    assert set(fast_grads) == {"embedding.weight", "convs.0.weight", "convs.0.bias", "convs.1.weight", "convs.1.bias"}
    for name, grad in fast_grads.items():
        torch.testing.assert_close(grad, ref_grads[name], atol=1e-5, rtol=1e-5, msg=name)
    assert torch.count_nonzero(fast_grads["embedding.weight"][0]) == 0  # padding learns nothing


@pytest.mark.parametrize("channel_class", [ConvCharChannel, CharChannel])
def test_padding_does_not_change_a_rows_output(channel_class):
    # a ReLU bias above every real position once made the padding positions the maximum
    torch.manual_seed(0)
    channel = channel_class(9, 4, 3)
    zero_padding(channel)
    with torch.no_grad():
        for conv in channel.convs:
            conv.bias.fill_(5.0)
            conv.weight.uniform_(-1.0, -0.5)
        channel.embedding.weight[1:].uniform_(0.5, 1.0)
    row = torch.tensor([[2, 3, 4, 5]])
    padded = torch.tensor([[2, 3, 4, 5, 0, 0, 0, 0, 0, 0]])
    torch.testing.assert_close(channel.pooled(padded), channel.pooled(row))


def test_multichannel_cnn_same_output_with_either_channel():
    torch.manual_seed(0)
    fast = MultiChannelCNN([7, 5], bf_dim=6, filters=4, n_classes=3)
    reference = MultiChannelCNN([7, 5], bf_dim=6, filters=4, n_classes=3, channel=ConvCharChannel)
    reference.load_state_dict(fast.state_dict())
    assert all(torch.count_nonzero(c.embedding.weight[0]) == 0 for c in fast.channels)
    codes = [torch.randint(0, 7, (4, 12)), torch.randint(0, 5, (4, 6))]
    bf = torch.rand(4, 6)
    fast.eval(), reference.eval()
    torch.testing.assert_close(fast(codes, bf), reference(codes, bf), atol=1e-5, rtol=1e-5)


def test_channels_windows_and_whole_rows():
    strings = [["abcdefgh", "ab", "zzzzzzzzzzzz"]]
    (channel,) = make_channels(strings, train=np.array([0, 1]), crops=[4], cap=10)
    assert channel.vocabulary == 8 + 2  # a..h from the training rows, + padding and unknown
    assert channel.lengths.tolist() == [8, 2, 10]  # capped at 10
    assert channel.codes[2].tolist() == [1] * 10  # z never seen in training: unknown
    whole = channel.window(np.array([0, 1]), None)
    assert whole.shape == (2, 8) and whole[1].tolist() == [2, 3] + [0] * 6
    rng = np.random.default_rng(0)
    starts = set()
    for _ in range(50):
        window = channel.window(np.array([0, 1]), rng)
        assert window.shape == (2, 4)
        assert window[1].tolist() == [2, 3, 0, 0]  # shorter than the window: the whole row, padded
        starts.add(int(window[0, 0]) - 2)
        assert window[0].tolist() == list(range(window[0, 0], window[0, 0] + 4))  # consecutive symbols
    assert starts == {0, 1, 2, 3, 4}  # every offset that keeps the window inside the row


def test_unknown_rhythm_is_refused():
    from benchmarks.tasks.latin.methods.cnn import channel_strings

    with pytest.raises(ValueError, match="rhythm must be one of none, sq, fake, got 'SQ'"):
        channel_strings(None, "SQ", 0)  # type: ignore[arg-type]
