"""Checkers for notebook 04 (activation functions)."""

from __future__ import annotations

import torch

from . import Failure, checker, compare_number, require_number


@checker("04.1", "vanishing factor of 10 sigmoids")
def largest_factor(answer) -> str:
    return compare_number(answer, 0.25 ** 10, "what is the largest value of the sigmoid's "
                          "derivative, and where is it reached?", rel=1e-6)


@checker("04.2", "tanh_derivative")
def tanh_derivative(function) -> str:
    if not callable(function):
        raise Failure("pass the function itself: check('04.2', tanh_derivative).")
    for x in [torch.tensor([0.0]), torch.linspace(-3, 3, 13), torch.tensor([0.5, -2.0, 4.0])]:
        got = function(x)
        expected = 1 - torch.tanh(x) ** 2
        if not isinstance(got, torch.Tensor) or got.shape != x.shape:
            raise Failure(f"for x of shape {tuple(x.shape)} return a tensor of the same shape.")
        if not torch.allclose(got, expected, atol=1e-5):
            where = (got - expected).abs().argmax().item()
            raise Failure(f"at x = {x[where].item():g} you return {got[where].item():.4f}; "
                          "recall d/dx tanh(x) = 1 - tanh(x)^2.")
    return "all 3 test cases agree."


@checker("04.3", "active ReLU units")
def fraction_active(answer) -> str:
    got = require_number(answer)
    if not 0 <= got <= 1:
        raise Failure("give a fraction between 0 and 1.")
    return compare_number(answer, 0.5, "a standard normal input is positive with what "
                          "probability?", rel=0.02)
