"""Xception (Chollet, 2016), arXiv:1610.02357.

"Extreme Inception": if an Inception module maps cross-channel correlations (the 1x1
convolutions) and spatial correlations (the 3x3 ones) separately, take the idea to its end
and map the spatial correlations of every channel separately. That is a depthwise separable
convolution: a depthwise 3x3 convolution (one filter per channel, ``groups = channels``)
followed by a pointwise 1x1 convolution. Xception is 36 such layers in 14 modules, all but
the first and last with linear residual connections, in three flows (Figure 5): the entry
flow (299 -> 19x19, 728 channels), the middle flow repeated eight times, and the exit flow.
"""

from __future__ import annotations

import torch
from torch import nn

from .. import recipes
from . import register
from .blocks import ConvNormAct, SeparableConv2d  # noqa: F401 (xception.SeparableConv2d, notebook 12)


class XceptionBlock(nn.Module):
    """Separable-convolution units plus a shortcut: the identity, or (when the block ends with
    a stride-2 max pooling or changes the width) a strided 1x1 convolution with BN."""

    def __init__(self, in_channels: int, widths: list[int], downsample: bool,
                 relu_first: bool = True) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = in_channels
        for i, width in enumerate(widths):
            # the unit of the flows: ReLU -> separable convolution -> BN (Figure 5)
            if relu_first or i > 0:
                layers.append(nn.ReLU())
            layers += ConvNormAct(channels, width, 3, separable=True, act=None)
            channels = width
        if downsample:
            layers.append(nn.MaxPool2d(3, 2, padding=1))
        self.residual = nn.Sequential(*layers)
        self.shortcut: nn.Module = nn.Identity()
        if downsample or channels != in_channels:
            self.shortcut = ConvNormAct(in_channels, channels, 1, stride=2 if downsample else 1,
                                        act=None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.residual(x) + self.shortcut(x)


class Xception(nn.Module):
    """Figure 5 of the paper: entry flow, middle flow (x8), exit flow, logistic regression."""

    def __init__(self, num_classes: int = 1000, in_channels: int = 3, middle_blocks: int = 8) -> None:
        super().__init__()
        self.entry = nn.Sequential(
            *ConvNormAct(in_channels, 32, 3, 2), *ConvNormAct(32, 64, 3),
            XceptionBlock(64, [128, 128], downsample=True, relu_first=False),
            XceptionBlock(128, [256, 256], downsample=True),
            XceptionBlock(256, [728, 728], downsample=True))
        self.middle = nn.Sequential(*[XceptionBlock(728, [728, 728, 728], downsample=False)
                                      for _ in range(middle_blocks)])
        self.exit = nn.Sequential(
            XceptionBlock(728, [728, 1024], downsample=True),
            *ConvNormAct(1024, 1536, 3, separable=True),
            *ConvNormAct(1536, 2048, 3, separable=True))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(2048, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.exit(self.middle(self.entry(x))))


@register("xception", family="xception", paper="xception", input_shape=(3, 299, 299))
def xception(*, num_classes: int = 1000, in_channels: int = 3) -> nn.Module:
    """Xception (Chollet 2016, arXiv:1610.02357), 299x299 input. Published: 22,855,952
    parameters (Table 3)."""
    return Xception(num_classes, in_channels)


# ----------------------------------------------------------------- a small CIFAR network
@register("separable_small", family="xception", paper="xception", input_shape=(3, 32, 32),
          recipe=recipes.SEPARABLE_COMPARISON)
def separable_small(*, num_classes: int = 10, in_channels: int = 3, separable: bool = True,
                    width: int = 32) -> nn.Module:
    """A small VGG-style CIFAR-10 network (widths w, 2w, 4w; two 3x3 layers per stage) whose
    3x3 convolutions after the first are depthwise separable (``separable=True``) or regular,
    to compare the two at equal depth and width, as Chollet (2016, arXiv:1610.02357) compares
    Xception with Inception v3. No published count."""
    def unit(cin: int, cout: int, separable: bool) -> list[nn.Module]:
        return list(ConvNormAct(cin, cout, 3, padding=1, separable=separable))

    layers = unit(in_channels, width, separable=False)
    channels = width
    for stage, out in enumerate((width, 2 * width, 4 * width)):
        if stage > 0:
            layers.append(nn.MaxPool2d(2))
        layers += unit(channels, out, separable) + unit(out, out, separable)
        channels = out
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(channels, num_classes))
