"""Checkers for notebook 07 (AlexNet)."""

from __future__ import annotations

from . import Failure, checker, compare_function, compare_number, grouped_conv_cases


@checker("07.1", "conv1 parameters")
def conv1_parameters(answer) -> str:
    return compare_number(answer, 96 * 3 * 11 * 11 + 96, "each of the 96 kernels spans all 3 "
                          "input channels; add one bias per kernel.")


@checker("07.2", "grouped_conv_params")
def grouped_conv_params(function) -> str:
    shapes = [(96, 256, 5, 1), (96, 256, 5, 2), (384, 384, 3, 2), (32, 32, 3, 32), (64, 128, 1, 4)]
    return compare_function(function, grouped_conv_cases(shapes), "grouped_conv_params")


@checker("07.3", "parameters saved by a narrower fc6")
def narrower_fc6(answer) -> str:
    saving = (256 * 6 * 6 * 2048 + 2048) + 4096 * 2048
    return compare_number(answer, saving, "fc6 loses half of its weights and biases; fc7 keeps "
                          "its biases but loses half of its weights (its inputs).")


@checker("07.5", "predict, then run: dropout at p = 0.25")
def dropout_values(answer) -> str:
    if not (isinstance(answer, (tuple, list)) and all(isinstance(v, (int, float)) for v in answer)):
        raise Failure("give the distinct values that come out, sorted, as a tuple of numbers, e.g. (a, b).")
    values = sorted(float(v) for v in answer)
    if len(values) != 2 or abs(values[0]) > 1e-3:
        raise Failure("each unit is either dropped or kept: two values, and a dropped unit outputs 0.")
    if abs(values[1] - 1.0) < 1e-3:
        raise Failure("the kept units are scaled so that the expected output stays 1: by how much, "
                      "if a quarter of them are dropped?")
    if abs(values[1] - 1 / 0.75) > 1e-3:
        raise Failure("the kept units are scaled by 1 / (1 - p), where p is the probability of "
                      "dropping a unit.")
    return "right: a kept unit is scaled by 1 / (1 - p), so the expected output is unchanged."
