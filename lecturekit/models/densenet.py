"""DenseNet (Huang, Liu, van der Maaten & Weinberger, 2016), arXiv:1608.06993.

Inside a dense block every layer receives the feature maps of *all* earlier layers,
concatenated, and adds k new maps of its own (k is the growth rate): layer l sees
k0 + k(l-1) channels. Concatenation instead of ResNet's addition keeps every earlier feature
available unchanged, so each layer can be narrow (k = 12 to 48). Between blocks, transition
layers (BN, 1x1 convolution, 2x2 average pooling) halve the grid. DenseNet-B puts a 1x1
"bottleneck" convolution to 4k channels before each 3x3; DenseNet-C compresses the channels
by θ = 0.5 in each transition; DenseNet-BC does both (Table 1 and section 3).
"""

from __future__ import annotations

import torch
import torch.utils.checkpoint as cp
from torch import nn

from .. import recipes
from . import he_init_, register


class DenseLayer(nn.Module):
    """BN -> ReLU -> 1x1 conv (4k channels, with ``bottleneck``) -> BN -> ReLU -> 3x3 conv (k).
    With ``memory_efficient`` the concatenation and bottleneck are recomputed in the backward
    pass instead of stored (gradient checkpointing), so memory grows linearly with depth."""

    def __init__(self, in_channels: int, growth_rate: int, bottleneck: bool = True,
                 memory_efficient: bool = False) -> None:
        super().__init__()
        self.memory_efficient = memory_efficient
        width = 4 * growth_rate if bottleneck else in_channels
        self.reduce = (nn.Sequential(nn.BatchNorm2d(in_channels), nn.ReLU(inplace=True),
                                     nn.Conv2d(in_channels, width, 1, bias=False))
                       if bottleneck else nn.Identity())
        self.conv = nn.Sequential(nn.BatchNorm2d(width), nn.ReLU(inplace=True),
                                  nn.Conv2d(width, growth_rate, 3, padding=1, bias=False))

    def _concat_and_reduce(self, *features: torch.Tensor) -> torch.Tensor:
        return self.reduce(torch.cat(features, 1))

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        if self.memory_efficient and self.training and any(f.requires_grad for f in features):
            reduced = cp.checkpoint(self._concat_and_reduce, *features, use_reentrant=False)
        else:
            reduced = self._concat_and_reduce(*features)
        return self.conv(reduced)


class DenseBlock(nn.Module):
    """``layers`` dense layers; the output is the input and all new maps, concatenated:
    ``in_channels + layers * growth_rate`` channels."""

    def __init__(self, in_channels: int, layers: int, growth_rate: int, bottleneck: bool = True,
                 memory_efficient: bool = False) -> None:
        super().__init__()
        self.layers = nn.ModuleList(
            DenseLayer(in_channels + i * growth_rate, growth_rate, bottleneck, memory_efficient)
            for i in range(layers))
        self.out_channels = in_channels + layers * growth_rate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for layer in self.layers:
            features.append(layer(features))
        return torch.cat(features, 1)


def transition(in_channels: int, out_channels: int) -> nn.Sequential:
    """BN -> ReLU -> 1x1 convolution -> 2x2 average pooling, between dense blocks."""
    return nn.Sequential(nn.BatchNorm2d(in_channels), nn.ReLU(inplace=True),
                         nn.Conv2d(in_channels, out_channels, 1, bias=False), nn.AvgPool2d(2))


