"""ResNet (He, Zhang, Ren & Sun, 2015), arXiv:1512.03385, and the family built on it.

"Deep residual learning for image recognition": instead of asking a few stacked layers to fit
a mapping H(x), let them fit the residual F(x) = H(x) - x and add x back through an identity
shortcut, y = F(x) + x. Table 1 lists the ImageNet networks of 18, 34, 50, 101 and 152 layers
(basic blocks of two 3x3 convolutions for 18/34, bottleneck blocks 1x1-3x3-1x1 for 50+);
section 4.2 the CIFAR-10 networks of depth 6n+2 with 16, 32 and 64 channels and parameter-free
"option A" shortcuts (identity, zero-padding for the extra channels). The same classes give
the wide ImageNet variant (Zagoruyko & Komodakis 2016, registered in wide_resnet.py) and
ResNeXt (Xie et al. 2016, in resnext.py) through the bottleneck's width and groups, and
stochastic depth (Huang et al. 2016) as an option of the CIFAR networks.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from .. import recipes
from . import he_init_, register
from .blocks import ConvNormAct, DropPath, conv1x1, conv3x3


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with batch norm; ReLU(F(x) + shortcut(x)). Grouped and wider
    blocks are :class:`Bottleneck`'s (``groups``, ``width_per_group``): a basic block has no
    reduced middle layer to widen or split, so it accepts only their defaults."""

    expansion = 1
    layout = ("conv1", "bn1", "relu", "conv2", "bn2")   # the residual branch, in order
    after_add = "relu"

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 shortcut: nn.Module | None = None, groups: int = 1,
                 width_per_group: int = 64) -> None:
        if groups != 1 or width_per_group != 64:
            raise ValueError(f"BasicBlock takes only groups=1 and width_per_group=64 (grouped or "
                             f"wide blocks are Bottleneck's), got groups={groups!r} and "
                             f"width_per_group={width_per_group!r}")
        super().__init__()
        self.conv1 = conv3x3(in_channels, channels, stride)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = conv3x3(channels, channels)
        self.bn2 = nn.BatchNorm2d(channels)
        self.shortcut = shortcut

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.shortcut is None else self.shortcut(x)
        return F.relu(self.residual(x) + identity)


