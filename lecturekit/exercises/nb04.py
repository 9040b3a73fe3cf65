"""Checkers for notebook 04 (activation functions)."""

from __future__ import annotations

import functools

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


@functools.lru_cache(maxsize=8)
def _gradient_ratio(depth: int, seed: int, images: int, width: int) -> float:
    import torch.nn.functional as F
    from torch import nn

    from .. import data

    digits = data.load("mnist", train=True, limit=images, verbose=False)
    x, y = next(iter(data.Loader(digits, batch_size=images, device="cpu")))
    torch.manual_seed(seed)                # in a fork of the random state (exercises.evaluate)
    layers = [nn.Conv2d(1, width, 3, padding=1), nn.Sigmoid()]
    for _ in range(depth - 2):
        layers += [nn.Conv2d(width, width, 3, padding=1), nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, 10))
    weighted = [m for m in model if isinstance(m, (nn.Conv2d, nn.Linear))]
    for layer in weighted:
        nn.init.xavier_normal_(layer.weight)
        nn.init.zeros_(layer.bias)
    F.cross_entropy(model(x), y).backward()
    return (weighted[0].weight.grad.norm() / weighted[-1].weight.grad.norm()).item()


def gradient_ratio(depth: int, images: int = 256, width: int = 32) -> float:
    """Notebook 04's measurement, made here so the checker does not take the student's word:
    first-layer / last-layer weight-gradient norm of the plain sigmoid CNN with Glorot
    initialization (``plain_cnn(nn.Sigmoid, nn.init.xavier_normal_, depth)``), built right after
    ``torch.manual_seed(lk.env.default_seed())``, on the notebook's first 256 MNIST digits."""
    from .. import env

    return _gradient_ratio(depth, env.default_seed(), images, width)


#: How far (in powers of ten) an answered ratio may be from the checker's own measurement:
#: the same experiment on another CPU or thread count rounds differently, by far less.
RATIO_DECADES = 0.05


@checker("04.5", "vanishing gradients at half the depth")
def ratio_at_depths(answer) -> str:
    """(ratio at depth 10, ratio at depth 20): first/last layer gradient norm, sigmoid, Glorot.

    The gradient is multiplied by about the same factor (well below 1) at every layer, so
    halving the depth roughly takes the square root of the ratio: many orders of magnitude.
    The checker measures both ratios itself (:func:`gradient_ratio`) and compares."""
    import math

    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Failure("give a pair: (ratio at depth 10, ratio at depth 20).")
    shallow, deep = (require_number(a, "each ratio") for a in answer)
    if not (0 < deep < 1 and 0 < shallow < 1):
        raise Failure("both ratios are first-layer / last-layer gradient norms of sigmoid "
                      "networks: positive and far below 1. Did you divide the right way round?")
    if not 0 < deep < shallow < 1:
        raise Failure("with half the layers, the gradient is multiplied by half as many small "
                      "factors: which ratio should be larger?")
    for given, depth in ((shallow, 10), (deep, 20)):
        if abs(math.log10(given) - math.log10(gradient_ratio(depth))) > RATIO_DECADES:
            raise Failure(f"your ratio at depth {depth} is not what this experiment measures: "
                          "build each network right after torch.manual_seed(lk.env.default_seed()) "
                          f"with plain_cnn(nn.Sigmoid, nn.init.xavier_normal_, depth={depth}) and "
                          "take gradient_norms on the notebook's digits, first / last.")
    return "correct: each sigmoid layer shrinks the gradient by a roughly constant factor."
