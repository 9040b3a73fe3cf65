"""Checkers for notebook 04 (activation functions)."""

from __future__ import annotations

import torch

from ..grading import REFERENCES, Forbidden
from . import Failure, check_function, checker, compare_number, require_number


@checker("04.1", "vanishing factor of 10 sigmoids")
def largest_factor(answer) -> str:
    return compare_number(answer, 0.25 ** 10, "what is the largest value of the sigmoid's "
                          "derivative, and where is it reached?", rel=1e-6)


@checker("04.2", "tanh_derivative", forbid=[Forbidden("tanh", "torch.tanh"), REFERENCES])
def tanh_derivative(function) -> str:
    def hint(got, expected, x):
        where = (got - expected).abs().argmax().item()
        return (f"at x = {x[where].item():g} you return {got[where].item():.4f}; "
                "recall d/dx tanh(x) = 1 - tanh(x)^2.")

    cases = [(f"for x of shape {tuple(x.shape)}", (x,), 1 - torch.tanh(x) ** 2)
             for x in [torch.tensor([0.0]), torch.linspace(-3, 3, 13), torch.tensor([0.5, -2.0, 4.0])]]
    return check_function(function, "tanh_derivative", cases, hint)


@checker("04.3", "active ReLU units")
def fraction_active(answer) -> str:
    got = require_number(answer)
    if not 0 <= got <= 1:
        raise Failure("give a fraction between 0 and 1.")
    return compare_number(answer, 0.5, "a standard normal input is positive with what "
                          "probability?", rel=0.02)


@checker("04.5", "vanishing gradients at half the depth")
def ratio_at_depths(answer) -> str:
    """(ratio at depth 10, ratio at depth 20): first/last layer gradient norm, sigmoid, Glorot.

    The gradient is multiplied by about the same factor (well below 1) at every layer, so
    halving the depth roughly takes the square root of the ratio: many orders of magnitude."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Failure("give a pair: (ratio at depth 10, ratio at depth 20).")
    shallow, deep = (require_number(a, "each ratio") for a in answer)
    if not (0 < deep < 1 and 0 < shallow < 1):
        raise Failure("both ratios are first-layer / last-layer gradient norms of sigmoid "
                      "networks: positive and far below 1. Did you divide the right way round?")
    if not 0 < deep < shallow < 1:
        raise Failure("with half the layers, the gradient is multiplied by half as many small "
                      "factors: which ratio should be larger?")
    if shallow / deep < 100:
        raise Failure("the ratios should differ by orders of magnitude, not a small factor: "
                      "did you build the depth-10 network with plain_cnn(..., depth=10)?")
    return "correct: each sigmoid layer shrinks the gradient by a roughly constant factor."