class Bottleneck(nn.Module):
    """1x1 (reduce) - 3x3 - 1x1 (expand x4). ``groups``/``width_per_group`` give the wide
    (WRN-50-2) and the aggregated (ResNeXt) forms. The paper downsamples with the first 1x1
    convolution; ``stride_on_3x3`` moves the stride to the 3x3 (as ResNeXt and torchvision's
    "v1.5" do): the same parameters, about 7% more multiply-adds, slightly better accuracy."""

    expansion = 4
    layout = ("conv1", "bn1", "relu", "conv2", "bn2", "relu", "conv3", "bn3")
    after_add = "relu"

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 shortcut: nn.Module | None = None, groups: int = 1,
                 width_per_group: int = 64, stride_on_3x3: bool = True) -> None:
        super().__init__()
        width = int(channels * width_per_group / 64) * groups
        self.conv1 = conv1x1(in_channels, width, 1 if stride_on_3x3 else stride)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, stride if stride_on_3x3 else 1, groups)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = conv1x1(width, channels * self.expansion)
        self.bn3 = nn.BatchNorm2d(channels * self.expansion)
        self.shortcut = shortcut

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        return self.bn3(self.conv3(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.shortcut is None else self.shortcut(x)
        return F.relu(self.residual(x) + identity)


class ResNet(nn.Module):
    """The ImageNet ResNets of Table 1: a 7x7/2 convolution and 3x3/2 max pooling, four stages
    of blocks (64, 128, 256, 512 channels; stride 2 at the start of stages 2-4, with a 1x1
    projection shortcut, "option B"), global average pooling and a 1000-way layer."""

    def __init__(self, block: type[nn.Module], layers: list[int], num_classes: int = 1000,
                 in_channels: int = 3, groups: int = 1, width_per_group: int = 64,
                 stride_on_3x3: bool = False) -> None:
        super().__init__()
        self.block_options = dict(groups=groups, width_per_group=width_per_group)
        if issubclass(block, Bottleneck):
            self.block_options["stride_on_3x3"] = stride_on_3x3
        self.stem = nn.Sequential(*ConvNormAct(in_channels, 64, 7, 2, padding=3),
                                  nn.MaxPool2d(3, 2, padding=1))
        self.channels = 64
        self.layer1 = self._stage(block, 64, layers[0], stride=1)
        self.layer2 = self._stage(block, 128, layers[1], stride=2)
        self.layer3 = self._stage(block, 256, layers[2], stride=2)
        self.layer4 = self._stage(block, 512, layers[3], stride=2)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(512 * block.expansion, num_classes))
        he_init_(self)

    def _stage(self, block, channels: int, count: int, stride: int) -> nn.Sequential:
        out = channels * block.expansion
        shortcut = None
        if stride != 1 or self.channels != out:
            shortcut = nn.Sequential(conv1x1(self.channels, out, stride), nn.BatchNorm2d(out))
        blocks = [block(self.channels, channels, stride, shortcut, **self.block_options)]
        self.channels = out
        blocks += [block(out, channels, **self.block_options) for _ in range(count - 1)]
        return nn.Sequential(*blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.head(x)


# The ImageNet networks of Table 1, each exactly torchvision's. Their descendants built from
# the same Bottleneck live in their families' files: wide_resnet50_2 in wide_resnet.py,
# resnext50_32x4d and resnext101_32x8d in resnext.py.
IMAGENET = dict(paper="resnet", input_shape=(3, 224, 224))


#: Table 1: the block and the number of blocks per stage (conv2_x ... conv5_x) of each depth.
TABLE_1 = {18: (BasicBlock, (2, 2, 2, 2)), 34: (BasicBlock, (3, 4, 6, 3)),
           50: (Bottleneck, (3, 4, 6, 3)), 101: (Bottleneck, (3, 4, 23, 3)),
           152: (Bottleneck, (3, 8, 36, 3))}


def _register_imagenet(depth: int) -> Callable[..., nn.Module]:
    block, layers = TABLE_1[depth]

    def build(*, num_classes: int = 1000, in_channels: int = 3) -> nn.Module:
        return ResNet(block, list(layers), num_classes, in_channels)

    kind = "basic blocks" if block is BasicBlock else "bottlenecks"
    return register(f"resnet{depth}", family="resnet", **IMAGENET, torchvision=f"resnet{depth}",
                    doc=f"ResNet-{depth} (He et al. 2015, arXiv:1512.03385), Table 1: {kind}, "
                        f"{'-'.join(map(str, layers))} per stage.")(build)


for _depth in TABLE_1:   # resnet.resnet18 ... resnet.resnet152, as in torchvision
    globals()[f"resnet{_depth}"] = _register_imagenet(_depth)


# --------------------------------------------------------------------------- CIFAR ResNets
class ZeroPadShortcut(nn.Module):
    """Option A of the paper: subsample by taking every other pixel, pad the new channels
    with zeros. No parameters."""

    def __init__(self, extra_channels: int, stride: int) -> None:
        super().__init__()
        self.extra, self.stride = extra_channels, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, :, ::self.stride, ::self.stride]
        return F.pad(x, (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2))


class CifarBlock(BasicBlock):
    """A basic block for the CIFAR networks: option-A shortcuts, or none at all for the
    "plain" networks, and stochastic depth (:class:`~lecturekit.models.blocks.DropPath`: the
    residual branch survives with probability ``survival`` in training, and is scaled by it
    at test time)."""

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 residual: bool = True, survival: float = 1.0) -> None:
        shortcut = None
        if residual and (stride != 1 or in_channels != channels):
            shortcut = ZeroPadShortcut(channels - in_channels, stride)
        super().__init__(in_channels, channels, stride, shortcut)
        self.has_shortcut = residual
        self.drop_path = DropPath(survival)

    @property
    def survival(self) -> float:
        """The probability that the residual branch survives in training (Huang et al.'s p_l)."""
        return self.drop_path.survival

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.has_shortcut:
            return F.relu(self.residual(x))
        identity = x if self.shortcut is None else self.shortcut(x)
        return F.relu(self.drop_path(self.residual(x)) + identity)


