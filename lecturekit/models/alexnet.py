"""AlexNet (Krizhevsky, Sutskever & Hinton, 2012).

Paper: "ImageNet classification with deep convolutional neural networks", NeurIPS 2012.
Section 3.5 and Figure 2: five convolutional and three fully connected layers; 96, 256, 384,
384 and 256 kernels of 11x11 (stride 4), 5x5, 3x3, 3x3, 3x3; ReLU after every layer; local
response normalization after the first two convolutions; overlapping 3x3/2 max pooling after
the response normalizations and after the fifth convolution; two hidden layers of 4096 units
with dropout 0.5 on their outputs ("We use dropout in the first two fully-connected layers");
a 1000-way softmax. The network was split over two GPUs that communicate
only in certain layers: conv2, conv4 and conv5 see only the maps of their own GPU, which is a
grouped convolution with two groups. "The neural network has 60 million parameters".
"""

from __future__ import annotations

from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn

from .. import recipes
from . import register
from .blocks import ConvNormAct, lrn

#: The paper's local response normalization (section 3.3), kept under its old name:
#: :func:`lecturekit.models.blocks.lrn` with its defaults k = 2, n = 5, alpha = 1e-4, beta = 0.75.
local_response_norm = lrn


class AlexNet(nn.Module):
    """AlexNet with configurable widths; ``groups=2`` gives the paper's two-GPU layout and
    ``lrn=True`` its local response normalization."""

    def __init__(self, channels=(96, 256, 384, 384, 256), groups: int = 2, lrn: bool = True,
                 hidden: int = 4096, num_classes: int = 1000, in_channels: int = 3,
                 dropout: float = 0.5) -> None:
        super().__init__()
        c1, c2, c3, c4, c5 = channels

        def conv(cin, cout, kernel, stride=1, padding=0, groups=1):
            """A convolution and its ReLU, named ``conv`` and ``relu`` (no batch norm in 2012)."""
            unit = ConvNormAct(cin, cout, kernel, stride, padding, groups=groups, norm=False,
                               names=dict(conv="conv", act="relu"))
            return list(unit.named_children())

        def block(name, layers):
            return name, nn.Sequential(OrderedDict(layers))

        def norm():
            return [("lrn", local_response_norm())] if lrn else []

        def pool():
            return [("pool", nn.MaxPool2d(kernel_size=3, stride=2))]

        self.features = nn.Sequential(OrderedDict([
            block("conv1", conv(in_channels, c1, 11, stride=4, padding=2) + norm() + pool()),
            block("conv2", conv(c1, c2, 5, padding=2, groups=groups) + norm() + pool()),
            block("conv3", conv(c2, c3, 3, padding=1)),                   # across both GPUs
            block("conv4", conv(c3, c4, 3, padding=1, groups=groups)),
            block("conv5", conv(c4, c5, 3, padding=1, groups=groups) + pool()),
        ]))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))  # 6x6 already at 224x224; any size works
        # Dropout sets each output unit of fc6 and of fc7 to zero with probability 0.5 (the
        # paper's section 4.2; the authors' Caffe definition: fc6, relu6, drop6, fc7, relu7, drop7).
        self.classifier = nn.Sequential(OrderedDict([
            ("fc6", nn.Linear(c5 * 6 * 6, hidden)), ("relu6", nn.ReLU(inplace=True)),
            ("dropout6", nn.Dropout(dropout)),
            ("fc7", nn.Linear(hidden, hidden)), ("relu7", nn.ReLU(inplace=True)),
            ("dropout7", nn.Dropout(dropout)),
            ("fc8", nn.Linear(hidden, num_classes)),
        ]))

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


CIFAR_CHANNELS = (24, 64, 96, 96, 64)   # a quarter of the paper's 96-256-384-384-256 kernels


