"""Checkers for notebook 15 (DenseNet)."""

from __future__ import annotations

from . import Failure, checker, compare_function, compare_number, require_callable


@checker("15.1", "channels out of a dense block")
def block_channels(answer) -> str:
    return compare_number(answer, 216, "the block passes its input on and every layer adds k maps.")


@checker("15.2", "connections in a dense block")
def connections(function) -> str:
    cases = [((1,), {}, 1), ((4,), {}, 10), ((6,), {}, 21), ((16,), {}, 136)]
    return compare_function(function, cases, "dense_connections")


@checker("15.3", "a transition layer")
def transition(answer) -> str:
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Failure("pass a pair (parameters, grid_size).")
    compare_number(answer[0], 216 * 108, "a 1x1 convolution from 216 channels to 0.5 x 216.")
    compare_number(answer[1], 16, "2x2 average pooling with stride 2 halves the grid.")
    return "both are right."


@checker("15.5", "a dense layer")
def dense_layer(function) -> str:
    import torch
    import torch.nn.functional as F
    from torch import nn

    require_callable(function, "dense_layer")
    torch.manual_seed(15)
    channels, growth = 6, 4
    bn1, bn2 = nn.BatchNorm2d(channels).eval(), nn.BatchNorm2d(4 * growth).eval()
    for bn in (bn1, bn2):
        bn.running_mean.normal_()
        bn.bias.data.normal_()
    conv1 = nn.Conv2d(channels, 4 * growth, 1, bias=False)
    conv2 = nn.Conv2d(4 * growth, growth, 3, padding=1, bias=False)
    x = torch.randn(2, channels, 5, 5)
    with torch.no_grad():
        got = function(x, bn1, conv1, bn2, conv2)
        new = conv2(F.relu(bn2(conv1(F.relu(bn1(x))))))
        if not isinstance(got, torch.Tensor):
            raise Failure("return a tensor: the layer's input and its new feature maps, concatenated.")
        if got.shape == new.shape:
            raise Failure(f"the output has only the {growth} new maps: a dense layer passes its input on "
                          "too, concatenated along the channels (dim 1).")
        if got.shape == x.shape:
            raise Failure("that adds the maps like a residual block: a dense layer concatenates them.")
        if got.shape != (2, channels + growth, 5, 5):
            raise Failure(f"expected shape (2, {channels + growth}, 5, 5): the input's {channels} channels "
                          f"and {growth} new ones.")
        if torch.allclose(got, torch.cat([new, x], 1), rtol=0, atol=1e-5):
            raise Failure("almost: keep the input first and the new maps after it.")
        if not torch.allclose(got, torch.cat([x, new], 1), rtol=0, atol=1e-5):
            raise Failure("the new maps differ: BN1 -> ReLU -> 1x1 conv -> BN2 -> ReLU -> 3x3 conv.")
    return "the layer outputs [x, H(x)]: its input and k new maps."
