"""Inception v2/v3 (Szegedy, Vanhoucke, Ioffe, Shlens & Wojna, 2015), arXiv:1512.00567,
and the small Inception-style network of the batch-normalization notebook.

"Rethinking the Inception architecture" makes GoogLeNet cheaper by factorizing convolutions:
a 5x5 convolution becomes two 3x3 ones (Figure 5), an n x n convolution a 1 x n followed by an
n x 1 (Figure 6), and the 8x8 modules split their 3x3 into parallel 1x3 and 3x1 (Figure 7).
The grid shrinks with a reduction module that runs a stride-2 convolution and a stride-2
pooling side by side (Figure 10) instead of pooling first (a bottleneck) or convolving first
(expensive). Inception v3 adds batch normalization everywhere (also in the auxiliary
classifier), label smoothing and RMSProp, and takes 299x299 images.

The layout follows the authors' released implementation (which torchvision also follows),
so the count can be checked exactly: it keeps one 5x5 branch in the 35x35 modules.
"""

from __future__ import annotations

import functools

import torch
from torch import nn

from .. import recipes
from . import he_init_, register
from .blocks import ConvNormAct

IntPair = int | tuple[int, int]


#: v3's basic unit: convolution, batch norm (eps 0.001 as in the released network), ReLU;
#: the shared :class:`~lecturekit.models.blocks.ConvNormAct` with v3's epsilon.
conv_bn = functools.partial(ConvNormAct, eps=0.001, inplace=False)


