"""Slide pictures of Part 1's building blocks (slides 2 and 3), drawn from code.

- :func:`three_networks`: the fully connected, locally connected and convolutional layers side
  by side (slide 2, after M. Ranzato's CVPR 2014 tutorial), with their weight counts;
- :func:`padding_stride_grids`: the familiar grids of input, zero padding and output for
  several paddings and strides (slide 3; V. Dumoulin, F. Visin (2016), arXiv:1603.07285);
- :func:`multichannel_convolution`: several input channels, each with its own kernel slice,
  summed with a bias into one output map per filter (slide 3);
- :func:`max_and_average_pooling`: a convolved feature and its max- and average-pooled
  features, each window in its own colour (slide 4);
- :func:`lenet5_figure`: LeNet-5's Figure 2 (slide 1), stacks of feature maps from a forward
  pass, the paper's connection names, and the window one unit reads.

Every function returns a matplotlib ``Figure``; the numbers written in the pictures are
computed (output sizes by the formula, output values by ``F.conv2d``), never typed in.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..analysis import conv_output_size


# --------------------------------------------------------------------------- slide 2
def connections(kind: str, inputs: int = 8, kernel_size: int = 3) -> list[tuple[int, int, int]]:
    """The edges of a 1-D layer as ``(input, output, weight id)``: one weight id per distinct
    weight, so shared weights have the same id. ``kind`` is 'fully connected', 'locally
    connected' or 'convolutional'; outputs are the ``inputs - kernel_size + 1`` valid positions
    (the fully connected layer gets as many, for a fair comparison)."""
    outputs = inputs - kernel_size + 1
    if kind == "fully connected":
        return [(i, o, o * inputs + i) for o in range(outputs) for i in range(inputs)]
    if kind == "locally connected":
        return [(o + j, o, o * kernel_size + j) for o in range(outputs) for j in range(kernel_size)]
    if kind == "convolutional":
        return [(o + j, o, j) for o in range(outputs) for j in range(kernel_size)]
    raise ValueError(f"kind must be 'fully connected', 'locally connected' or 'convolutional', "
                     f"got {kind!r}")


KINDS = ("fully connected", "locally connected", "convolutional")


def three_networks(inputs: int = 8, kernel_size: int = 3) -> Figure:
    """Slide 2: the same row of ``inputs`` pixels connected to a layer three ways. Each
    distinct weight has its own colour, so shared weights look alike."""
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    outputs = inputs - kernel_size + 1
    colours = plt.get_cmap("tab10")
    for ax, kind in zip(axes, KINDS):
        edges = connections(kind, inputs, kernel_size)
        weights = len({w for _, _, w in edges})
        x_in = np.arange(inputs, dtype=float)
        x_out = np.arange(outputs) + (inputs - outputs) / 2
        for i, o, w in edges:
            colour = "0.55" if kind == "fully connected" else colours(w % 10)
            style = "-" if kind != "locally connected" or w < 10 else "--"
            ax.plot([x_in[i], x_out[o]], [0, 1], style, color=colour,
                    lw=0.6 if kind == "fully connected" else 1.6, zorder=1)
        ax.scatter(x_in, np.zeros(inputs), s=140, color="white", edgecolor="0.2", zorder=2)
        ax.scatter(x_out, np.ones(outputs), s=140, color="C0", edgecolor="0.2", zorder=2)
        ax.text(-0.6, 0, "input", ha="right", va="center", fontsize=9)
        ax.text(x_out[0] - 0.6, 1, "hidden", ha="right", va="center", fontsize=9)
        ax.set_title(f"{kind}\n{weights} weights", fontsize=11)
        ax.set_xlim(-2.2, inputs)
        ax.set_ylim(-0.3, 1.3)
        ax.axis("off")
    shared = ("colour = one weight: the convolution uses the same "
              f"{kernel_size} weights at every position")
    fig.suptitle(f"{inputs} inputs, {outputs} hidden units, window {kernel_size}; {shared}",
                 fontsize=10, y=0.02, va="bottom")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


# --------------------------------------------------------------------------- slide 3
def _grid(ax, x0: float, y0: float, rows: int, cols: int, facecolor="white", edgecolor="0.4",
          lw=0.8, zorder=1) -> None:
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((x0 + c, y0 - r - 1), 1, 1, facecolor=facecolor,
                                   edgecolor=edgecolor, lw=lw, zorder=zorder))


def padding_stride_grid(ax, size: int = 5, kernel_size: int = 3, padding: int = 0,
                        stride: int = 1) -> int:
    """Draw one setting on ``ax``: the padded input (padding grey), the first two windows
    (blue, then dashed one stride further) and the output grid, with the first two output
    cells they produce. Returns the output size."""
    out = conv_output_size(size, kernel_size, stride, padding)
    full = size + 2 * padding
    _grid(ax, 0, 0, full, full, facecolor="0.85", edgecolor="0.6")             # padding
    _grid(ax, padding, -padding, size, size, facecolor="#fff7d6", edgecolor="0.4")  # image
    ax.add_patch(Rectangle((0, -kernel_size), kernel_size, kernel_size, facecolor="C0",
                           alpha=0.35, edgecolor="C0", lw=2.5, zorder=3))
    if out > 1:
        ax.add_patch(Rectangle((stride, -kernel_size), kernel_size, kernel_size, fill=False,
                               edgecolor="C3", lw=2.5, ls="--", zorder=4))
    gap = 1.5
    x0 = full + gap
    _grid(ax, x0, 0, out, out, facecolor="#dbeaf5", edgecolor="0.4")
    ax.add_patch(Rectangle((x0, -1), 1, 1, facecolor="C0", alpha=0.6, zorder=3))
    if out > 1:
        ax.add_patch(Rectangle((x0 + 1, -1), 1, 1, fill=False, edgecolor="C3", lw=2.5,
                               ls="--", zorder=4))
    ax.annotate("", xy=(x0 - 0.2, -full / 2), xytext=(full + 0.2, -full / 2),
                arrowprops=dict(arrowstyle="->", color="0.3"))
    ax.set_xlim(-0.5, x0 + max(out, 1) + 0.5)
    ax.set_ylim(-full - 0.5, 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"n={size}, k={kernel_size}, p={padding}, s={stride}\n"
                 f"output {out}x{out}", fontsize=10)
    return out


#: (n, k, p, s): no padding; "same" padding; stride 2; "full" padding
SETTINGS = ((5, 3, 0, 1), (5, 3, 1, 1), (5, 3, 1, 2), (5, 3, 2, 1))


def padding_stride_grids(settings=SETTINGS) -> Figure:
    """Slide 3's padding and stride grids, one panel per ``(n, k, p, s)`` setting: grey cells
    are zero padding, the blue square is the first window, the dashed red one the next window
    one stride further, and the output cells they produce have the same colours."""
    fig, axes = plt.subplots(1, len(settings), figsize=(3.4 * len(settings), 3.4))
    for ax, (n, k, p, s) in zip(np.atleast_1d(axes), settings):
        padding_stride_grid(ax, n, k, p, s)
    fig.suptitle("Zero padding (grey) and stride: the first two windows and the output cells "
                 "they produce", fontsize=11)
    fig.tight_layout()
    return fig


def multichannel_example(seed: int = 0, size: int = 4, kernel_size: int = 3,
                         out_channels: int = 2) -> dict[str, torch.Tensor]:
    """Small integer tensors for :func:`multichannel_convolution`: a 3-channel input, the
    filters, the biases, the per-channel partial maps of every filter and the output of
    ``F.conv2d`` (equal to the sum of the partial maps plus the bias)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 4, (1, 3, size, size), generator=g).float()
    w = torch.randint(-1, 2, (out_channels, 3, kernel_size, kernel_size), generator=g).float()
    b = torch.arange(1, out_channels + 1).float()
    partial = torch.stack([torch.stack([F.conv2d(x[:, c:c + 1], w[f:f + 1, c:c + 1])[0, 0]
                                        for c in range(3)]) for f in range(out_channels)])
    return {"input": x[0], "weight": w, "bias": b, "partial": partial,
            "output": F.conv2d(x, w, b)[0]}


