"""Checkers for notebook 09 (VGG)."""

from __future__ import annotations

from . import checker, compare_function, compare_number


@checker("09.1", "3x3 convolution parameters")
def conv_parameters(answer) -> str:
    return compare_number(answer, 3 * 3 * 256 * 256 + 256, "each of the 256 filters is "
                          "3x3x256, plus one bias per filter.")


@checker("09.2", "stacked_receptive_field")
def stacked_receptive_field(function) -> str:
    cases = [((1, 3), {}, 3), ((2, 3), {}, 5), ((3, 3), {}, 7), ((4, 5), {}, 17), ((1, 1), {}, 1),
             ((10, 3), {}, 21)]
    return compare_function(function, cases, "stacked_receptive_field")


@checker("09.3", "7x7 against three 3x3")
def ratio(answer) -> str:
    return compare_number(answer, 49 / 27, "one 7x7 layer has 49C^2 weights; three 3x3 layers "
                          "have 3*9*C^2.", rel=1e-3)
