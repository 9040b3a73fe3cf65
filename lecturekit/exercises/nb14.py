"""Checkers for notebook 14 (the ResNet family)."""

from __future__ import annotations

import math

from . import check_function, checker, compare_function, compare_number


@checker("14.1", "paths of length 5")
def paths(answer) -> str:
    return compare_number(answer, math.comb(10, 5), "choose which 5 of the 10 blocks the path "
                          "goes through.")


def _expected(blocks, p_last):
    return sum(1 - l / blocks * (1 - p_last) for l in range(1, blocks + 1))


@checker("14.2", "expected depth with stochastic depth")
def expected_depth(function) -> str:
    cases = [((54, 0.5), {}, _expected(54, 0.5)), ((9, 1.0), {}, 9.0), ((10, 0.0), {}, 4.5),
             ((27, 0.8), {}, _expected(27, 0.8))]
    return compare_function(function, cases, "expected_depth",
                            equal=lambda a, b: a is not None and math.isclose(a, b, rel_tol=1e-9))


@checker("14.3", "weights of a grouped convolution")
def grouped(answer) -> str:
    return compare_number(answer, 4_608, "each of the 32 groups maps 128/32 channels to 128/32 "
                          "channels with 3x3 kernels.")


def _modules(channels: int = 8):
    """The layers of a small pre-activation unit, with BN statistics that are not the identity."""
    import torch
    from torch import nn

    torch.manual_seed(14)
    bn1, bn2 = nn.BatchNorm2d(channels).eval(), nn.BatchNorm2d(channels).eval()
    for bn in (bn1, bn2):
        bn.running_mean.normal_()
        bn.bias.data.normal_()
    conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
    conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
    return bn1, conv1, bn2, conv2, torch.randn(2, channels, 6, 6)


@checker("14.5", "a pre-activation unit")
def preact_unit(function) -> str:
    import torch
    import torch.nn.functional as F

    bn1, conv1, bn2, conv2, x = _modules()

    def hint(got, expected, *_) -> str:
        if torch.allclose(got, F.relu(expected), rtol=0, atol=1e-5):
            return "almost: a pre-activation unit has nothing after the addition (no ReLU)."
        if torch.allclose(got, expected - x, rtol=0, atol=1e-5):
            return "the shortcut is missing: add x to the branch's output."
        if torch.allclose(got, bn2(conv2(F.relu(bn1(conv1(x))))) + x, rtol=0, atol=1e-5):
            return ("that is the original order (conv -> BN -> ReLU): pre-activation puts BN and ReLU "
                    "before each convolution.")
        return "BN1 -> ReLU -> conv1 -> BN2 -> ReLU -> conv2, plus x."

    with torch.no_grad():
        expected = conv2(F.relu(bn2(conv1(F.relu(bn1(x)))))) + x
        check_function(function, "preact_unit", [("a unit of 8 channels", (x, bn1, conv1, bn2, conv2),
                                                  expected)], hint, rtol=0)
    return "the unit computes x + conv2(ReLU(BN2(conv1(ReLU(BN1(x)))))), a clean identity path."


class TanhBranch:
    """The residual branch of 14.6, tanh(x @ weight): a class of this module, so that the
    grader can send it to the student's function in the kernel."""

    def __init__(self, weight):
        self.weight = weight

    def __call__(self, x):
        import torch

        return torch.tanh(x @ self.weight)


@checker("14.6", "a stochastic-depth forward pass")
def stochastic_depth_forward(function) -> str:
    import torch

    torch.manual_seed(146)
    branch = TanhBranch(torch.randn(4, 4))

    def hint(got, expected, x, branch, p, training, survives) -> str:
        if not training and torch.allclose(got, x + branch(x), rtol=0, atol=1e-6):
            return ("at test time every block is used, its branch scaled by the survival probability p "
                    "(the expected value of the training-time output).")
        return "a kept block adds its branch to x, a dropped one passes x on."

    x = torch.randn(3, 4)
    cases = [("training, the block survives", (x, branch, 0.7, True, True), x + branch(x)),
             ("training, the block is dropped", (x, branch, 0.7, True, False), x),
             ("test time", (x, branch, 0.7, False, True), x + 0.7 * branch(x)),
             ("test time (the draw is ignored)", (x, branch, 0.7, False, False), x + 0.7 * branch(x))]
    check_function(function, "stochastic_depth_forward", cases, hint, atol=1e-6, rtol=0)
    return "dropped blocks pass x on; at test time the branch is scaled by p."