def _matrix(ax, values: torch.Tensor, title: str, cmap: str, limit: float) -> None:
    """Values written in their cells; light colours (symmetric limits, twice the largest
    value) so the numbers stay readable."""
    ax.imshow(values.numpy(), cmap=cmap, vmin=-2 * limit, vmax=2 * limit)
    for (r, c), v in np.ndenumerate(values.numpy()):
        ax.text(c, r, f"{v:.0f}", ha="center", va="center", fontsize=9)
    ax.set_title(title, fontsize=9)
    ax.set(xticks=[], yticks=[])
    ax.grid(False)


def multichannel_convolution(seed: int = 0) -> Figure:
    """Slide 3, several channels: each row is one input channel, convolved with its own slice
    of filter 1; the three partial maps are summed and the bias added, giving output map 1;
    filter 2 gives output map 2 the same way. The numbers are computed; the output equals
    ``F.conv2d``."""
    ex = multichannel_example(seed)
    out_channels = len(ex["bias"])
    fig, axes = plt.subplots(3, 4 + out_channels, figsize=(2.0 * (4 + out_channels), 6.2))
    limit = float(max(ex["partial"].abs().max(), ex["output"].abs().max(), 3))
    for c in range(3):
        _matrix(axes[c, 0], ex["input"][c], f"input channel {c + 1}", "Greys", 6)
        _matrix(axes[c, 1], ex["weight"][0, c], f"filter 1, slice {c + 1}", "RdBu_r", 1.5)
        _matrix(axes[c, 2], ex["partial"][0, c], f"channel {c + 1} ⋆ slice {c + 1}", "RdBu_r",
                limit)
        axes[c, 3].axis("off")
        for f in range(out_channels):
            axes[c, 4 + f].axis("off")
    axes[1, 3].text(0.5, 0.5, f"sum of the\n3 partial maps\n+ bias b₁ = {ex['bias'][0]:.0f}\n→",
                    ha="center", va="center", fontsize=10, transform=axes[1, 3].transAxes)
    for f in range(out_channels):
        ax = axes[1, 4 + f]
        ax.axis("on")
        _matrix(ax, ex["output"][f], f"output map {f + 1}\n(filter {f + 1}, bias {ex['bias'][f]:.0f})",
                "RdBu_r", limit)
    fig.suptitle(f"A convolution with 3 input channels and {out_channels} filters of 3x3x3: "
                 "every filter spans all channels, the products are summed, a bias is added",
                 fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- slide 1
#: The connection names that LeNet-5's Figure 2 (and slide 1) writes under each layer: C5 is a
#: convolution in the code and in the text (section II.B), a "full connection" in the figure,
#: because its 5x5 kernels cover the whole 5x5 maps of S4.
LENET5_CONNECTIONS = {"c1": "Convolutions", "s2": "Subsampling", "c3": "Convolutions",
                      "s4": "Subsampling", "c5": "Full\nconnection", "f6": "Full\nconnection",
                      "output": "Gaussian\nconnections"}


def lenet5_stages(model=None) -> list[tuple[str, tuple[int, ...], str]]:
    """``(layer name, output shape, Figure 2's connection name)`` for the input and each layer
    of :data:`LENET5_CONNECTIONS`, the shapes from a forward pass of ``model`` (by default
    ``lk.models.create('lenet5_1998')``)."""
    from ..analysis import feature_maps
    from ..models import create

    model = create("lenet5_1998") if model is None else model
    missing = [name for name in LENET5_CONNECTIONS if not hasattr(model, name)]
    if missing:
        raise ValueError(f"model must have LeNet-5's layers {tuple(LENET5_CONNECTIONS)}, "
                         f"missing {missing}")
    outputs = feature_maps(model, torch.zeros(1, 1, 32, 32), list(LENET5_CONNECTIONS))
    return [("input", (1, 32, 32), ""), *[(name, tuple(outputs[name].shape[1:]), connection)
                                         for name, connection in LENET5_CONNECTIONS.items()]]


def lenet5_figure(model=None) -> Figure:
    """Slide 1 (LeNet-5's Figure 2): stacks of feature maps sized by their maps, labelled
    ``C1: feature maps 6@28x28``, vectors as bars, the connection name written under each step
    as the figure writes it, and for each convolution or subsampling the window one unit reads
    (the window's side is the input side minus the output side plus one for a convolution,
    their ratio for a subsampling)."""
    stages = lenet5_stages(model)
    fig, ax = plt.subplots(figsize=(13, 4.2))
    x, previous = 0.0, None
    for name, shape, connection in stages:
        maps = len(shape) == 3 and shape[-1] > 1
        if maps:
            channels, size = shape[0], shape[-1]
            side = 2.4 * size / 32
            for i in reversed(range(min(channels, 4))):
                ax.add_patch(Rectangle((x + 0.12 * i, -side / 2 - 0.12 * i), side, side,
                                       facecolor="#deebf7", edgecolor="#2171b5", lw=0.8))
            width = side + 0.36
            label = f"{name.upper()}: feature maps\n{channels}@{size}x{size}"
            if name == "input":
                label = f"INPUT\n{size}x{size}"
        else:
            units = shape[0]
            side, width = 0.25 + 2.4 * units / 120, 0.25
            ax.add_patch(Rectangle((x, -side / 2), width, side, facecolor="#fdd0a2", edgecolor="#a6611a"))
            label = f"{name.upper()}: layer\n{units}"
        ax.text(x + width / 2, 1.55, label, ha="center", va="bottom", fontsize=9)
        if previous is not None:
            p_x, p_width, p_side, p_shape = previous
            ax.annotate("", xy=(x - 0.1, 0), xytext=(p_x + p_width + 0.1, 0),
                        arrowprops=dict(arrowstyle="->", color="0.35"))
            ax.text((p_x + p_width + x) / 2, -1.75, connection, ha="center", va="top", fontsize=9)
            if maps and len(p_shape) == 3 and connection in ("Convolutions", "Subsampling"):
                p_size, size = p_shape[-1], shape[-1]
                window = p_size - size + 1 if connection == "Convolutions" else p_size // size
                w_in, w_out = p_side * window / p_size, side / size
                corner_in = (p_x + 0.3 * p_side, 0.1 * p_side)       # upper half of the front map
                corner_out = (x + 0.3 * side, -0.3 * side)            # the unit: lower half
                ax.add_patch(Rectangle(corner_in, w_in, w_in, fill=False, edgecolor="C3", lw=1.2))
                ax.add_patch(Rectangle(corner_out, w_out, w_out, facecolor="C3", edgecolor="C3"))
                for dy in (0, w_in):
                    ax.plot([corner_in[0] + w_in, corner_out[0]],
                            [corner_in[1] + dy, corner_out[1] + dy * w_out / w_in],
                            color="C3", lw=0.7)
                ax.text(corner_in[0] + w_in / 2, corner_in[1] + w_in + 0.05, f"{window}x{window}",
                        ha="center", va="bottom", fontsize=7, color="C3")
        previous = (x, width, side, shape)
        x += width + 1.1
    ax.set(xlim=(-0.3, x - 0.8), ylim=(-2.4, 2.3), aspect="equal")
    ax.axis("off")
    ax.set_title("LeNet-5 (LeCun et al. 1998, Figure 2), shapes from a forward pass of lenet5_1998; "
                 "red: the window one unit reads", fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- slide 4
#: The slide's kind of example: a 4x4 convolved feature, pooled in 2x2 windows.
POOLING_EXAMPLE = ((1, 1, 2, 4), (5, 6, 7, 8), (3, 2, 1, 0), (1, 2, 3, 4))


def max_and_average_pooling(feature=POOLING_EXAMPLE, window: int = 2) -> Figure:
    """Slide 4: a convolved feature cut into non-overlapping ``window`` x ``window`` windows (one
    colour per window), and the pooled features it gives, max and average, each value in the
    colour of its window. The pooled values are computed by ``F.max_pool2d`` and
    ``F.avg_pool2d``."""
    values = torch.as_tensor(feature, dtype=torch.float32)
    if values.dim() != 2 or values.shape[0] % window or values.shape[1] % window:
        raise ValueError(f"feature must be a 2-d map whose sides are multiples of window={window}, "
                         f"got shape {tuple(values.shape)}")
    pooled = {"max pooling": F.max_pool2d(values[None, None], window)[0, 0],
              "average pooling": F.avg_pool2d(values[None, None], window)[0, 0]}
    rows, cols = values.shape
    colours = plt.get_cmap("Pastel1")

    def cells(ax, grid, colour_of, title):  # every panel has the feature's extent: equal cells
        dy, dx = (rows - grid.shape[0]) / 2, (cols - grid.shape[1]) / 2
        for (r, c), v in np.ndenumerate(grid.numpy()):
            ax.add_patch(Rectangle((dx + c, -dy - r - 1), 1, 1, facecolor=colour_of(r, c), edgecolor="0.3"))
            ax.text(dx + c + 0.5, -dy - r - 0.5, f"{v:g}", ha="center", va="center", fontsize=12)
        ax.set(xlim=(-0.1, cols + 0.1), ylim=(-rows - 0.1, 0.1), aspect="equal")
        ax.axis("off")
        ax.set_title(title, fontsize=11)

    def window_colour(r, c):
        return colours((r // window) * (cols // window) + c // window)

    fig, axes = plt.subplots(1, 3, figsize=(11, 4))
    cells(axes[0], values, window_colour,
          f"convolved feature {rows}x{cols}\n({window}x{window} windows, one colour each)")
    for ax, (name, grid) in zip(axes[1:], pooled.items()):
        cells(ax, grid, lambda r, c: window_colour(r * window, c * window),
              f"{name}\n(the {'largest value' if name.startswith('max') else 'mean'} of each window)")
    fig.suptitle(f"Pooling {window}x{window} windows with stride {window}: a {rows}x{cols} map becomes "
                 f"{rows // window}x{cols // window}", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    return fig
