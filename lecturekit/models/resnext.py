"""ResNeXt's aggregated transformation (Xie, Girshick, Dollar, Tu & He, 2016), arXiv:1611.05431.

A ResNeXt block splits the residual branch into C parallel paths ("cardinality"), each a
small bottleneck of width d: 1x1 (in -> d), 3x3 (d -> d), 1x1 (d -> out), and sums them. The
paper's Figure 3 gives three equivalent forms: (a) the C paths summed; (b) the 1x1 and 3x3 of
every path, concatenated, then one 1x1 on the concatenation; (c) one 1x1 to C*d channels, a
grouped 3x3 convolution with C groups, one 1x1. Form (c) is how it is implemented (and is the
group convolution of AlexNet's two-GPU split); ``equivalent_forms`` builds all three with the
same weights so that one can check they compute the same function. The ImageNet ResNeXt-50
and -101 are registered here, built from ``resnet.py``'s bottleneck with ``groups`` and
``width_per_group``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from . import register
from .resnet import Bottleneck, ResNet


class SplitPaths(nn.Module):
    """Form (a): C paths of 1x1 -> 3x3 -> 1x1, summed (ReLU after the first two layers)."""

    def __init__(self, in_channels: int, cardinality: int, width: int, out_channels: int) -> None:
        super().__init__()
        self.paths = nn.ModuleList(
            nn.Sequential(nn.Conv2d(in_channels, width, 1, bias=False), nn.ReLU(),
                          nn.Conv2d(width, width, 3, padding=1, bias=False), nn.ReLU(),
                          nn.Conv2d(width, out_channels, 1, bias=False))
            for _ in range(cardinality))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack([path(x) for path in self.paths]).sum(0)


class ConcatenatedPaths(nn.Module):
    """Form (b): the first two layers of every path, concatenated, then one 1x1 convolution."""

    def __init__(self, in_channels: int, cardinality: int, width: int, out_channels: int) -> None:
        super().__init__()
        self.paths = nn.ModuleList(
            nn.Sequential(nn.Conv2d(in_channels, width, 1, bias=False), nn.ReLU(),
                          nn.Conv2d(width, width, 3, padding=1, bias=False), nn.ReLU())
            for _ in range(cardinality))
        self.merge = nn.Conv2d(cardinality * width, out_channels, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.merge(torch.cat([path(x) for path in self.paths], 1))


class GroupedPaths(nn.Module):
    """Form (c): 1x1 to C*d channels, a 3x3 convolution with C groups, 1x1."""

    def __init__(self, in_channels: int, cardinality: int, width: int, out_channels: int) -> None:
        super().__init__()
        self.reduce = nn.Conv2d(in_channels, cardinality * width, 1, bias=False)
        self.grouped = nn.Conv2d(cardinality * width, cardinality * width, 3, padding=1,
                                 groups=cardinality, bias=False)
        self.expand = nn.Conv2d(cardinality * width, out_channels, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.expand(F.relu(self.grouped(F.relu(self.reduce(x)))))


def equivalent_forms(in_channels: int = 256, cardinality: int = 32, width: int = 4,
                     out_channels: int = 256,
                     seed: int = 0) -> tuple[SplitPaths, ConcatenatedPaths, GroupedPaths]:
    """Forms (a), (b) and (c) of Figure 3 holding the same weights (the paper's template:
    256 channels, cardinality 32, width 4)."""
    torch.manual_seed(seed)
    split = SplitPaths(in_channels, cardinality, width, out_channels)
    concat = ConcatenatedPaths(in_channels, cardinality, width, out_channels)
    grouped = GroupedPaths(in_channels, cardinality, width, out_channels)
    with torch.no_grad():
        for i, path in enumerate(split.paths):
            concat.paths[i][0].weight.copy_(path[0].weight)
            concat.paths[i][2].weight.copy_(path[2].weight)
            columns = slice(i * width, (i + 1) * width)
            concat.merge.weight[:, columns] = path[4].weight
            grouped.reduce.weight[columns] = path[0].weight
            grouped.grouped.weight[columns] = path[2].weight
            grouped.expand.weight[:, columns] = path[4].weight
    return split, concat, grouped


# ------------------------------------------------------------------------ ImageNet
@register("resnext50_32x4d", family="resnext", paper="resnext", input_shape=(3, 224, 224),
          torchvision="resnext50_32x4d")
def resnext50_32x4d(*, num_classes: int = 1000, in_channels: int = 3) -> nn.Module:
    """ResNeXt-50 32x4d (Xie et al. 2016, arXiv:1611.05431): 32 groups of width 4 in every
    bottleneck."""
    return ResNet(Bottleneck, [3, 4, 6, 3], num_classes, in_channels, groups=32,
                  width_per_group=4, stride_on_3x3=True)


@register("resnext101_32x8d", family="resnext", paper="resnext", input_shape=(3, 224, 224),
          torchvision="resnext101_32x8d")
def resnext101_32x8d(*, num_classes: int = 1000, in_channels: int = 3) -> nn.Module:
    """ResNeXt-101 32x8d (Xie et al. 2016, arXiv:1611.05431): 32 groups of width 8."""
    return ResNet(Bottleneck, [3, 4, 23, 3], num_classes, in_channels, groups=32,
                  width_per_group=8, stride_on_3x3=True)