def factorized(in_channels: int, out_channels: int, n: int) -> nn.Sequential:
    """An n x n convolution factorized into 1 x n then n x 1 (Figure 6)."""
    return nn.Sequential(conv_bn(in_channels, out_channels, (1, n), padding=(0, n // 2)),
                         conv_bn(out_channels, out_channels, (n, 1), padding=(n // 2, 0)))


class Branches(nn.Module):
    """Runs its branches on the same input and concatenates their outputs along the channels."""

    def __init__(self, *branches: nn.Module) -> None:
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([branch(x) for branch in self.branches], 1)


def pool_projection(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(nn.AvgPool2d(3, 1, padding=1), conv_bn(in_channels, out_channels, 1))


def inception_35x35(in_channels: int, pool_features: int) -> Branches:
    """Figure 5: the 5x5 convolution replaced by two 3x3 convolutions (the released network
    keeps one 5x5 branch beside them). Output: 224 + ``pool_features`` channels."""
    return Branches(
        conv_bn(in_channels, 64, 1),
        nn.Sequential(conv_bn(in_channels, 48, 1), conv_bn(48, 64, 5, padding=2)),
        nn.Sequential(conv_bn(in_channels, 64, 1), conv_bn(64, 96, 3, padding=1),
                      conv_bn(96, 96, 3, padding=1)),
        pool_projection(in_channels, pool_features))


def reduction_35_to_17(in_channels: int) -> Branches:
    """Figure 10: a stride-2 convolution branch and a stride-2 pooling branch side by side,
    so the grid halves while the channels grow, without a representational bottleneck."""
    return Branches(
        conv_bn(in_channels, 384, 3, stride=2),
        nn.Sequential(conv_bn(in_channels, 64, 1), conv_bn(64, 96, 3, padding=1),
                      conv_bn(96, 96, 3, stride=2)),
        nn.MaxPool2d(3, 2))


def inception_17x17(in_channels: int, width: int) -> Branches:
    """Figure 6 with n = 7: every 7x7 factorized into 1x7 and 7x1. Output: 768 channels."""
    return Branches(
        conv_bn(in_channels, 192, 1),
        nn.Sequential(conv_bn(in_channels, width, 1), conv_bn(width, width, (1, 7), padding=(0, 3)),
                      conv_bn(width, 192, (7, 1), padding=(3, 0))),
        nn.Sequential(conv_bn(in_channels, width, 1), factorized(width, width, 7),
                      conv_bn(width, width, (7, 1), padding=(3, 0)),
                      conv_bn(width, 192, (1, 7), padding=(0, 3))),
        pool_projection(in_channels, 192))


def reduction_17_to_8(in_channels: int) -> Branches:
    return Branches(
        nn.Sequential(conv_bn(in_channels, 192, 1), conv_bn(192, 320, 3, stride=2)),
        nn.Sequential(conv_bn(in_channels, 192, 1), factorized(192, 192, 7),
                      conv_bn(192, 192, 3, stride=2)),
        nn.MaxPool2d(3, 2))


def split_3x3(in_channels: int, out_channels: int) -> Branches:
    """Figure 7: a 1x3 and a 3x1 convolution side by side ("expanded filter bank outputs")."""
    return Branches(conv_bn(in_channels, out_channels, (1, 3), padding=(0, 1)),
                    conv_bn(in_channels, out_channels, (3, 1), padding=(1, 0)))


def inception_8x8(in_channels: int) -> Branches:
    """Figure 7, for the coarsest grid. Output: 2048 channels."""
    return Branches(
        conv_bn(in_channels, 320, 1),
        nn.Sequential(conv_bn(in_channels, 384, 1), split_3x3(384, 384)),
        nn.Sequential(conv_bn(in_channels, 448, 1), conv_bn(448, 384, 3, padding=1),
                      split_3x3(384, 384)),
        pool_projection(in_channels, 192))


class AuxiliaryHead(nn.Module):
    """The auxiliary classifier on the 17x17 grid, with batch normalization (section 7: it
    acts as a regularizer)."""

    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.AvgPool2d(5, 3), conv_bn(in_channels, 128, 1),
                                      conv_bn(128, 768, 5), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(768, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.features(x))


class InceptionV3(nn.Module):
    """Table 1 of the paper: a stem of plain convolutions (299 -> 35), three 35x35 modules,
    a reduction, four 17x17 modules, a reduction, two 8x8 modules, global average pooling,
    dropout and a linear classifier. In training mode with ``aux_logits`` the forward pass
    returns (main logits, auxiliary logits)."""

    def __init__(self, num_classes: int = 1000, in_channels: int = 3, aux_logits: bool = False,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            conv_bn(in_channels, 32, 3, stride=2), conv_bn(32, 32, 3), conv_bn(32, 64, 3, padding=1),
            nn.MaxPool2d(3, 2), conv_bn(64, 80, 1), conv_bn(80, 192, 3), nn.MaxPool2d(3, 2))
        self.grid35 = nn.Sequential(inception_35x35(192, 32), inception_35x35(256, 64),
                                    inception_35x35(288, 64))
        self.reduce35 = reduction_35_to_17(288)
        self.grid17 = nn.Sequential(inception_17x17(768, 128), inception_17x17(768, 160),
                                    inception_17x17(768, 160), inception_17x17(768, 192))
        self.aux = AuxiliaryHead(768, num_classes) if aux_logits else None
        self.reduce17 = reduction_17_to_8(768)
        self.grid8 = nn.Sequential(inception_8x8(1280), inception_8x8(2048))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout),
                                  nn.Linear(2048, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        x = self.grid17(self.reduce35(self.grid35(self.stem(x))))
        aux = self.aux(x) if self.aux is not None and self.training else None
        out = self.head(self.grid8(self.reduce17(x)))
        return (out, aux) if aux is not None else out


@register("inception_v3", family="inception", paper="inception_v3", input_shape=(3, 299, 299),
          torchvision="inception_v3", torchvision_options=dict(aux_logits=False, init_weights=False))
def inception_v3(*, num_classes: int = 1000, in_channels: int = 3, aux_logits: bool = False) -> nn.Module:
    """Inception v3 (Szegedy et al. 2015, arXiv:1512.00567), 299x299 input. Published: about
    23.8M parameters without the auxiliary classifier (23,834,568 in torchvision's layout,
    27,161,264 with it)."""
    return InceptionV3(num_classes, in_channels, aux_logits)


# ----------------------------------------------------------------- a small CIFAR network
class SmallInception(nn.Module):
    """Two branches (1x1, and 1x1 -> 3x3), concatenated: a minimal Inception module, with or
    without batch normalization and with a choice of nonlinearity."""

    def __init__(self, in_channels: int, ch1x1: int, ch3x3: int, batch_norm: bool,
                 activation: type[nn.Module]) -> None:
        super().__init__()
        unit = functools.partial(ConvNormAct, norm=batch_norm, act=activation, inplace=False)
        self.branches = Branches(
            unit(in_channels, ch1x1, 1),
            nn.Sequential(unit(in_channels, ch3x3 // 2, 1), unit(ch3x3 // 2, ch3x3, 3, padding=1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.branches(x)


@register("inception_bn_small", family="inception", paper="batchnorm", input_shape=(3, 32, 32),
          recipe=recipes.BATCHNORM_EXPERIMENT)
def inception_bn_small(*, num_classes: int = 10, in_channels: int = 3, batch_norm: bool = True,
                       activation: str = "relu", width: float = 1.0) -> nn.Module:
    """A small Inception-style CIFAR-10 network for the batch-normalization experiment (after
    Ioffe & Szegedy 2015, arXiv:1502.03167, Figure 2): a 3x3 stem, six two-branch Inception
    modules in three stages (16x16, 8x8, 4x4), global average pooling. ``batch_norm=False``
    gives the baseline, ``activation='sigmoid'`` the paper's BN-x5-Sigmoid variant; ``width``
    scales every layer's channels (0.25 for a class-scale run on 16x16 images). No published
    count."""
    if activation not in ("relu", "sigmoid"):
        raise ValueError(f"activation must be 'relu' or 'sigmoid', got {activation!r}.")
    if not (isinstance(width, (int, float)) and width > 0):
        raise ValueError(f"width must be a positive number (1.0 = the full network), got {width!r}.")
    act = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid}[activation]

    def c(channels: int) -> int:     # a width-scaled channel count, even so that 3x3 // 2 works
        return max(2, 2 * round(channels * width / 2))

    def module(cin: int, ch1x1: int, ch3x3: int) -> SmallInception:
        return SmallInception(cin, ch1x1, ch3x3, batch_norm, act)

    s1, s2, s3 = c(16) + c(32), c(32) + c(48), c(48) + c(64)   # module outputs per stage
    model = nn.Sequential(
        *ConvNormAct(in_channels, c(32), 3, padding=1, norm=batch_norm, act=act, inplace=False),
        nn.MaxPool2d(2),
        module(c(32), c(16), c(32)), module(s1, c(16), c(32)), nn.MaxPool2d(2),
        module(s1, c(32), c(48)), module(s2, c(32), c(48)), nn.MaxPool2d(2),
        module(s2, c(48), c(64)), module(s3, c(48), c(64)),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(s3, num_classes))
    return he_init_(model, mode="fan_in")   # so that the baseline without BN trains too
