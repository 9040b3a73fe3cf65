"""Activation functions and their derivatives, written out.

Each entry of :data:`ACTIVATIONS` pairs a function with its derivative; the tests check every
function against ``torch.nn.functional`` and every derivative against autograd.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from .. import _validate as check


def _elementwise(function: Callable) -> Callable:
    """Check the arguments of an element-wise function before it runs: ``x`` a tensor, the
    others (``negative_slope``, ``alpha``) numbers, so a mistake is one sentence naming the
    argument rather than an error from deep inside torch."""
    names, argument = list(inspect.signature(function).parameters)[1:], f"{function.__name__}'s x"

    @functools.wraps(function)
    def checked(x, *args, **kwargs):
        check.tensor(x, argument)
        if args or kwargs:
            for name, value in [*zip(names, args), *kwargs.items()]:
                check.number(value, name)
        return function(x, *args, **kwargs)
    return checked


@_elementwise
def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """1 / (1 + e^-x), computed without overflow for large |x|."""
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


@_elementwise
def sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    """s(x)(1 - s(x)): at most 1/4, at x = 0."""
    s = sigmoid(x)
    return s * (1 - s)


@_elementwise
def tanh(x: torch.Tensor) -> torch.Tensor:
    """(e^x - e^-x) / (e^x + e^-x) = 2 sigmoid(2x) - 1."""
    return 2 * sigmoid(2 * x) - 1


@_elementwise
def tanh_derivative(x: torch.Tensor) -> torch.Tensor:
    """1 - tanh(x)^2: at most 1, at x = 0."""
    return 1 - tanh(x) ** 2


@_elementwise
def relu(x: torch.Tensor) -> torch.Tensor:
    """max(0, x)."""
    return torch.clamp(x, min=0)


@_elementwise
def relu_derivative(x: torch.Tensor) -> torch.Tensor:
    """1 for x > 0, else 0 (0 at x = 0, as autograd uses)."""
    return (x > 0).to(x.dtype)


@_elementwise
def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """x for x > 0, negative_slope * x otherwise."""
    return torch.where(x > 0, x, negative_slope * x)


@_elementwise
def leaky_relu_derivative(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    return torch.where(x > 0, torch.ones_like(x), torch.full_like(x, negative_slope))


@_elementwise
def elu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """x for x > 0, alpha (e^x - 1) otherwise (Clevert et al. 2015)."""
    return torch.where(x > 0, x, alpha * torch.expm1(torch.clamp(x, max=0)))


@_elementwise
def elu_derivative(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    return torch.where(x > 0, torch.ones_like(x), alpha * torch.exp(torch.clamp(x, max=0)))


def _normal_cdf(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * (1 + torch.erf(x / math.sqrt(2)))


@_elementwise
def gelu(x: torch.Tensor) -> torch.Tensor:
    """x * Phi(x), Phi the standard normal CDF (Hendrycks & Gimpel 2016)."""
    return x * _normal_cdf(x)


@_elementwise
def gelu_derivative(x: torch.Tensor) -> torch.Tensor:
    """Phi(x) + x * phi(x), phi the standard normal density."""
    density = torch.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi)
    return _normal_cdf(x) + x * density


@_elementwise
def silu(x: torch.Tensor) -> torch.Tensor:
    """x * sigmoid(x), also called Swish (Ramachandran et al. 2017)."""
    return x * sigmoid(x)


@_elementwise
def silu_derivative(x: torch.Tensor) -> torch.Tensor:
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


@dataclass(frozen=True)
class Activation:
    name: str
    function: Callable[[torch.Tensor], torch.Tensor]
    derivative: Callable[[torch.Tensor], torch.Tensor]
    introduced: str


ACTIVATIONS: dict[str, Activation] = {a.name: a for a in [
    Activation("sigmoid", sigmoid, sigmoid_derivative, "classic"),
    Activation("tanh", tanh, tanh_derivative, "classic (LeNet-5 used a scaled tanh)"),
    Activation("relu", relu, relu_derivative, "Nair & Hinton 2010; AlexNet 2012"),
    Activation("leaky_relu", leaky_relu, leaky_relu_derivative, "Maas et al. 2013"),
    Activation("elu", elu, elu_derivative, "Clevert et al. 2015"),
    Activation("gelu", gelu, gelu_derivative, "Hendrycks & Gimpel 2016"),
    Activation("silu", silu, silu_derivative, "Ramachandran et al. 2017 (Swish)"),
]}
