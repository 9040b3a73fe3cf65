"""Checkers for notebook 13 (ResNet)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from . import check_function, checker, compare_number


@checker("13.1", "parameters of a basic block")
def basic_block_parameters(answer) -> str:
    return compare_number(answer, 2 * 3 * 3 * 128 * 128 + 4 * 128, "two 3x3x128 filters per "
                          "output channel in each convolution, and gamma and beta per BN channel.")


@checker("13.2", "forward pass of a basic block")
def basic_block(function) -> str:
    torch.manual_seed(13)
    conv1, conv2 = nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.Conv2d(8, 8, 3, padding=1, bias=False)
    bn1, bn2 = nn.BatchNorm2d(8).eval(), nn.BatchNorm2d(8).eval()
    for bn in (bn1, bn2):
        bn.running_mean.normal_()
        bn.bias.data.normal_()
    x = torch.randn(2, 8, 6, 6)

    def hint(got, *_) -> str:
        branch = bn2(conv2(F.relu(bn1(conv1(x)))))
        if torch.allclose(got, branch + x, atol=1e-5):
            return "almost: v1 blocks apply ReLU after the addition too."
        if torch.allclose(got, F.relu(branch), atol=1e-5):
            return "the shortcut is missing: add x before the last ReLU."
        return "conv1 -> bn1 -> ReLU -> conv2 -> bn2, plus x, ReLU."

    with torch.no_grad():
        expected = F.relu(bn2(conv2(F.relu(bn1(conv1(x))))) + x)
        check_function(function, "basic_block", [("a block of 8 channels", (x, conv1, bn1, conv2, bn2),
                                                  expected)], hint)
    return "the block computes ReLU(F(x) + x)."


@checker("13.3", "blocks in ResNet-110")
def blocks_in_resnet110(answer) -> str:
    return compare_number(answer, 54, "6n+2 = 110 gives n blocks per stage, each with two weight "
                          "layers; there are three stages.")
