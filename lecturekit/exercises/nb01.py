"""Checkers for notebook 01 (CNN vs DNN)."""

from __future__ import annotations

from . import checker, compare_function, compare_number


@checker("01.1", "fully connected layer on MNIST")
def fully_connected_mnist(answer) -> str:
    """28x28 grey image -> 100 hidden units, with biases."""
    if answer == 28 * 28 * 100:
        from . import Failure
        raise Failure("almost: every hidden unit also has a bias.")
    return compare_number(answer, 28 * 28 * 100 + 100,
                          "every hidden unit has one weight per pixel, plus one bias.")


@checker("01.2", "conv_layer_params")
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
def lc_over_conv(answer) -> str:
    """3 -> 16 channels, 5x5 filters, 32x32 input, no padding: 28*28 positions."""
    return compare_number(answer, 28 * 28,
                          "a locally connected layer has one filter bank (and bias) per "
                          "output position; how many output positions are there?")