class AlexNetSmall(nn.Module):
    """A class-scale AlexNet for 32x32 images: the same sequence of ideas (5 convolutions with
    ReLU, LRN, overlapping 3x3/2 pooling, groups=2 in conv2, conv4 and conv5, two
    dropout-regularized hidden layers), with 3x3/5x5 kernels instead of 11x11 stride 4, a
    quarter of the channels (24-64-96-96-64) and 256 hidden units instead of 4096. LRN is off
    by default (``lrn=True`` turns it on): it triples the training time on a CPU, and VGG
    found it does not help. ``image_size`` (a multiple of 8, e.g. 16) sizes fc6's input."""

    def __init__(self, num_classes: int = 10, in_channels: int = 3, groups: int = 2,
                 lrn: bool = False, dropout: float = 0.5,
                 channels: tuple[int, ...] = CIFAR_CHANNELS, hidden: int = 256,
                 image_size: int = 32) -> None:
        super().__init__()
        c1, c2, c3, c4, c5 = channels
        if image_size % 8:
            raise ValueError(f"image_size must be a multiple of 8 (three poolings halve it), got {image_size}")
        side = image_size // 8

        def norm() -> nn.Module:
            return local_response_norm() if lrn else nn.Identity()

        def conv(cin, cout, kernel, groups=1):   # 'same' padding, ReLU, no batch norm
            return ConvNormAct(cin, cout, kernel, padding=kernel // 2, groups=groups, norm=False)

        self.features = nn.Sequential(
            *conv(in_channels, c1, 3), norm(), nn.MaxPool2d(3, 2, padding=1),  # 16x16 (of 32x32)
            *conv(c1, c2, 5, groups), norm(), nn.MaxPool2d(3, 2, padding=1),   # 8x8
            *conv(c2, c3, 3), *conv(c3, c4, 3, groups), *conv(c4, c5, 3, groups),
            nn.MaxPool2d(3, 2, padding=1),                                     # 4x4
        )
        self.classifier = nn.Sequential(  # dropout on the outputs of fc6 and fc7, as in AlexNet
            nn.Flatten(), nn.Linear(c5 * side * side, hidden), nn.ReLU(inplace=True),
            nn.Dropout(dropout), nn.Linear(hidden, hidden), nn.ReLU(inplace=True),
            nn.Dropout(dropout), nn.Linear(hidden, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


@register("alexnet", family="alexnet", paper="alexnet", input_shape=(3, 224, 224))
def alexnet(*, num_classes: int = 1000, in_channels: int = 3) -> nn.Module:
    """AlexNet as in the paper (Krizhevsky et al. 2012, NeurIPS): two-tower layout as grouped
    convolutions (groups=2 in conv2, conv4, conv5), LRN, overlapping pooling, dropout;
    96-256-384-384-256 kernels. Published: "60 million parameters" (exactly 60,965,224)."""
    return AlexNet(num_classes=num_classes, in_channels=in_channels)


@register("alexnet_single", family="alexnet", paper="alexnet", input_shape=(3, 224, 224),
          torchvision="alexnet")
def alexnet_single(*, num_classes: int = 1000, in_channels: int = 3) -> nn.Module:
    """AlexNet as commonly implemented on one GPU (torchvision's layout, after Krizhevsky 2014,
    arXiv:1404.5997): 64-192-384-256-256 kernels, no groups, no LRN; 61,100,840 parameters."""
    return AlexNet((64, 192, 384, 256, 256), groups=1, lrn=False, num_classes=num_classes,
                   in_channels=in_channels)


@register("alexnet_small", family="alexnet", paper="alexnet", input_shape=(3, 32, 32),
          recipe=recipes.CIFAR_SMALL)
def alexnet_small(*, num_classes: int = 10, in_channels: int = 3, groups: int = 2,
                  lrn: bool = False, dropout: float = 0.5, image_size: int = 32,
                  channels: tuple[int, int, int, int, int] = CIFAR_CHANNELS) -> nn.Module:
    """Class-scale AlexNet for 32x32 inputs (after Krizhevsky et al. 2012): see AlexNetSmall
    for what was scaled down. ``channels`` are the numbers of kernels of conv1 to conv5
    (default 24-64-96-96-64); they set the width of every convolution and the size of fc6's
    input (channels[4] x (image_size / 8)^2), not the 256 units of fc6 and fc7. Each must be
    divisible by ``groups``, as conv2, conv4 and conv5 are grouped."""
    widths = tuple(channels) if isinstance(channels, (tuple, list)) else None
    if (widths is None or len(widths) != 5
            or not all(isinstance(c, int) and not isinstance(c, bool) and c > 0 and c % groups == 0
                       for c in widths)):
        raise ValueError(f"channels must be five positive integers divisible by groups={groups} "
                         f"(the kernels of conv1 to conv5, e.g. {CIFAR_CHANNELS}), got {channels!r}")
    return AlexNetSmall(num_classes, in_channels, groups, lrn, dropout, channels=widths,
                        image_size=image_size)


# ------------------------------------------------------------- Figure 1's four-layer network
#: Krizhevsky et al. 2012, section 3.1 and Figure 1: the "four-layer convolutional neural
#: network" that shows ReLU training six times faster than tanh. Widths 32, 32, 64, as in
#: cuda-convnet's CIFAR-10 network (layers-18pct), the code the paper's experiment came from.
ACTIVATION_WIDTH = 32


class FourLayerNets(nn.Module):
    """``copies`` independent copies of a four-layer CNN (three 'conv, activation, 2x2 max
    pool' stages of widths w, w, 2w, then a fully connected layer to 10 classes), trained side by
    side as grouped convolutions: copy m sees only its own channels, so one forward pass runs
    every copy on the same batch. The logits have shape (batch, copies, 10).

    This is what makes a learning-rate grid x seeds affordable: 18 copies cost about as many
    GPU kernel launches as one. ``copy(m)`` returns copy m as a plain ``nn.Sequential``."""

    def __init__(self, copies: int, activation: str, width: int = ACTIVATION_WIDTH,
                 image_size: int = 32) -> None:
        super().__init__()
        if activation not in ("relu", "tanh"):
            raise ValueError(f"activation must be 'relu' or 'tanh', got {activation!r}")
        self.copies, self.activation = copies, activation
        self.widths = (3, width, width, 2 * width)
        self.convs = nn.ModuleList(
            nn.Conv2d(c_in * copies, c_out * copies, k, padding=k // 2, groups=copies)
            for c_in, c_out, k in zip(self.widths, self.widths[1:], (5, 5, 3)))
        self.features = 2 * width * (image_size // 8) ** 2
        self.fc_weight = nn.Parameter(torch.zeros(copies, 10, self.features))
        self.fc_bias = nn.Parameter(torch.zeros(copies, 10))

    def init_copy(self, index: int, seed: int, std: float = 0.01) -> None:
        """AlexNet's initialization (section 5): weights from N(0, std^2), biases 0; copy
        ``index`` draws from its own generator, so copies with the same seed start equal."""
        generator = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for conv in self.convs:
                out = conv.out_channels // self.copies
                rows = slice(index * out, (index + 1) * out)
                conv.weight[rows] = torch.randn(conv.weight[rows].shape, generator=generator) * std
                conv.bias[rows] = 0
            self.fc_weight[index] = torch.randn(self.fc_weight[index].shape,
                                                generator=generator) * std
            self.fc_bias[index] = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        act = torch.relu if self.activation == "relu" else torch.tanh
        h = x.repeat(1, self.copies, 1, 1)
        for conv in self.convs:
            h = F.max_pool2d(act(conv(h)), 2)
        h = h.reshape(len(x), self.copies, self.features)
        return torch.einsum("bmf,mof->bmo", h, self.fc_weight) + self.fc_bias

    def copy(self, index: int) -> nn.Sequential:
        """Copy ``index`` as an ordinary network with its own weights."""
        act = nn.ReLU if self.activation == "relu" else nn.Tanh
        layers: list[nn.Module] = []
        for conv in self.convs:
            out, c_in = conv.out_channels // self.copies, conv.in_channels // self.copies
            single = nn.Conv2d(c_in, out, conv.kernel_size, padding=conv.padding)
            single.weight.data = conv.weight.data[index * out:(index + 1) * out].clone()
            single.bias.data = conv.bias.data[index * out:(index + 1) * out].clone()
            layers += [single, act(), nn.MaxPool2d(2)]
        fc = nn.Linear(self.features, 10)
        fc.weight.data, fc.bias.data = (self.fc_weight.data[index].clone(),
                                        self.fc_bias.data[index].clone())
        return nn.Sequential(*layers, nn.Flatten(), fc)

    def parameters_in_order(self) -> list[nn.Parameter]:
        return [t for conv in self.convs for t in (conv.weight, conv.bias)] + [
            self.fc_weight, self.fc_bias]

    def per_copy(self, values: torch.Tensor) -> list[torch.Tensor]:
        """``values`` (one per copy) laid out like each parameter of ``parameters_in_order``,
        for per-copy learning rates."""
        shaped = []
        for conv in self.convs:
            out = conv.out_channels // self.copies
            shaped += [values.repeat_interleave(out).view(-1, 1, 1, 1),
                       values.repeat_interleave(out)]
        return shaped + [values.view(-1, 1, 1), values.view(-1, 1)]


@register("four_layer_cifar", family="alexnet", paper="alexnet", input_shape=(3, 32, 32))
def four_layer_cifar(*, num_classes: int = 10, in_channels: int = 3, activation: str = "relu",
                     width: int = ACTIVATION_WIDTH) -> nn.Module:
    """The four-layer CNN of Krizhevsky et al. 2012, Figure 1 (ReLU against tanh): three
    'conv, activation, 2x2 max pool' stages of widths w, w, 2w, then a fully connected layer;
    :class:`FourLayerNets` trains many copies of it side by side."""
    if num_classes != 10 or in_channels != 3:
        raise ValueError("four_layer_cifar is Figure 1's CIFAR-10 network: num_classes must be 10 "
                         "and in_channels 3")
    return FourLayerNets(1, activation, width).copy(0)