class DenseNet(nn.Module):
    """Dense blocks of ``block_layers`` layers with transitions between them, then BN, ReLU,
    global average pooling and a linear classifier. ``imagenet_stem`` is Table 1's 7x7/2
    convolution and 3x3/2 max pooling; otherwise one 3x3 convolution (the CIFAR networks)."""

    def __init__(self, block_layers: tuple[int, ...], growth_rate: int, stem_channels: int,
                 num_classes: int, in_channels: int = 3, bottleneck: bool = True,
                 compression: float = 0.5, imagenet_stem: bool = True,
                 memory_efficient: bool = False) -> None:
        super().__init__()
        if imagenet_stem:
            stem = [nn.Conv2d(in_channels, stem_channels, 7, 2, 3, bias=False),
                    nn.BatchNorm2d(stem_channels), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)]
        else:
            stem = [nn.Conv2d(in_channels, stem_channels, 3, padding=1, bias=False)]
        stages: list[nn.Module] = [nn.Sequential(*stem)]
        channels = stem_channels
        for i, layers in enumerate(block_layers):
            block = DenseBlock(channels, layers, growth_rate, bottleneck, memory_efficient)
            stages.append(block)
            channels = block.out_channels
            if i < len(block_layers) - 1:
                out = int(channels * compression)
                stages.append(transition(channels, out))
                channels = out
        self.features = nn.Sequential(*stages)
        self.head = nn.Sequential(nn.BatchNorm2d(channels), nn.ReLU(inplace=True),
                                  nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))
        self.out_channels = channels
        he_init_(self, mode="fan_in")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def _imagenet(depth: int, block_layers: tuple[int, ...], growth_rate: int, stem: int,
              in_torchvision: bool) -> None:
    def build(*, num_classes: int = 1000, in_channels: int = 3, memory_efficient: bool = False) -> nn.Module:
        return DenseNet(block_layers, growth_rate, stem, num_classes, in_channels,
                        memory_efficient=memory_efficient)

    count = "the same network as torchvision's" if in_torchvision else \
        "no published count (the paper gives the layout only)"
    register(f"densenet{depth}", family="densenet", paper="densenet", input_shape=(3, 224, 224),
             torchvision=f"densenet{depth}" if in_torchvision else None,
             doc=f"DenseNet-{depth} (Huang et al. 2016, arXiv:1608.06993, Table 1): DenseNet-BC, "
                 f"growth rate {growth_rate}, blocks of {', '.join(map(str, block_layers))} layers; "
                 f"{count}.")(build)


for _depth, _blocks, _k, _stem, _in_torchvision in [
    (121, (6, 12, 24, 16), 32, 64, True), (169, (6, 12, 32, 32), 32, 64, True),
    (201, (6, 12, 48, 32), 32, 64, True), (161, (6, 12, 36, 24), 48, 96, True),
    (264, (6, 12, 64, 48), 32, 64, False),
]:
    _imagenet(_depth, _blocks, _k, _stem, _in_torchvision)


@register("densenet_bc100_cifar", family="densenet", paper="densenet", input_shape=(3, 32, 32),
          recipe=recipes.CIFAR_DENSENET)
def densenet_bc100_cifar(*, num_classes: int = 10, in_channels: int = 3, depth: int = 100,
                         growth_rate: int = 12, memory_efficient: bool = False) -> nn.Module:
    """CIFAR-10 DenseNet-BC with L=100, k=12 (Huang et al. 2016, arXiv:1608.06993, Table 2):
    three dense blocks of (L-4)/6 bottleneck layers, compression 0.5. Other depths and growth
    rates through ``depth`` and ``growth_rate``."""
    if (depth - 4) % 6:
        raise ValueError(f"DenseNet-BC depth must be 6n+4 (40, 100, 190, 250), got {depth}")
    n = (depth - 4) // 6
    return DenseNet((n, n, n), growth_rate, 2 * growth_rate, num_classes, in_channels,
                    imagenet_stem=False, memory_efficient=memory_efficient)


@register("densenet40_cifar", family="densenet", paper="densenet", input_shape=(3, 32, 32),
          recipe=recipes.CIFAR_DENSENET)
def densenet40_cifar(*, num_classes: int = 10, in_channels: int = 3, depth: int = 40,
                     growth_rate: int = 12) -> nn.Module:
    """CIFAR-10 DenseNet (no bottleneck, no compression) with L=40, k=12 (Huang et al. 2016,
    arXiv:1608.06993, Table 2): three blocks of (L-4)/3 layers."""
    if (depth - 4) % 3:
        raise ValueError(f"DenseNet depth must be 3n+4 (40, 100), got {depth}")
    n = (depth - 4) // 3
    return DenseNet((n, n, n), growth_rate, 16, num_classes, in_channels, bottleneck=False,
                    compression=1.0, imagenet_stem=False)
