"""Checkers for notebook 01 (CNN vs DNN)."""

from __future__ import annotations

from ..grading import Forbidden
from . import (
    Failure,
    checker,
    compare_function,
    compare_number,
    require_kept_prediction,
    require_number,
    require_tuple,
    yes_or_no_answers,
)


@checker("01.1", "fully connected layer on MNIST")
def fully_connected_mnist(answer) -> str:
    """28x28 grey image -> 100 hidden units, with biases."""
    if answer == 28 * 28 * 100:
        raise Failure("almost: every hidden unit also has a bias.")
    return compare_number(answer, 28 * 28 * 100 + 100,
                          "every hidden unit has one weight per pixel, plus one bias.")


@checker("01.2", "conv_layer_params",
         forbid=[Forbidden("conv_params", "lk.analysis.conv_params", "lecturekit.analysis")])
def conv_layer_params(function) -> str:
    cases = [
        ((3, 1, 1), {}, 10),
        ((5, 1, 6), {}, 156),          # LeNet-5's C1
        ((3, 64, 128), {}, 73_856),
        ((1, 256, 64), {}, 16_448),
        ((7, 3, 64), {}, 9_472),
    ]
    return compare_function(function, cases, "conv_layer_params")


@checker("01.3", "predict, then run: locally connected vs convolutional", predicted=True)
def lc_and_conv_counts(answer) -> str:
    """(conv, local, counted conv, counted local): the predicted parameter counts of the two
    layers (3 -> 16 channels, 5x5 filters, 32x32 input, no padding, biases), then the counts of
    the real layers; the checker knows the right counts and compares both pairs with them.

    Both counts are asked for, not their ratio: the ratio is the number of output positions
    with or without biases, so it cannot tell whether the biases were counted."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 4:
        raise Failure("predict a pair (parameters of the convolution, parameters of the locally "
                      "connected layer), then pass the pair you counted on the two layers.")
    conv, local, counted_conv, counted_local = (require_number(a, "each count") for a in answer)
    per_filter_bank = 16 * 3 * 5 * 5
    positions = (32 - 5 + 1) ** 2
    expected = (per_filter_bank + 16, positions * (per_filter_bank + 16))
    if (counted_conv, counted_local) != expected:
        raise Failure("the pair you counted is not the parameter count of the two layers the "
                      "exercise names (3 -> 16 channels, 5x5 filters, a 32x32 input, with biases).")
    if (conv, local) == (per_filter_bank, positions * per_filter_bank):
        raise Failure("your prediction is not what you counted: almost, but both layers have biases "
                      "(one per filter for the convolution, one per output value for the locally "
                      "connected layer).")
    compare_number(conv, expected[0], "your predicted count of the convolution is not what you "
                   "counted: 16 filters of 3x5x5 weights, plus one bias per filter.")
    compare_number(local, expected[1], "your predicted count of the locally connected layer is not "
                   "what you counted: it has its own filter bank and biases at every output "
                   "position; how many output positions are there?")
    return "your prediction matches the count."


#: (stride, image side, shift, equal to some shift of the output?): the notebook's case first,
#: then cases a function that does not measure cannot get right.
STRIDED_CASES = ((2, 28, 2, True), (2, 28, 3, False), (1, 12, 3, True), (3, 15, 3, True),
                 (3, 15, 2, False))


@checker("01.5", "predict, then run: equivariance of a strided convolution", predicted=True)
def strided_equivariance(answer) -> str:
    """(two, three, equals_some_shift): the predicted booleans for shifts of 2 and 3 pixels,
    then the student's ``equals_some_shift(layer, x, pixels)``. The checker runs that function
    on its own layers and images (strides 1, 2 and 3) and knows the truth of each from the
    stride: a circular shift commutes with a circular convolution exactly when the stride
    divides it."""
    import torch
    from torch import nn

    two, three, measure = require_tuple(answer, (bool, bool, object), "predict a pair of booleans "
                                        "(equal for 2 pixels, equal for 3 pixels), then pass your "
                                        "function equals_some_shift(layer, x, pixels).")
    if not callable(measure):
        raise Failure("after the prediction, pass the function equals_some_shift(layer, x, pixels) "
                      "itself, not its result.")
    g = torch.Generator().manual_seed(5)
    inputs = []
    for stride, side, pixels, _ in STRIDED_CASES:
        layer = nn.Conv2d(1, 1, 5, stride=stride, padding=2, padding_mode="circular", bias=False)
        with torch.no_grad():
            layer.weight.copy_(torch.randn(layer.weight.shape, generator=g))
        inputs.append((layer, torch.rand(1, 1, side, side, generator=g), pixels))
    measured = yes_or_no_answers(measure, "equals_some_shift", inputs, [c[-1] for c in STRIDED_CASES],
                                 "strides 1, 2 and 3, several shifts", "compare f(shift(x)) with every "
                                 "circular shift of f(x), within a float tolerance.")
    require_kept_prediction((two, three), measured[:2], "where a stride-2 convolution computes its outputs.")
    return ("your prediction matches the measurement: with stride s, only shifts by multiples of s "
            "commute (aliasing).")
