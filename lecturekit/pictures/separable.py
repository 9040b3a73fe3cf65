"""Slide pictures of the depthwise separable networks (slide 16), drawn from the built blocks.

- :func:`residual_blocks`: an entry-flow and a middle-flow block of Xception (Chollet 2016,
  Figure 5) and an inverted residual block of MobileNetV2 (Sandler et al. 2018, Table 1), each
  drawn layer by layer from the module the zoo builds, with its shortcut beside it.

Every function returns a matplotlib ``Figure``; the labels are read off the modules
(:func:`layer_labels`), nothing is typed in twice.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import nn

from .. import analysis
from ..models.blocks import SeparableConv2d
from ..models.mobilenet import InvertedResidual
from ..models.xception import XceptionBlock
from .inception import _arrow, _box


def _label(layer: nn.Module) -> tuple[str, str] | None:
    """A box's text and kind for one layer (None: not drawn, as batch norm)."""
    if isinstance(layer, SeparableConv2d):
        k = layer.depthwise.kernel_size[0]
        return f"separable {k}x{k} conv, {layer.pointwise.out_channels}", "separable"
    if isinstance(layer, nn.Conv2d):
        k, stride = layer.kernel_size[0], layer.stride[0]
        kind = "depthwise" if layer.groups > 1 else "conv"
        text = f"{kind} {k}x{k}, {layer.out_channels}" + (f", stride {stride}" if stride > 1 else "")
        return text, "separable" if layer.groups > 1 else ("1x1" if k == 1 else "conv")
    if isinstance(layer, nn.MaxPool2d):
        return f"max pool {layer.kernel_size}x{layer.kernel_size}, stride {layer.stride}", "pool"
    if isinstance(layer, (nn.ReLU, nn.ReLU6)):
        return type(layer).__name__, "io"
    return None


def layer_labels(module: nn.Module) -> list[tuple[str, str]]:
    """The drawn layers of ``module`` in order, as (text, kind); a separable convolution is one
    layer, batch norm is left out (it follows every convolution)."""
    labels = []
    for child in module.children():
        label = _label(child)
        if label is not None:
            labels.append(label)
        elif not isinstance(child, (SeparableConv2d, nn.BatchNorm2d)):
            labels += layer_labels(child)
    return labels


def _draw(ax: Axes, title: str, path: list[tuple[str, str]], shortcut: list[tuple[str, str]],
          block: nn.Module) -> None:
    """The layers bottom-up in a column, the shortcut in a column to its right, both into a sum."""
    _, _, _, top = _box(ax, 0, 0, "input", "io", width=2.6)
    previous = (0, top)
    for j, (text, kind) in enumerate(path):
        _, bottom, _, top = _box(ax, 0, 1 + j, text, kind, width=2.6)
        _arrow(ax, previous, (0, bottom))
        previous = (0, top)
    height = len(path) + 1
    _, sum_bottom, _, _ = _box(ax, 0, height, "+", "concat", width=0.8)
    _arrow(ax, previous, (0, sum_bottom))
    side = 2.4
    start = (1.3, 0)
    if shortcut:
        _, bottom, _, top = _box(ax, side, height / 2, shortcut[0][0], shortcut[0][1], width=2.0)
        _arrow(ax, start, (side, bottom))
        _arrow(ax, (side, top), (0.4, height))
    else:
        ax.plot([1.3, side, side], [0, 0, height], color="0.3", linewidth=1)
        ax.text(side + 0.1, height / 2, "identity", rotation=90, va="center", fontsize=8.5)
        _arrow(ax, (side, height), (0.4, height))
    params = analysis.count_parameters(block)
    ax.set_title(f"{title}\n{params:,} parameters (counted)", fontsize=10)
    ax.set_xlim(-1.6, side + 1.4)
    ax.set_ylim(-0.6, height + 0.6)
    ax.set_axis_off()


def residual_blocks() -> Figure:
    """Xception's entry-flow block 2 and middle-flow block (Figure 5; batch norm after every
    convolution, not drawn) and MobileNetV2's inverted residual block of the 28x28 stage
    (t = 6; the last 1x1 is linear, no ReLU6), each with its shortcut."""
    blocks = [
        ("(a) Xception, entry flow: 128 -> 256", XceptionBlock(128, [256, 256], downsample=True)),
        ("(b) Xception, middle flow (x8): 728", XceptionBlock(728, [728, 728, 728], downsample=False)),
        ("(c) MobileNetV2, inverted residual: 32 -> 192 -> 32\n(t = 6; the last 1x1 is linear, no ReLU6)",
         InvertedResidual(32, 32, 1, 6)),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(14, 5.4))
    for ax, (title, block) in zip(axes, blocks):
        path = layer_labels(block.residual if isinstance(block, XceptionBlock) else block.conv)
        shortcut = layer_labels(block.shortcut) if isinstance(block, XceptionBlock) else []
        _draw(ax, title, path, shortcut, block)
    fig.suptitle("Residual blocks of depthwise separable networks, drawn from the zoo's modules "
                 "(batch norm after every convolution, not drawn)")
    fig.tight_layout()
    return fig
