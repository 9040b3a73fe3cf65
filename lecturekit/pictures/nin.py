"""Slide pictures of Network in Network (slide 11), drawn from code.

- :func:`linear_vs_mlpconv`: the paper's Figure 1: a linear convolution, one weighted sum of a
  patch per output unit, against an mlpconv layer, a small multilayer perceptron slid over the
  input (the k x k convolution is its first layer, 1x1 convolutions the others);
- :func:`nin_structure`: the paper's Figure 2: the mlpconv blocks of a NIN, each with its
  layers, the pooling and dropout between them, then global average pooling, read from a model.

Every function returns a matplotlib ``Figure``; the layer sizes in :func:`nin_structure` come
from the model's modules and a forward pass, never typed in.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle
from torch import nn

CONV, ONE_BY_ONE, POOL = "#9ecae1", "#f6c945", "0.85"


# --------------------------------------------------------------------------- Figure 1
def _patch_grid(ax: Axes, x0: float, y0: float, size: int = 5, patch: int = 3) -> list[tuple[float, float]]:
    """An input map of ``size`` x ``size`` cells with a ``patch`` x ``patch`` patch marked;
    returns the centres of the patch's cells."""
    for r in range(size):
        for c in range(size):
            inside = r < patch and c < patch
            ax.add_patch(Rectangle((x0 + c * 0.3, y0 + r * 0.3), 0.3, 0.3,
                                   facecolor="#fcbba1" if inside else "white", edgecolor="0.5", lw=0.6))
    return [(x0 + c * 0.3 + 0.15, y0 + r * 0.3 + 0.15) for r in range(patch) for c in range(patch)]


