"""Checkers for notebook 08 (Network in Network)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from . import Failure, checker, compare_number


@checker("08.1", "1x1 convolution parameters")
def conv1x1_parameters(answer) -> str:
    return compare_number(answer, 256 * 64 + 64, "a 1x1 filter has one weight per input "
                          "channel; add one bias per output channel.")


@checker("08.2", "conv1x1")
def conv1x1(function) -> str:
    if not callable(function):
        raise Failure("pass the function itself: check('08.2', conv1x1).")
    g = torch.Generator().manual_seed(8)
    for n, c_in, c_out, h, w in [(1, 3, 2, 4, 4), (2, 16, 8, 5, 7), (3, 1, 4, 2, 2)]:
        x = torch.randn(n, c_in, h, w, generator=g)
        weight, bias = torch.randn(c_out, c_in, generator=g), torch.randn(c_out, generator=g)
        expected = F.conv2d(x, weight.view(c_out, c_in, 1, 1), bias)
        got = function(x, weight, bias)
        if not isinstance(got, torch.Tensor) or got.shape != expected.shape:
            raise Failure(f"input {(n, c_in, h, w)} with {c_out} output channels should give "
                          f"shape {tuple(expected.shape)}, got "
                          f"{tuple(getattr(got, 'shape', ())) or type(got).__name__}.")
        if not torch.allclose(got, expected, atol=1e-5):
            raise Failure(f"input {(n, c_in, h, w)}: values are off; at each pixel, multiply the "
                          "channel vector by the weight matrix and add the bias.")
    return "all 3 test cases agree."


@checker("08.3", "shape after global average pooling")
def gap_shape(answer) -> str:
    if not isinstance(answer, (tuple, list, torch.Size)):
        raise Failure("give the shape as a tuple, e.g. (a, b).")
    if tuple(int(a) for a in answer) != (16, 10):
        raise Failure(f"{tuple(answer)} is not right: pooling keeps the batch and the channels "
                      "and removes height and width; Flatten then removes the 1x1.")
    return "correct."


@checker("08.5", "predict, then compute: the two heads at 32x32", predicted=True)
def heads_at_32(answer) -> str:
    """(gap_count_changes, fc_growth): the prediction whether the GAP network's parameter count
    changes at 32x32, then how many parameters the network with the fully connected head gains
    from 16x16 to 32x32 (worked out from the layer shapes)."""
    from ..analysis import count_parameters
    from ..models import create

    if not (isinstance(answer, (tuple, list)) and len(answer) == 2 and isinstance(answer[0], bool)):
        raise Failure("pass a pair (gap_count_changes, fc_growth): your prediction True or False "
                      "and the parameters the fully connected head gains from 16x16 to 32x32.")
    changes, growth = answer
    if changes:
        raise Failure("look at what global average pooling does to a map of any size: which of the "
                      "GAP network's weights would depend on the image size?")
    expected = (count_parameters(create("nin_small", head="fc", image_size=32))
                - count_parameters(create("nin_small", head="fc", image_size=16)))
    compare_number(growth, expected, "only the first fully connected layer depends on the image "
                   "size: it has one weight per (input value, hidden unit), and each of the last "
                   "layer's maps has 4 times as many positions at 32x32 as at 16x16.")
    return ("right: the GAP network keeps its size; the fully connected head's first layer grows "
            "with the number of positions, 4 times from 16x16 to 32x32.")