class CifarResNet(nn.Module):
    """Section 4.2: a 3x3 convolution with 16 filters, three stages of n blocks at 32x32,
    16x16 and 8x8 maps with 16, 32 and 64 filters, global average pooling, a 10-way layer:
    6n+2 weight layers. ``residual=False`` gives the "plain" counterpart; ``survival_last``
    < 1 turns on stochastic depth with survival decaying linearly from 1 to that value."""

    def __init__(self, depth: int = 20, num_classes: int = 10, in_channels: int = 3,
                 residual: bool = True, survival_last: float = 1.0, width: int = 16) -> None:
        super().__init__()
        if (depth - 2) % 6:
            raise ValueError(f"CIFAR ResNets have depth 6n+2 (20, 32, 44, 56, 110, ...), got {depth}")
        n = (depth - 2) // 6
        self.stem = ConvNormAct(in_channels, width, 3, padding=1)
        total, index, channels, stages = 3 * n, 0, width, []
        for stage, out in enumerate((width, 2 * width, 4 * width)):
            blocks = []
            for i in range(n):
                index += 1
                survival = 1.0 - index / total * (1.0 - survival_last)
                stride = 2 if stage > 0 and i == 0 else 1
                blocks.append(CifarBlock(channels, out, stride, residual, survival))
                channels = out
            stages.append(nn.Sequential(*blocks))
        self.stage1, self.stage2, self.stage3 = stages
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(channels, num_classes))
        he_init_(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.stage3(self.stage2(self.stage1(self.stem(x)))))


# ------------------------------------------------------------- deleting blocks (Veit et al. 2016)
class DeletedBlock(nn.Module):
    """A block deleted at test time: only its shortcut remains (Veit et al. 2016, section 4).
    In a plain network there is no shortcut: the block's input passes on unchanged."""

    def __init__(self, block: nn.Module) -> None:
        super().__init__()
        self.shortcut = block.shortcut if block.has_shortcut else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x if self.shortcut is None else self.shortcut(x))


def blocks(model: CifarResNet) -> list[tuple[str, int]]:
    """Every block of a CIFAR ResNet as (stage, index): 9 for the 20-layer networks."""
    return [(stage, i) for stage in ("stage1", "stage2", "stage3")
            for i in range(len(getattr(model, stage)))]


def without_block(model: CifarResNet, stage: str, index: int) -> CifarResNet | None:
    """A copy of ``model`` with one block deleted, or None where it cannot be (a plain block
    that changes the shape of its input has nothing to fall back on)."""
    block = getattr(model, stage)[index]
    if not block.has_shortcut and (block.conv1.stride[0] > 1
                                   or block.conv1.in_channels != block.conv2.out_channels):
        return None
    damaged = copy.deepcopy(model)
    getattr(damaged, stage)[index] = DeletedBlock(block)
    return damaged


def _register_cifar(depth: int) -> None:
    """ResNet-``depth`` for CIFAR-10 and its plain counterpart."""
    def residual(*, num_classes: int = 10, in_channels: int = 3,
                 survival_last: float = 1.0) -> nn.Module:
        return CifarResNet(depth, num_classes, in_channels, survival_last=survival_last)

    def plain(*, num_classes: int = 10, in_channels: int = 3) -> nn.Module:
        return CifarResNet(depth, num_classes, in_channels, residual=False)

    register(f"resnet{depth}_cifar", family="resnet_cifar", paper="resnet",
             input_shape=(3, 32, 32), recipe=recipes.CIFAR_CLASS,
             doc=f"CIFAR-10 ResNet-{depth} (He et al. 2015, arXiv:1512.03385, section 4.2, "
                 f"Table 6): option-A shortcuts. "
                 "survival_last < 1 adds stochastic depth (Huang et al. 2016, "
                 "arXiv:1603.09382; the paper uses 0.5).")(residual)
    register(f"plain{depth}_cifar", family="resnet_cifar", paper="resnet",
             input_shape=(3, 32, 32), recipe=recipes.CIFAR_CLASS,
             doc=f"The plain {depth}-layer CIFAR-10 network of He et al. 2015 "
                 "(arXiv:1512.03385, Figure 6): ResNet without shortcuts.")(plain)


