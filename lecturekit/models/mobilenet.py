"""MobileNetV2 (Sandler, Howard, Zhu, Zhmoginov & Chen, 2018), arXiv:1801.04381.

"MobileNetV2: inverted residuals and linear bottlenecks". Xception's depthwise separable
convolution (a depthwise 3x3, one filter per channel, then a pointwise 1x1) is cheap, but a
depthwise filter sees only the channels it is given. MobileNetV2's block (section 3.3,
Table 1) therefore first *expands* the channels by a factor t with a 1x1 convolution, filters
them depthwise, and projects them back down with a 1x1 convolution: narrow - wide - narrow,
the inverse of ResNet's wide - narrow - wide bottleneck, with the shortcut between the narrow
ends ("inverted residual", section 3.3). The projection has no ReLU (a "linear bottleneck",
section 3.2): a ReLU in a low-dimensional space destroys information it cannot recover. The
other layers use ReLU6, min(max(x, 0), 6), "because of its robustness when used with
low-precision computation" (section 4). Table 2 is the network, one row per stage.

The layout is torchvision's (which follows the authors' released network), so torchvision's
ImageNet weights load into it unchanged.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from . import register
from .blocks import ConvNormAct


class Stage(NamedTuple):
    """One row of Table 2: ``n`` inverted residual blocks of expansion factor ``t`` and
    ``c`` output channels; the first block of the stage has stride ``s``."""

    t: int
    c: int
    n: int
    s: int


#: Table 2 of the paper: the bottleneck stages between the 3x3/2 stem convolution (32
#: channels) and the final 1x1 convolution (1280 channels), for 224x224 inputs.
TABLE_2 = (
    Stage(t=1, c=16, n=1, s=1),     # 112x112
    Stage(t=6, c=24, n=2, s=2),     # 56x56
    Stage(t=6, c=32, n=3, s=2),     # 28x28
    Stage(t=6, c=64, n=4, s=2),     # 14x14
    Stage(t=6, c=96, n=3, s=1),     # 14x14
    Stage(t=6, c=160, n=3, s=2),    # 7x7
    Stage(t=6, c=320, n=1, s=1),    # 7x7
)
STEM_CHANNELS, LAST_CHANNELS = 32, 1280


class InvertedResidual(nn.Module):
    """Table 1's bottleneck: 1x1 expansion to t * C_in channels (ReLU6; skipped when t = 1),
    3x3 depthwise convolution with stride s (ReLU6), 1x1 linear projection (batch norm, no
    activation). The input is added back when the block keeps its shape (stride 1, same
    channels), between the two narrow ends."""

    def __init__(self, in_channels: int, out_channels: int, stride: int, expansion: int) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"stride must be 1 or 2 (Table 2), got {stride!r}")
        hidden = in_channels * expansion
        layers: list[nn.Module] = []
        if expansion != 1:
            layers.append(ConvNormAct(in_channels, hidden, 1, act=nn.ReLU6))           # expand
        layers.append(ConvNormAct(hidden, hidden, 3, stride, padding=1, groups=hidden,
                                  act=nn.ReLU6))                                         # depthwise
        layers += ConvNormAct(hidden, out_channels, 1, act=None)    # linear bottleneck: no ReLU
        self.conv = nn.Sequential(*layers)
        self.use_residual = stride == 1 and in_channels == out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv(x) if self.use_residual else self.conv(x)


class MobileNetV2(nn.Module):
    """Table 2: a 3x3/2 convolution to 32 channels, the seven bottleneck stages, a 1x1
    convolution to 1280 channels, global average pooling, dropout and a linear classifier.
    ``width`` is the paper's width multiplier (section 6.1; channels rounded to multiples of
    8, as in the released network), ``table`` the stages."""

    def __init__(self, num_classes: int = 1000, in_channels: int = 3, width: float = 1.0,
                 table: tuple[Stage, ...] = TABLE_2, dropout: float = 0.2) -> None:
        super().__init__()
        channels = _round8(STEM_CHANNELS * width)
        last = _round8(LAST_CHANNELS * max(1.0, width))   # the paper keeps 1280 below width 1
        features: list[nn.Module] = [ConvNormAct(in_channels, channels, 3, 2, padding=1,
                                                 act=nn.ReLU6)]
        for t, c, n, s in table:
            out = _round8(c * width)
            for i in range(n):
                features.append(InvertedResidual(channels, out, s if i == 0 else 1, t))
                channels = out
        features.append(ConvNormAct(channels, last, 1, act=nn.ReLU6))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(last, num_classes))
        _init_like_torchvision(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = nn.functional.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


def _round8(channels: float) -> int:
    """Round to the nearest multiple of 8, never more than 10% below (the released code's
    ``_make_divisible``): hardware runs channel counts that are multiples of 8 fastest."""
    rounded = max(8, int(channels + 4) // 8 * 8)
    return rounded + 8 if rounded < 0.9 * channels else rounded


def _init_like_torchvision(model: nn.Module) -> None:
    """He initialization (fan_out) of the convolutions, BN at scale 1, shift 0, and the
    classifier from N(0, 0.01^2), as torchvision's MobileNetV2."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0, 0.01)
            nn.init.zeros_(m.bias)


@register("mobilenet_v2", family="mobilenet", paper="mobilenet_v2", input_shape=(3, 224, 224),
          torchvision="mobilenet_v2")
def mobilenet_v2(*, num_classes: int = 1000, in_channels: int = 3, width: float = 1.0) -> nn.Module:
    """MobileNetV2 (Sandler et al. 2018, arXiv:1801.04381), Table 2: inverted residual blocks
    with linear bottlenecks and ReLU6, 224x224 input; ``width`` is the width multiplier.
    Published: 3.4M parameters (Table 4); 3,504,872 in torchvision's layout."""
    if not (isinstance(width, (int, float)) and not isinstance(width, bool) and width > 0):
        raise ValueError(f"width must be a positive number (1.0 = the paper's network), got {width!r}")
    return MobileNetV2(num_classes, in_channels, width)
