"""GoogLeNet / Inception v1 (Szegedy et al., 2014), arXiv:1409.4842.

The paper's Inception module runs 1x1, 3x3 and 5x5 convolutions and a 3x3 max pooling side
by side on the same input and concatenates their outputs. The naive module is expensive, so
the real one puts 1x1 convolutions ("dimension reductions", borrowed from Network in Network)
before the 3x3 and 5x5 convolutions and after the pooling. Table 1 lists the 22-layer network
(27 with pooling layers); two auxiliary classifiers on top of inception (4a) and (4d) add
gradient signal in training and are discarded at inference.
"""

from __future__ import annotations

import torch
from torch import nn

from .. import recipes
from . import blocks, register
from .blocks import ConvNormAct


class NaiveInception(nn.Module):
    """Figure 2(a): 1x1, 3x3 and 5x5 convolutions and 3x3 max pooling, concatenated."""

    def __init__(self, in_channels: int, ch1x1: int, ch3x3: int, ch5x5: int) -> None:
        super().__init__()
        self.branch1 = ConvNormAct(in_channels, ch1x1, 1, norm=False)
        self.branch2 = ConvNormAct(in_channels, ch3x3, 3, padding=1, norm=False)
        self.branch3 = ConvNormAct(in_channels, ch5x5, 5, padding=2, norm=False)
        self.branch4 = nn.MaxPool2d(3, stride=1, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class Inception(nn.Module):
    """Figure 2(b), "with dimension reductions": the columns of Table 1 are
    #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj."""

    def __init__(self, in_channels: int, ch1x1: int, ch3x3_reduce: int, ch3x3: int,
                 ch5x5_reduce: int, ch5x5: int, pool_proj: int, batch_norm: bool = False) -> None:
        super().__init__()
        bn = batch_norm
        self.branch1 = ConvNormAct(in_channels, ch1x1, 1, norm=bn)
        self.branch2 = nn.Sequential(ConvNormAct(in_channels, ch3x3_reduce, 1, norm=bn),
                                     ConvNormAct(ch3x3_reduce, ch3x3, 3, padding=1, norm=bn))
        self.branch3 = nn.Sequential(ConvNormAct(in_channels, ch5x5_reduce, 1, norm=bn),
                                     ConvNormAct(ch5x5_reduce, ch5x5, 5, padding=2, norm=bn))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1),
                                     ConvNormAct(in_channels, pool_proj, 1, norm=bn))
        self.out_channels = ch1x1 + ch3x3 + ch5x5 + pool_proj

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class AuxiliaryClassifier(nn.Module):
    """Section 5: 5x5/3 average pooling, 1x1 convolution with 128 filters, FC 1024, dropout 70%,
    linear classifier."""

    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(4)  # 14x14 -> 4x4, the paper's 5x5/3 pooling
        self.conv = ConvNormAct(in_channels, 128, 1, norm=False)
        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(128 * 4 * 4, 1024), nn.ReLU(inplace=True),
                                nn.Dropout(0.7), nn.Linear(1024, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.conv(self.pool(x)))


#: Table 1 of the paper: the nine Inception modules.
TABLE_1 = {
    "3a": (192, 64, 96, 128, 16, 32, 32), "3b": (256, 128, 128, 192, 32, 96, 64),
    "4a": (480, 192, 96, 208, 16, 48, 64), "4b": (512, 160, 112, 224, 24, 64, 64),
    "4c": (512, 128, 128, 256, 24, 64, 64), "4d": (512, 112, 144, 288, 32, 64, 64),
    "4e": (528, 256, 160, 320, 32, 128, 128),
    "5a": (832, 256, 160, 320, 32, 128, 128), "5b": (832, 384, 192, 384, 48, 128, 128),
}