for _depth in (20, 32, 44, 56, 110, 1202):
    _register_cifar(_depth)


# ------------------------------------------------------------- bottleneck CIFAR ResNets, v1 and v2
class PreActUnit(nn.Module):
    """ResNet v2's unit (He et al. 2016, Figure 4(e)): (BN -> ReLU -> conv) for each of its
    convolutions ``conv1``, ``conv2``, ... and nothing after the addition, so the identity path
    is clean from input to output. Where the shape changes, the 1x1 projection shortcut reads
    the first BN-ReLU's output, as the paper's code does."""

    after_add = None

    @staticmethod
    def projection(in_channels: int, out_channels: int, stride: int) -> nn.Module | None:
        """The 1x1 projection shortcut where the shape changes, else None (the identity)."""
        return (conv1x1(in_channels, out_channels, stride)
                if stride != 1 or in_channels != out_channels else None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(x))
        identity = x if self.shortcut is None else self.shortcut(out)
        out = self.conv1(out)
        for i in range(2, self.convolutions + 1):       # conv2 (and conv3): BN -> ReLU -> conv
            out = getattr(self, f"conv{i}")(F.relu(getattr(self, f"bn{i}")(out)))
        return out + identity


class PreActBlock(PreActUnit):
    """ResNet v2's basic unit: BN -> ReLU -> 3x3 conv, twice."""

    expansion, convolutions = 1, 2
    layout = ("bn1", "relu", "conv1", "bn2", "relu", "conv2")

    def __init__(self, in_channels: int, channels: int, stride: int = 1) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv1 = conv3x3(in_channels, channels, stride)
        self.bn2 = nn.BatchNorm2d(channels)
        self.conv2 = conv3x3(channels, channels)
        self.shortcut = self.projection(in_channels, channels, stride)


class PreActBottleneck(PreActUnit):
    """ResNet v2's bottleneck unit: (BN -> ReLU -> conv) for 1x1, 3x3 and 1x1 (x4)."""

    expansion, convolutions = 4, 3
    layout = ("bn1", "relu", "conv1", "bn2", "relu", "conv2", "bn3", "relu", "conv3")

    def __init__(self, in_channels: int, channels: int, stride: int = 1) -> None:
        super().__init__()
        out = channels * self.expansion
        self.bn1, self.conv1 = nn.BatchNorm2d(in_channels), conv1x1(in_channels, channels)
        self.bn2, self.conv2 = nn.BatchNorm2d(channels), conv3x3(channels, channels, stride)
        self.bn3, self.conv3 = nn.BatchNorm2d(channels), conv1x1(channels, out)
        self.shortcut = self.projection(in_channels, out, stride)


class OriginalBottleneck(Bottleneck):
    """ResNet v1's bottleneck for the CIFAR networks (conv -> BN -> ReLU, ReLU after the
    addition) with a 1x1 projection shortcut where the shape changes."""

    def __init__(self, in_channels: int, channels: int, stride: int = 1) -> None:
        out = channels * self.expansion
        shortcut = None
        if stride != 1 or in_channels != out:
            shortcut = nn.Sequential(conv1x1(in_channels, out, stride), nn.BatchNorm2d(out))
        super().__init__(in_channels, channels, stride, shortcut)


