"""Checkers for notebook 06 (LeNet-5)."""

from __future__ import annotations

import torch

from . import Failure, checker, compare_number


@checker("06.1", "C3 parameters from the connection table")
def c3_parameters(answer) -> str:
    return compare_number(answer, 1_516, "count the connected 5x5 kernels (6*3 + 9*4 + 1*6 of "
                          "them), 25 weights each, then add one bias per C3 map.")


@checker("06.2", "subsample")
def subsample(function) -> str:
    from ..models.lenet import Subsampling

    if not callable(function):
        raise Failure("pass the function itself: check('06.2', subsample).")
    g = torch.Generator().manual_seed(6)
    for shape in [(1, 1, 2, 2), (2, 6, 28, 28), (3, 16, 10, 10)]:
        x = torch.randn(shape, generator=g)
        layer = Subsampling(shape[1])
        with torch.no_grad():
            layer.weight.copy_(torch.randn(shape[1], generator=g))
            layer.bias.copy_(torch.randn(shape[1], generator=g))
            expected = layer(x)
        got = function(x, layer.weight.detach(), layer.bias.detach())
        if not isinstance(got, torch.Tensor) or got.shape != expected.shape:
            raise Failure(f"input {tuple(shape)}: expected output shape {tuple(expected.shape)}, "
                          f"got {tuple(getattr(got, 'shape', ())) or type(got).__name__}.")
        if not torch.allclose(got, expected, atol=1e-5):
            raise Failure(f"input {tuple(shape)}: values differ by up to "
                          f"{(got - expected).abs().max():.3g}; sum (not average) each 2x2 block.")
    return "all 3 test cases agree."


@checker("06.3", "connections of C5")
def c5_connections(answer) -> str:
    return compare_number(answer, 48_120, "C5 has 120 output units of size 1x1, each with "
                          "16*5*5 weights and a bias.")
