"""Locally connected layers (lecturekit/layers/locally_connected.py) against a loop."""

import pytest
import torch

from lecturekit.layers import (
    LocallyConnected2d,
)

TOLERANCE = dict(rtol=1e-5, atol=1e-5)  # float32 sums of up to a few hundred products


def locally_connected_loop(layer: LocallyConnected2d, x: torch.Tensor) -> torch.Tensor:
    """The definition, one output position at a time."""
    (kh, kw), (sh, sw), (ph, pw) = layer.kernel_size, layer.stride, layer.padding
    x = torch.nn.functional.pad(x, (pw, pw, ph, ph))
    out_h, out_w = layer.output_size
    out = torch.zeros(x.shape[0], layer.out_channels, out_h, out_w)
    for i in range(out_h):
        for j in range(out_w):
            patch = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].reshape(x.shape[0], -1)
            out[:, :, i, j] = patch @ layer.weight[i * out_w + j].T
    return out if layer.bias is None else out + layer.bias


@pytest.mark.parametrize("config", [
    dict(in_channels=1, out_channels=1, input_size=6, kernel_size=3),
    dict(in_channels=3, out_channels=4, input_size=(7, 5), kernel_size=(3, 2), stride=(2, 1),
         padding=1),
    dict(in_channels=2, out_channels=3, input_size=8, kernel_size=5, padding=2, bias=False),
    dict(in_channels=2, out_channels=2, input_size=9, kernel_size=3, stride=3),
])
def test_locally_connected_matches_the_loop_with_gradients(config):
    torch.manual_seed(0)
    layer = LocallyConnected2d(**config)
    size = layer.input_size
    x = torch.randn(2, config["in_channels"], *size, requires_grad=True)
    fast = layer(x)
    slow = locally_connected_loop(layer, x)
    torch.testing.assert_close(fast, slow, **TOLERANCE)
    grad_out = torch.randn_like(fast)
    grads_fast = torch.autograd.grad(fast, [x, *layer.parameters()], grad_out)
    grads_slow = torch.autograd.grad(slow, [x, *layer.parameters()], grad_out)
    for a, b in zip(grads_fast, grads_slow):
        torch.testing.assert_close(a, b, **TOLERANCE)


def test_locally_connected_weights_are_not_shared():
    layer = LocallyConnected2d(1, 1, 4, 3, padding=1, bias=False)
    assert layer.weight.shape == (16, 1, 9)
    x = torch.zeros(1, 1, 4, 4)
    x[0, 0, 1, 1] = 1.0
    shifted = torch.roll(x, 1, dims=-1)
    assert not torch.allclose(torch.roll(layer(x), 1, dims=-1), layer(shifted))


def test_locally_connected_rejects_the_wrong_input_size():
    layer = LocallyConnected2d(1, 1, 8, 3)
    with pytest.raises(ValueError, match="8x8"):
        layer(torch.zeros(1, 1, 9, 9))