class CifarBottleneckResNet(nn.Module):
    """The CIFAR networks of ResNet v2 (He et al. 2016, section 4): depth 9n+2, three stages of
    n bottleneck units (16, 32 and 64 channels inside, four times that out) at 32x32, 16x16
    and 8x8. ``preact=True`` gives the v2 units, ``False`` the original ones."""

    def __init__(self, depth: int = 164, num_classes: int = 10, in_channels: int = 3,
                 preact: bool = True) -> None:
        super().__init__()
        if (depth - 2) % 9:
            raise ValueError(f"bottleneck CIFAR ResNets have depth 9n+2 (164, 1001, ...), got {depth}")
        n, unit = (depth - 2) // 9, PreActBottleneck if preact else OriginalBottleneck
        self.preact = preact
        # v2 units start with BN -> ReLU, so the stem is a bare convolution
        self.stem = ConvNormAct(in_channels, 16, 3, padding=1, norm=not preact,
                                act=None if preact else nn.ReLU, bias=False)
        channels, stages = 16, []
        for stage, width in enumerate((16, 32, 64)):
            units = []
            for i in range(n):
                units.append(unit(channels, width, 2 if stage > 0 and i == 0 else 1))
                channels = width * 4
            stages.append(nn.Sequential(*units))
        self.stage1, self.stage2, self.stage3 = stages
        final: list[nn.Module] = [nn.BatchNorm2d(channels), nn.ReLU(inplace=True)] if preact else []
        self.head = nn.Sequential(*final, nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(channels, num_classes))
        he_init_(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.stage3(self.stage2(self.stage1(self.stem(x)))))


class PreActCifarResNet(nn.Module):
    """The CIFAR ResNet of section 4.2 with ResNet v2's pre-activation basic units, for
    comparing v1 and v2 at the same depth (projection shortcuts where the shape changes)."""

    def __init__(self, depth: int = 20, num_classes: int = 10, in_channels: int = 3) -> None:
        super().__init__()
        if (depth - 2) % 6:
            raise ValueError(f"CIFAR ResNets have depth 6n+2 (20, 32, 44, 56, 110, ...), got {depth}")
        n = (depth - 2) // 6
        self.stem = conv3x3(in_channels, 16)
        channels, stages = 16, []
        for stage, width in enumerate((16, 32, 64)):
            units = [PreActBlock(channels, width, 1 if stage == 0 else 2)]
            units += [PreActBlock(width, width) for _ in range(n - 1)]
            stages.append(nn.Sequential(*units))
            channels = width
        self.stage1, self.stage2, self.stage3 = stages
        self.head = nn.Sequential(nn.BatchNorm2d(64), nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d(1),
                                  nn.Flatten(), nn.Linear(64, num_classes))
        he_init_(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.stage3(self.stage2(self.stage1(self.stem(x)))))


for _depth in (164, 1001):
    def _v2(*, num_classes: int = 10, in_channels: int = 3, depth: int = _depth) -> nn.Module:
        return CifarBottleneckResNet(depth, num_classes, in_channels, preact=True)

    def _v1(*, num_classes: int = 10, in_channels: int = 3, depth: int = _depth) -> nn.Module:
        return CifarBottleneckResNet(depth, num_classes, in_channels, preact=False)

    register(f"preact_resnet{_depth}_cifar", family="resnet_v2", paper="resnet_v2",
             input_shape=(3, 32, 32), recipe=recipes.CIFAR_CLASS,
             doc=f"CIFAR-10 pre-activation ResNet-{_depth} (He et al. 2016, arXiv:1603.05027, "
                 f"Table 3): bottleneck units.")(_v2)
    register(f"resnet{_depth}_cifar", family="resnet_v2", paper="resnet_v2",
             input_shape=(3, 32, 32), recipe=recipes.CIFAR_CLASS,
             doc=f"CIFAR-10 ResNet-{_depth} with the original bottleneck units (He et al. 2016, "
                 f"arXiv:1603.05027, Figure 1 and Table 3).")(_v1)


@register("preact_resnet_small", family="resnet_v2", paper="resnet_v2", input_shape=(3, 32, 32),
          recipe=recipes.CIFAR_CLASS)
def preact_resnet_small(*, num_classes: int = 10, in_channels: int = 3, depth: int = 20) -> nn.Module:
    """A class-scale CIFAR-10 ResNet of depth 6n+2 (default 20) with pre-activation units (He
    et al. 2016, arXiv:1603.05027), the v2 counterpart of ``resnet20_cifar``; the paper's own
    CIFAR-10 networks are deeper (``preact_resnet164_cifar``, ``preact_resnet1001_cifar``).
    No published count."""
    return PreActCifarResNet(depth, num_classes, in_channels)
