"""Wide Residual Networks (Zagoruyko & Komodakis, 2016), arXiv:1605.07146.

Is depth everything? The paper widens the residual units of the CIFAR ResNets by a factor k
instead of stacking more of them. WRN-d-k has depth d = 6n+4 (n pre-activation units of two
3x3 convolutions per stage, plus the first convolution, and the 1x1 shortcuts of stages 2 and 3
counted as in the paper) and widths 16, 16k, 32k, 64k. The block types of the paper's Figure 1:
(a) basic, (b) bottleneck, (c) basic-wide and (d) wide-dropout, dropout between the two
convolutions, after the ReLU (section 2.3). WRN-28-10 (36.5M parameters) beat the 1001-layer
ResNet on CIFAR-10 while training several times faster. The ImageNet ``wide_resnet50_2``
(ResNet-50 with bottlenecks twice as wide) is registered here too, built from ``resnet.py``'s
classes.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .. import recipes
from . import he_init_, register
from .resnet import Bottleneck, ResNet


class WideBlock(nn.Module):
    """A pre-activation residual unit: BN -> ReLU -> conv for each kernel size in ``kernels``
    ((3, 3) basic, (1, 3, 1) bottleneck-shaped), with dropout after the last ReLU and before the
    last convolution (the "wide-dropout" block) and a 1x1 convolution on the shortcut where the
    shape changes."""

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 kernels: tuple[int, ...] = (3, 3), dropout: float = 0.0,
                 bottleneck_width: int | None = None) -> None:
        super().__init__()
        widths = [bottleneck_width or channels] * (len(kernels) - 1) + [channels]
        layers: list[nn.Module] = []
        cin = in_channels
        for i, (k, width) in enumerate(zip(kernels, widths)):
            first_3x3 = k == 3 and all(kk != 3 for kk in kernels[:i])
            layers += [nn.BatchNorm2d(cin), nn.ReLU(inplace=i > 0)]
            if i == len(kernels) - 1 and dropout > 0:
                # "a dropout layer into each residual block between convolutions and after
                # ReLU" (section 2.3 of the paper): BN -> ReLU -> dropout -> last convolution.
                layers.append(nn.Dropout(dropout))
            layers.append(nn.Conv2d(cin, width, k, stride if first_3x3 else 1, k // 2, bias=False))
            cin = width
        self.residual = nn.Sequential(*layers)
        self.shortcut = (nn.Conv2d(in_channels, channels, 1, stride, bias=False)
                         if stride != 1 or in_channels != channels else None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.shortcut is None:
            return self.residual(x) + x
        # The first BN-ReLU is shared with the projection shortcut, as in the paper's code.
        preactivated = F.relu(self.residual[0](x))
        return self.residual[3:](self.residual[2](preactivated)) + self.shortcut(preactivated)


BLOCK_TYPES = {
    "basic": dict(kernels=(3, 3)),
    "bottleneck": dict(kernels=(1, 3, 1)),
    "basic-wide": dict(kernels=(3, 3)),
    "wide-dropout": dict(kernels=(3, 3), dropout=0.3),
}


class WideResNet(nn.Module):
    """WRN-``depth``-``widen`` for 32x32 images (the paper's Table 1)."""

    def __init__(self, depth: int = 28, widen: int = 10, num_classes: int = 10, in_channels: int = 3,
                 dropout: float = 0.0, block: str = "basic") -> None:
        super().__init__()
        if (depth - 4) % 6:
            raise ValueError(f"WRN depth must be 6n+4 (16, 22, 28, 40, ...), got {depth}")
        if block not in BLOCK_TYPES:
            raise ValueError(f"unknown block {block!r}; choose one of {', '.join(BLOCK_TYPES)}")
        n = (depth - 4) // 6
        options = dict(BLOCK_TYPES[block])
        options["dropout"] = dropout or options.get("dropout", 0.0)
        self.stem = nn.Conv2d(in_channels, 16, 3, padding=1, bias=False)
        channels, stages = 16, []
        for stage, width in enumerate((16 * widen, 32 * widen, 64 * widen)):
            units = []
            for i in range(n):
                extra = {"bottleneck_width": width // 4} if block == "bottleneck" else {}
                units.append(WideBlock(channels, width, 2 if stage > 0 and i == 0 else 1,
                                       **options, **extra))
                channels = width
            stages.append(nn.Sequential(*units))
        self.stage1, self.stage2, self.stage3 = stages
        self.head = nn.Sequential(nn.BatchNorm2d(channels), nn.ReLU(inplace=True),
                                  nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))
        he_init_(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.stage3(self.stage2(self.stage1(self.stem(x)))))


def _register(depth: int, widen: int) -> None:
    def build(*, num_classes: int = 10, in_channels: int = 3, dropout: float = 0.0,
              block: str = "basic") -> nn.Module:
        return WideResNet(depth, widen, num_classes, in_channels, dropout, block)

    register(f"wrn{depth}_{widen}", family="wide_resnet", paper="wide_resnet",
             input_shape=(3, 32, 32), recipe=recipes.CIFAR_CLASS,
             doc=f"WRN-{depth}-{widen} for CIFAR-10 (Zagoruyko & Komodakis 2016, arXiv:1605.07146, "
                 f"Table 1 and Figure 1). ``block`` is one of the paper's "
                 f"types: {', '.join(BLOCK_TYPES)}.")(build)


for _depth, _widen in [(28, 10), (40, 4), (16, 4), (16, 8), (16, 1), (10, 2), (10, 4)]:
    _register(_depth, _widen)


# ------------------------------------------------------------------------ ImageNet
@register("wide_resnet50_2", family="wide_resnet", paper="wide_resnet", input_shape=(3, 224, 224),
          torchvision="wide_resnet50_2")
def wide_resnet50_2(*, num_classes: int = 1000, in_channels: int = 3) -> nn.Module:
    """Wide ResNet-50-2 (Zagoruyko & Komodakis 2016, arXiv:1605.07146): ResNet-50 with
    bottlenecks twice as wide."""
    return ResNet(Bottleneck, [3, 4, 6, 3], num_classes, in_channels, width_per_group=128,
                  stride_on_3x3=True)
