"""Checkers for notebook 06 (LeNet-5)."""

from __future__ import annotations

import torch

from . import check_function, checker, compare_number


@checker("06.1", "C3 parameters from the connection table")
def c3_parameters(answer) -> str:
    return compare_number(answer, (6 * 3 + 9 * 4 + 1 * 6) * 25 + 16, "count the connected 5x5 kernels "
                          "(6*3 + 9*4 + 1*6 of them), 25 weights each, then add one bias per C3 map.")


@checker("06.2", "subsample")
def subsample(function) -> str:
    from ..models.lenet import Subsampling

    g = torch.Generator().manual_seed(6)
    cases = []
    for shape in [(1, 1, 2, 2), (2, 6, 28, 28), (3, 16, 10, 10)]:
        x, weight, bias = (torch.randn(size, generator=g) for size in (shape, shape[1], shape[1]))
        layer = Subsampling(shape[1])
        with torch.no_grad():
            layer.weight.copy_(weight)
            layer.bias.copy_(bias)
            cases.append((f"input {shape}", (x, weight, bias), layer(x)))
    return check_function(function, "subsample", cases, "sum (not average) each 2x2 block.")


@checker("06.3", "connections of C5")
def c5_connections(answer) -> str:
    return compare_number(answer, 48_120, "C5 has 120 output units of size 1x1, each with "
                          "16*5*5 weights and a bias.")
