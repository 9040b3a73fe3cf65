"""Network in Network (Lin, Chen & Yan, 2013), arXiv:1312.4400.

The paper replaces the linear filter of a convolution by a small multilayer perceptron slid
over the input, the "mlpconv" layer, which is a convolution followed by 1x1 convolutions,
each with ReLU. The classifier is global average pooling: the last mlpconv layer has one
feature map per class, and each map is averaged into that class's score, "no parameter to
optimize" and "more robust to spatial translations". The CIFAR-10 network stacks three
mlpconv layers with pooling and dropout between them (section 4.2); the exact widths come
from the authors' released Caffe definitions, which the configurations below follow.
"""

from __future__ import annotations

from torch import nn

from .. import recipes
from . import register
from .blocks import ConvNormAct


def mlpconv(in_channels: int, widths: tuple[int, int, int], kernel: int, stride: int = 1,
            padding: int = 0, batch_norm: bool = False) -> nn.Sequential:
    """A k x k convolution followed by two 1x1 convolutions (a 3-layer MLP at every pixel),
    each followed by ReLU (and, with ``batch_norm``, by batch normalization before it). The
    convolutions keep their biases even before batch norm, as the shipped ``nin_small``
    weights were trained with them."""
    layers: list[nn.Module] = []
    for i, width in enumerate(widths):
        first = i == 0
        layers += ConvNormAct(in_channels if first else widths[i - 1], width,
                              kernel if first else 1, stride if first else 1,
                              padding if first else 0, norm=batch_norm, bias=True)
    return nn.Sequential(*layers)


class NIN(nn.Sequential):
    """mlpconv blocks with pooling (and dropout) between them, ending in global average
    pooling over one map per class."""


@register("nin_cifar10", family="nin", paper="nin", input_shape=(3, 32, 32))
def nin_cifar10(*, num_classes: int = 10, in_channels: int = 3, width: float = 1.0,
                dropout: float = 0.5, batch_norm: bool = False, head: str = "gap",
                image_size: int = 32, hidden: int = 1000) -> nn.Module:
    """NIN for CIFAR-10 (Lin et al. 2013, arXiv:1312.4400, section 4.2): three mlpconv layers
    192-160-96 (5x5), 192-192-192 (5x5), 192-192-classes (3x3), with 3x3/2 max and average
    pooling and dropout between them, then global average pooling; 966,986 parameters.
    ``width`` scales every hidden layer.

    ``head="fc"`` is the comparison of section 4.6 ("Global Average Pooling as a
    Regularizer"): the same backbone, whose last mlpconv layer keeps its hidden width, followed
    by a conventional fully connected classifier (``hidden`` ReLU units, then the classes) on
    the flattened maps of an ``image_size`` x ``image_size`` input."""
    if head not in ("gap", "fc"):
        raise ValueError(f"head must be 'gap' (global average pooling) or 'fc' (fully connected), got {head!r}")

    def w(channels: int) -> int:
        return max(8, int(round(channels * width)))

    bn = batch_norm
    last = num_classes if head == "gap" else w(192)
    backbone = [
        mlpconv(in_channels, (w(192), w(160), w(96)), 5, padding=2, batch_norm=bn),
        nn.MaxPool2d(3, 2, padding=1), nn.Dropout(dropout),
        mlpconv(w(96), (w(192), w(192), w(192)), 5, padding=2, batch_norm=bn),
        nn.AvgPool2d(3, 2, padding=1), nn.Dropout(dropout),
        mlpconv(w(192), (w(192), w(192), last), 3, padding=1, batch_norm=bn),
    ]
    if head == "gap":  # one map per class, averaged into that class's score: no parameters
        return NIN(*backbone, nn.AdaptiveAvgPool2d(1), nn.Flatten())
    side = (image_size + 3) // 4  # two 3x3/2 poolings with padding 1
    return NIN(*backbone, nn.Flatten(), nn.Linear(last * side * side, hidden), nn.ReLU(inplace=True),
               nn.Linear(hidden, num_classes))


@register("nin_small", family="nin", paper="nin", input_shape=(3, 32, 32), recipe=recipes.CIFAR_SMALL)
def nin_small(*, num_classes: int = 10, in_channels: int = 3, width: float = 0.25,
              dropout: float = 0.5, head: str = "gap", image_size: int = 32,
              hidden: int = 1000) -> nn.Module:
    """Class-scale NIN for CIFAR-10 (after Lin et al. 2013): the paper's CIFAR-10 network at a
    quarter of the width (48-40-24, 48-48-48, 48-48-classes) with batch normalization after
    every convolution, which lets it train in minutes without the paper's careful tuning.
    ``head="fc"`` swaps global average pooling for a fully connected classifier (see
    :func:`nin_cifar10`)."""
    return nin_cifar10(num_classes=num_classes, in_channels=in_channels, width=width,
                       dropout=dropout, batch_norm=True, head=head, image_size=image_size,
                       hidden=hidden)


@register("nin_imagenet", family="nin", paper="nin", input_shape=(3, 224, 224))
def nin_imagenet(*, num_classes: int = 1000, in_channels: int = 3) -> nn.Module:
    """NIN for ImageNet (Lin et al. 2013; the authors' released ImageNet model): four mlpconv
    layers 96-96-96 (11x11/4), 256-256-256 (5x5), 384-384-384 (3x3), 1024-1024-classes (3x3),
    3x3/2 max pooling between them, dropout before the last, global average pooling."""
    return NIN(
        mlpconv(in_channels, (96, 96, 96), 11, stride=4), nn.MaxPool2d(3, 2, ceil_mode=True),
        mlpconv(96, (256, 256, 256), 5, padding=2), nn.MaxPool2d(3, 2, ceil_mode=True),
        mlpconv(256, (384, 384, 384), 3, padding=1), nn.MaxPool2d(3, 2, ceil_mode=True),
        nn.Dropout(0.5),
        mlpconv(384, (1024, 1024, num_classes), 3, padding=1),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    )