def linear_vs_mlpconv(hidden: Sequence[int] = (4, 4)) -> Figure:
    """NIN's Figure 1: (a) a linear convolution layer, where one output unit is one weighted sum
    of a 3x3 patch (then ReLU); (b) an mlpconv layer, where the patch goes through a small MLP
    with ``hidden`` units per hidden layer before the output unit. In code the MLP's first
    layer is the k x k convolution and every further layer a 1x1 convolution, each with ReLU."""
    if not (len(hidden) >= 1 and all(isinstance(h, int) and 1 <= h <= 8 for h in hidden)):
        raise ValueError(f"hidden must be one or more layer widths from 1 to 8, got {hidden}")
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.9), width_ratios=(1, 1.45))
    for ax, kind in zip(axes, ("linear", "mlpconv")):
        cells = _patch_grid(ax, 0, 0)
        layers = [] if kind == "linear" else list(hidden)
        xs = [2.3 + 1.1 * i for i in range(len(layers) + 1)]
        previous = cells
        for depth, (x, units) in enumerate(zip(xs, [*layers, 1])):
            ys = 0.75 + (np.arange(units) - (units - 1) / 2) * 0.42
            nodes = [(x, y) for y in ys]
            for a in previous:
                for b in nodes:
                    ax.plot([a[0], b[0]], [a[1], b[1]], color="0.55", lw=0.5, zorder=1)
            last = depth == len(layers)
            ax.scatter([n[0] for n in nodes], [n[1] for n in nodes], s=140, zorder=2,
                       color="C3" if last else (CONV if depth == 0 else ONE_BY_ONE), edgecolor="0.2")
            if not last or kind == "mlpconv":
                ax.text(x, ys.min() - 0.45, "k x k conv\n+ ReLU" if depth == 0 else "1x1 conv\n+ ReLU",
                        ha="center", va="top", fontsize=8)
            previous = nodes
        out_x = xs[-1] + 0.6
        for r in range(5):
            for c in range(5):
                ax.add_patch(Rectangle((out_x + c * 0.3, r * 0.3), 0.3, 0.3, facecolor="white",
                                       edgecolor="0.5", lw=0.6))
        ax.add_patch(Rectangle((out_x + 0.3, 0.6), 0.3, 0.3, facecolor="C3", edgecolor="0.3"))
        ax.plot([xs[-1], out_x + 0.45], [0.75, 0.75], color="C3", lw=1)
        ax.text(0.75, -0.25, "input patch (3x3)", ha="center", va="top", fontsize=8)
        ax.text(out_x + 0.75, -0.25, "one unit of the\noutput feature map", ha="center", va="top", fontsize=8)
        if kind == "linear":
            ax.text(xs[0], 1.35, "w · x + b, ReLU", ha="center", va="bottom", fontsize=8)
            ax.set_title("(a) linear convolution: one weighted sum of the patch\n(a generalized linear model)",
                         fontsize=10)
        else:
            widths = " - ".join(map(str, hidden))
            ax.set_title(f"(b) mlpconv: a small MLP ({widths} hidden units) on the patch,\n"
                         "the same MLP at every position", fontsize=10)
        ax.set(xlim=(-0.3, out_x + 1.8), ylim=(-1.3, 2.0), aspect="equal")
        ax.axis("off")
    fig.suptitle("Network in Network, Figure 1: a linear filter against a micro network", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    return fig


# --------------------------------------------------------------------------- Figure 2
def _describe(module: nn.Module) -> tuple[str, str]:
    """(text, colour) of one box."""
    if isinstance(module, nn.Conv2d):
        k = module.kernel_size[0]
        return f"{k}x{k} conv, {module.out_channels}", ONE_BY_ONE if k == 1 else CONV
    if isinstance(module, nn.MaxPool2d):
        return f"max pool {module.kernel_size}x{module.kernel_size}/{module.stride}", POOL
    if isinstance(module, nn.AvgPool2d):
        return f"avg pool {module.kernel_size}x{module.kernel_size}/{module.stride}", POOL
    if isinstance(module, nn.AdaptiveAvgPool2d):
        return "global average\npooling", POOL
    if isinstance(module, nn.Dropout):
        return f"dropout {module.p:g}", "white"
    return type(module).__name__, "white"


def nin_structure(model: nn.Module | None = None, input_shape: Sequence[int] = (3, 32, 32)) -> Figure:
    """NIN's Figure 2, read from ``model`` (by default ``lk.models.create('nin_cifar10')``): each
    mlpconv block (a top-level ``nn.Sequential`` of convolutions) as one framed column of its
    convolutions, listed from the input upwards, with its output maps; the pooling, dropout and
    global average pooling between the blocks as their own boxes. ReLUs and batch norms are
    left out of the boxes (every convolution is followed by them)."""
    from ..analysis import feature_maps
    from ..models import create

    model = create("nin_cifar10") if model is None else model
    children = [(name, child) for name, child in model.named_children() if not isinstance(child, nn.Flatten)]
    if not any(isinstance(child, nn.Sequential) for _, child in children):
        raise ValueError("model must be a NIN: a sequence of mlpconv blocks (nn.Sequential of "
                         "convolutions) with pooling between them, as lk.models.create('nin_cifar10')")
    shapes = feature_maps(model, torch.zeros(1, *input_shape), [name for name, _ in children])
    fig, ax = plt.subplots(figsize=(13, 4.4))
    x, blocks = 0.0, 0
    for name, child in children:
        shape = tuple(shapes[name].shape[1:])
        if isinstance(child, nn.Sequential):
            blocks += 1
            convs = [m for m in child if isinstance(m, nn.Conv2d)]
            ax.add_patch(FancyBboxPatch((x - 0.1, -0.35), 1.9, 0.55 * len(convs) + 0.3,
                                        boxstyle="round,pad=0.05", facecolor="none", edgecolor="C0", lw=1.5))
            for j, conv in enumerate(convs):
                text, colour = _describe(conv)
                ax.add_patch(Rectangle((x, -0.2 + 0.55 * j), 1.7, 0.42, facecolor=colour, edgecolor="0.3"))
                ax.text(x + 0.85, 0.01 + 0.55 * j, text, ha="center", va="center", fontsize=8)
            ax.text(x + 0.85, 0.55 * len(convs) + 0.1, f"mlpconv {blocks}", ha="center", va="bottom",
                    fontsize=9, color="C0", weight="bold")
            ax.text(x + 0.85, -0.5, "{}@{}x{}".format(*shape), ha="center", va="top", fontsize=8)
            width = 1.7
        else:
            text, colour = _describe(child)
            ax.add_patch(Rectangle((x, -0.2), 1.2, 0.42 if "\n" not in text else 0.7, facecolor=colour,
                                   edgecolor="0.3", ls="--" if isinstance(child, nn.Dropout) else "-"))
            ax.text(x + 0.6, 0.01 if "\n" not in text else 0.15, text, ha="center", va="center", fontsize=8)
            label = "{}@{}x{}".format(*shape)
            ax.text(x + 0.6, -0.5, label, ha="center", va="top", fontsize=8)
            width = 1.2
        if x > 0:
            ax.annotate("", xy=(x - 0.05, 0.01), xytext=(x - 0.45, 0.01),
                        arrowprops=dict(arrowstyle="->", color="0.35"))
        x += width + 0.5
    ax.set(xlim=(-0.3, x), ylim=(-1.0, 2.4), aspect="equal")
    ax.axis("off")
    ax.set_title(f"Network in Network, Figure 2: {blocks} mlpconv blocks, then global average pooling "
                 f"(input {'x'.join(map(str, input_shape))}; every convolution followed by ReLU)",
                 fontsize=10)
    fig.tight_layout()
    return fig