class GoogLeNet(nn.Module):
    """The 22-layer network of Table 1, with optional auxiliary classifiers. In training mode
    with ``aux_logits=True`` the forward pass returns (main, aux1, aux2) logits."""

    def __init__(self, num_classes: int = 1000, in_channels: int = 3, aux_logits: bool = False,
                 lrn: bool = True) -> None:
        super().__init__()
        # the authors' Caffe definition: LRN of 5 channels, Caffe's alpha 1e-4 (2e-5 in the
        # paper's convention, see blocks.lrn), beta 0.75, k = 1
        norm = (lambda: blocks.lrn(alpha=2e-5, k=1.0)) if lrn else nn.Identity
        self.stem = nn.Sequential(
            ConvNormAct(in_channels, 64, 7, stride=2, padding=3, norm=False),
            nn.MaxPool2d(3, 2, ceil_mode=True), norm(),
            ConvNormAct(64, 64, 1, norm=False), ConvNormAct(64, 192, 3, padding=1, norm=False),
            norm(), nn.MaxPool2d(3, 2, ceil_mode=True))
        self.inception3a = Inception(*TABLE_1["3a"])
        self.inception3b = Inception(*TABLE_1["3b"])
        self.pool3 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.inception4a = Inception(*TABLE_1["4a"])
        self.inception4b = Inception(*TABLE_1["4b"])
        self.inception4c = Inception(*TABLE_1["4c"])
        self.inception4d = Inception(*TABLE_1["4d"])
        self.inception4e = Inception(*TABLE_1["4e"])
        self.pool4 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.inception5a = Inception(*TABLE_1["5a"])
        self.inception5b = Inception(*TABLE_1["5b"])
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.4),
                                  nn.Linear(1024, num_classes))
        self.aux1 = AuxiliaryClassifier(512, num_classes) if aux_logits else None
        self.aux2 = AuxiliaryClassifier(528, num_classes) if aux_logits else None

    def forward(self, x: torch.Tensor):
        x = self.pool3(self.inception3b(self.inception3a(self.stem(x))))
        x = self.inception4a(x)
        aux1 = self.aux1(x) if self.aux1 is not None and self.training else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if self.aux2 is not None and self.training else None
        x = self.pool4(self.inception4e(x))
        out = self.head(self.inception5b(self.inception5a(x)))
        return (out, aux1, aux2) if aux1 is not None else out


class GoogLeNetSmall(nn.Module):
    """Class-scale GoogLeNet for 32x32 inputs: a 3x3 convolution and a 3x3/2 pooling as the
    stem (instead of 7x7/2, pooling, 1x1, 3x3, pooling), then Inception modules 3a, 3b, pool,
    4a, 4b, pool, 5a (of the paper's nine) at 16x16, 8x8 and 4x4, with every width multiplied
    by ``width`` and batch norm, then global average pooling."""

    def __init__(self, num_classes: int = 10, in_channels: int = 3, width: float = 0.25) -> None:
        super().__init__()

        def scaled(key: str, in_channels: int) -> Inception:
            widths = [max(4, int(round(c * width))) for c in TABLE_1[key][1:]]
            return Inception(in_channels, *widths, batch_norm=True)

        stem_out = max(8, int(round(192 * width)))
        self.stem = nn.Sequential(ConvNormAct(in_channels, stem_out, 3, padding=1, norm=True),
                                  nn.MaxPool2d(3, 2, padding=1))
        blocks: list[nn.Module] = []
        channels = stem_out
        for key in ("3a", "3b", "pool", "4a", "4b", "pool", "5a"):
            if key == "pool":
                blocks.append(nn.MaxPool2d(3, 2, padding=1))
                continue
            module = scaled(key, channels)
            blocks.append(module)
            channels = module.out_channels
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(channels, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(self.stem(x)))


@register("googlenet", family="googlenet", paper="googlenet", input_shape=(3, 224, 224))
def googlenet(*, num_classes: int = 1000, in_channels: int = 3, aux_logits: bool = False) -> nn.Module:
    """GoogLeNet / Inception v1 (Szegedy et al. 2014, arXiv:1409.4842), Table 1, with the two
    auxiliary classifiers as an option. Published: about 6.8M parameters (sum of Table 1's
    column; the slide's "about 5 million")."""
    return GoogLeNet(num_classes, in_channels, aux_logits)


@register("googlenet_small", family="googlenet", paper="googlenet", input_shape=(3, 32, 32),
          recipe=recipes.CIFAR_SMALL)
def googlenet_small(*, num_classes: int = 10, in_channels: int = 3, width: float = 0.25) -> nn.Module:
    """Class-scale GoogLeNet for CIFAR-10 (after Szegedy et al. 2014): see GoogLeNetSmall."""
    return GoogLeNetSmall(num_classes, in_channels, width)
