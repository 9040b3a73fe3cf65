"""Checkers for notebook 12 (Inception v2/v3 and Xception)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..grading import REFERENCES, Forbidden
from . import (
    Failure,
    check_function,
    checker,
    compare_function,
    compare_number,
    grouped_conv_cases,
    require_tuple,
)


@checker("12.1", "parameters of a separable convolution")
def separable_parameters(answer) -> str:
    return compare_number(answer, 3 * 3 * 128 + 128 * 256, "a 3x3 filter per input channel "
                          "(depthwise), then a 1x1 convolution from 128 to 256 channels.")


@checker("12.2", "parameters of a grouped convolution")
def grouped_parameters(function) -> str:
    shapes = [(64, 64, 3, 1), (64, 64, 3, 2), (256, 256, 3, 256), (128, 256, 1, 4), (96, 48, 5, 3)]
    return compare_function(function, grouped_conv_cases(shapes), "grouped_conv_params")


@checker("12.3", "label-smoothing target")
def smoothed_target(answer) -> str:
    return compare_number(answer, 0.9001, "torch spreads eps over all K classes, the true one "
                          "included: 1 - eps + eps / K.", rel=1e-6)


@checker("12.5", "grouped convolution from ungrouped ones",
         forbid=[Forbidden("conv2d", "F.conv2d(..., groups=g)", grouped=True), REFERENCES])
def grouped_conv2d(function) -> str:
    g = torch.Generator().manual_seed(12)
    cases = []
    for c_in, c_out, k, groups in [(4, 4, 3, 2), (6, 9, 3, 3), (8, 8, 1, 4), (4, 4, 3, 1), (6, 6, 5, 6)]:
        x = torch.randn(2, c_in, 7, 7, generator=g)
        weight = torch.randn(c_out, c_in // groups, k, k, generator=g)
        cases.append((f"{c_in} -> {c_out} channels, {k}x{k}, {groups} groups", (x, weight, groups),
                      F.conv2d(x, weight, padding=k // 2, groups=groups)))
    check_function(function, "grouped_conv2d", cases, "group i takes input channels i*c_in/groups ... "
                   "and filters i*c_out/groups ...", atol=1e-4)
    return f"all {len(cases)} test cases equal F.conv2d(..., groups=groups)."


@checker("12.6", "predict, then run: time ratio at 16 and 256 channels", predicted=True)
def time_ratio_prediction(answer) -> str:
    grows, r16, r256 = require_tuple(answer, (bool, object, object), "record your prediction grows (True "
                                     "or False) with lk.exercises.predict first, then pass the two "
                                     "measured time ratios (ratio_16, ratio_256).")
    if not all(isinstance(r, float) and 0.01 < r < 1000 for r in (r16, r256)):
        raise Failure("the ratios must be measured seconds of the regular layer divided by those of "
                      "the separable one (positive numbers).")
    if grows != (r256 > r16):
        raise Failure(f"your prediction grows={grows} does not match your measurement "
                      f"({r16:.1f}x at 16 channels, {r256:.1f}x at 256); think of how much arithmetic "
                      "each layer does per byte it reads.")
    return f"your prediction matches the measurement ({r16:.1f}x at 16 channels, {r256:.1f}x at 256)."
