"""Checkers for notebook 12 (Inception v2/v3 and Xception)."""

from __future__ import annotations

from . import checker, compare_function, compare_number


@checker("12.1", "parameters of a separable convolution")
def separable_parameters(answer) -> str:
    return compare_number(answer, 3 * 3 * 128 + 128 * 256, "a 3x3 filter per input channel "
                          "(depthwise), then a 1x1 convolution from 128 to 256 channels.")


@checker("12.2", "parameters of a grouped convolution")
def grouped_parameters(function) -> str:
    cases = [((64, 64, 3, 1), {}, 36_864), ((64, 64, 3, 2), {}, 18_432),
             ((256, 256, 3, 256), {}, 2_304), ((128, 256, 1, 4), {}, 8_192),
             ((96, 48, 5, 3), {}, 38_400)]
    return compare_function(function, cases, "grouped_conv_params")


@checker("12.3", "label-smoothing target")
def smoothed_target(answer) -> str:
    return compare_number(answer, 0.9001, "torch spreads eps over all K classes, the true one "
                          "included: 1 - eps + eps / K.", rel=1e-6)
