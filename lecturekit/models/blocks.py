"""The building blocks every model file shares: one place for each of them.

A paper's network is mostly the same few pieces in a new arrangement. Here they are, once:

* :class:`ConvNormAct`: a convolution, optionally batch norm, optionally an activation (the
  unit of VGG-BN, GoogLeNet, Inception v3, Xception, MobileNet...), after torchvision's
  ``Conv2dNormActivation`` and timm's ``ConvNormAct``;
* :func:`conv3x3` and :func:`conv1x1`: ResNet's two bias-free convolutions;
* :class:`SeparableConv2d`: a depthwise then a pointwise convolution (Xception, MobileNet);
* :func:`lrn`: local response normalization in the paper's convention (AlexNet, VGG A-LRN,
  GoogLeNet);
* :class:`DropPath`: stochastic depth, a residual branch dropped at random in training.

The blocks are ``nn.Sequential`` subclasses where they hold layers, so their layers are
numbered (``.0.weight``, ``.1.running_mean``) exactly as a hand-written ``nn.Sequential``
would number them, and so weights saved before these blocks existed still load.
"""

from __future__ import annotations

import torch
from torch import nn

IntPair = int | tuple[int, int]

#: The roles of a :class:`ConvNormAct`'s layers, in order.
ROLES = ("conv", "norm", "act")


def conv3x3(in_channels: int, out_channels: int, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    """A 3x3 convolution with padding 1 and no bias (He et al. 2015, arXiv:1512.03385): the
    batch norm that follows it has a shift of its own, so a bias would be a duplicate."""
    return nn.Conv2d(in_channels, out_channels, 3, stride, padding=1, groups=groups, bias=False)


def conv1x1(in_channels: int, out_channels: int, stride: int = 1) -> nn.Conv2d:
    """A 1x1 convolution without bias: a per-pixel linear map of the channels (Network in
    Network's "cascaded cross channel pooling", ResNet's projections and bottlenecks)."""
    return nn.Conv2d(in_channels, out_channels, 1, stride, bias=False)


class SeparableConv2d(nn.Sequential):
    """A depthwise k x k convolution (``groups=in_channels``, one filter per channel) then a
    pointwise 1x1 convolution (Chollet 2016, arXiv:1610.02357, section 1.2). Parameters:
    k*k*C_in + C_in*C_out, against k*k*C_in*C_out for a regular convolution."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3,
                 stride: int = 1, bias: bool = False) -> None:
        super().__init__()
        self.depthwise = nn.Conv2d(in_channels, in_channels, kernel_size, stride,
                                   padding=kernel_size // 2, groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, bias=bias)


class ConvNormAct(nn.Sequential):
    """Convolution, then batch norm (``norm=True``), then an activation (``act``, a module
    class such as ``nn.ReLU``; None for a linear unit such as MobileNetV2's bottleneck).

    The convolution has a bias only when no batch norm follows: BN subtracts the mean of
    each channel, which removes any bias, and adds its own learned shift instead (Ioffe &
    Szegedy 2015, section 3.2). ``separable=True`` makes the convolution a
    :class:`SeparableConv2d` (k x k depthwise, 1x1 pointwise; ``padding`` is then k // 2).
    ``eps`` is batch norm's epsilon (Inception v3's released network uses 0.001).

    The layers are numbered 0, 1, 2 as in a plain ``nn.Sequential``; ``names`` maps a role
    ("conv", "norm", "act") to another name, for networks whose layers the paper names
    (AlexNet's ``conv``/``relu``). ``list(ConvNormAct(...))`` gives the bare layers, to splice
    into a longer ``nn.Sequential``."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntPair = 3,
                 stride: int = 1, padding: IntPair = 0, *, groups: int = 1, norm: bool = True,
                 eps: float = 1e-5, act: type[nn.Module] | None = nn.ReLU, inplace: bool = True,
                 bias: bool | None = None, separable: bool = False,
                 names: dict[str, str] | None = None) -> None:
        super().__init__()
        unknown = set(names or {}) - set(ROLES)
        if unknown:
            raise ValueError(f"names maps the roles {', '.join(ROLES)} to layer names, got "
                             f"{', '.join(sorted(unknown))}")
        if separable and (groups != 1 or not isinstance(kernel_size, int)):
            raise ValueError("separable=True takes a square kernel_size and groups=1 (the "
                             "depthwise convolution sets its own groups)")
        bias = not norm if bias is None else bias
        if separable:
            conv: nn.Module = SeparableConv2d(in_channels, out_channels, kernel_size, stride,
                                              bias=bias)
        else:
            conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding,
                             groups=groups, bias=bias)
        layers = {"conv": conv}
        if norm:
            layers["norm"] = nn.BatchNorm2d(out_channels, eps=eps)
        if act is not None:
            layers["act"] = act(inplace=True) if inplace and _has_inplace(act) else act()
        for index, (role, layer) in enumerate(layers.items()):
            self.add_module((names or {}).get(role, str(index)), layer)


def _has_inplace(act: type[nn.Module]) -> bool:
    return act in (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.ELU, nn.Hardtanh, nn.SiLU, nn.Hardswish)


def lrn(size: int = 5, alpha: float = 1e-4, beta: float = 0.75, k: float = 2.0) -> nn.LocalResponseNorm:
    """Local response normalization in the paper's convention (Krizhevsky et al. 2012,
    section 3.3): b_i = a_i / (k + alpha * sum of a_j^2 over the ``size`` = n channels around
    i)^beta, with the paper's k = 2, n = 5, alpha = 1e-4, beta = 0.75 as defaults.

    PyTorch's ``nn.LocalResponseNorm`` (like Caffe's LRN layer) divides its ``alpha`` by n,
    so the paper's alpha is passed to it as n * alpha. GoogLeNet's Caffe definition
    (alpha 1e-4 in Caffe's convention, k = 1) is ``lrn(alpha=2e-5, k=1.0)`` here."""
    return nn.LocalResponseNorm(size=size, alpha=size * alpha, beta=beta, k=k)


class DropPath(nn.Module):
    """Stochastic depth (Huang et al. 2016, arXiv:1603.09382, section 3): in training, a
    residual branch survives with probability ``survival`` (p_l in the paper) and is
    otherwise replaced by zeros, so the block is the identity for that batch; at test time
    the branch is scaled by ``survival``, its expected contribution in training (eq. 4).

    The paper drops a block for the whole mini-batch (one draw per block and batch);
    ``per_sample=True`` draws for every sample instead, as timm's ``DropPath`` does. (timm
    also divides the kept branches by ``survival`` in training instead of scaling at test
    time; the expected outputs are the same.) ``survival=1`` is the identity."""

    def __init__(self, survival: float = 1.0, per_sample: bool = False) -> None:
        super().__init__()
        if not (isinstance(survival, (int, float)) and 0.0 <= survival <= 1.0):
            raise ValueError(f"survival must be a probability between 0 and 1, got {survival!r}")
        self.survival, self.per_sample = float(survival), per_sample

    def forward(self, branch: torch.Tensor) -> torch.Tensor:
        if self.survival == 1.0:
            return branch
        if not self.training:
            return self.survival * branch
        if self.per_sample:
            keep = torch.rand((len(branch),) + (1,) * (branch.dim() - 1), device=branch.device)
            return branch * (keep < self.survival).to(branch.dtype)
        if torch.rand(()) >= self.survival:      # drop the whole branch for this batch
            return torch.zeros_like(branch)
        return branch

    def extra_repr(self) -> str:
        return f"survival={self.survival}" + (", per_sample=True" if self.per_sample else "")
