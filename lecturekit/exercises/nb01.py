"""Checkers for notebook 01 (CNN vs DNN)."""

from __future__ import annotations

from ..grading import Forbidden
from . import Failure, checker, compare_function, compare_number, require_number, require_tuple


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


@checker("01.3", "locally connected vs convolutional")
def lc_and_conv_counts(answer) -> str:
    """3 -> 16 channels, 5x5 filters, 32x32 input, no padding, biases: (conv, locally connected).

    Both counts are asked for, not their ratio: the ratio is the number of output positions
    with or without biases, so it cannot tell whether the biases were counted."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Failure("give a pair: (parameters of the convolution, parameters of the locally "
                      "connected layer).")
    conv, local = (require_number(a, "each count") for a in answer)
    per_filter_bank = 16 * 3 * 5 * 5
    positions = (32 - 5 + 1) ** 2
    if (conv, local) == (per_filter_bank, positions * per_filter_bank):
        raise Failure("almost: both layers have biases (one per filter for the convolution, one "
                      "per output value for the locally connected layer).")
    compare_number(conv, per_filter_bank + 16, "the convolution has 16 filters of 3x5x5 weights, "
                   "plus one bias per filter.")
    compare_number(local, positions * (per_filter_bank + 16),
                   "the locally connected layer has its own filter bank and biases at every "
                   "output position; how many output positions are there?")
    return "correct."


@checker("01.5", "equivariance of a strided convolution")
def strided_equivariance(answer) -> str:
    """(shift of 2 pixels, shift of 3 pixels): does f(shift x) equal a shift of f(x)?"""
    two, three = require_tuple(answer, (bool, bool), "give a pair of booleans: (equivariant for a "
                               "2-pixel shift, equivariant for a 3-pixel shift).")
    if (two, three) != (True, False):
        raise Failure("not what the measurement shows: a stride-2 convolution computes its "
                      "outputs at every second position only. Which input shifts move the "
                      "output by a whole number of its pixels?")
    return "correct: with stride s, only shifts by multiples of s commute (aliasing)."
