"""Architecture diagrams drawn from the model itself (shapes come from a forward pass)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Rectangle
from torch import nn

from .analysis import feature_maps

#: How the diagram names the connection that a layer type makes (LeNet-5's Figure 2 labels).
CONNECTION_NAMES = {
    "Conv2d": "convolutions", "PartialConv2d": "convolutions",
    "LocallyConnected2d": "local connections",
    "Subsampling": "subsampling", "AvgPool2d": "subsampling", "MaxPool2d": "max pooling",
    "Linear": "full connection", "EuclideanRBF": "Gaussian connections",
}


def stages(model: nn.Module, input_shape: Sequence[int]) -> list[tuple[str, str, tuple[int, ...]]]:
    """(layer name, connection name, output shape) for each top-level layer that makes a
    connection listed in :data:`CONNECTION_NAMES`, in order."""
    outputs = feature_maps(model, torch.zeros(1, *input_shape))
    return [(name, CONNECTION_NAMES[type(child).__name__], tuple(outputs[name].shape[1:]))
            for name, child in model.named_children()
            if type(child).__name__ in CONNECTION_NAMES]


def _label(name: str, shape: tuple[int, ...]) -> str:
    if len(shape) == 3:
        c, h, w = shape
        if h == w == 1:
            return f"{name.upper()}:\nlayer\n{c}"
        return f"{name.upper()}: f. maps\n{c}@{h}x{w}"
    return f"{name.upper()}:\nlayer\n{shape[0]}"


def feature_map_diagram(model: nn.Module, input_shape: Sequence[int] = (1, 32, 32),
                        title: str | None = None, max_maps: int = 6) -> Figure:
    """Stacks of feature maps in the style of LeNet-5's Figure 2: one stack per layer, sized
    by the map size, labelled ``C1: f. maps 6@28x28``; vectors as bars; the kind of
    connection between layers written underneath."""
    layers = [("input", "", tuple(input_shape)), *stages(model, input_shape)]
    fig, ax = plt.subplots(figsize=(1.55 * len(layers) + 0.5, 3.6))
    biggest = max(s[-1] if len(s) == 3 else 1 for _, _, s in layers)
    x = 0.0
    centres = []
    for name, _, shape in layers:
        if len(shape) == 3 and shape[-1] > 1:
            channels, size = shape[0], shape[-1]
            side = 0.35 + 1.6 * size / biggest
            count = min(channels, max_maps)
            for i in range(count):
                offset = 0.07 * i
                ax.add_patch(Rectangle((x + offset, -side / 2 - offset), side, side,
                                       facecolor="#dbe9f6", edgecolor="#2b5d8a", lw=0.8))
            width = side + 0.07 * (count - 1)
        else:
            units = shape[0]
            height = min(2.0, 0.35 + units / 60)
            ax.add_patch(Rectangle((x, -height / 2), 0.16, height, facecolor="#f6e3c7",
                                   edgecolor="#8a5a2b", lw=0.8))
            width = 0.16
        label = "INPUT\n" + "x".join(map(str, shape[1:])) if name == "input" else _label(name, shape)
        ax.text(x + width / 2, 1.25, label, ha="center", va="bottom", fontsize=8)
        centres.append((x, x + width))
        x += width + 0.75
    for (_, end), (start, _), (_, connection, _) in zip(centres, centres[1:], layers[1:]):
        ax.annotate("", xy=(start - 0.05, 0), xytext=(end + 0.05, 0),
                    arrowprops=dict(arrowstyle="->", color="0.4"))
        ax.text((end + start) / 2, -1.45, connection, ha="center", va="top", fontsize=7.5,
                rotation=20)
    ax.set_xlim(-0.3, x - 0.4)
    ax.set_ylim(-2.0, 2.0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or f"{type(model).__name__}, drawn from the model")
    return fig


#: Layers folded into the box before them in a block diagram.
_QUIET = (nn.ReLU, nn.Dropout, nn.BatchNorm2d, nn.Flatten, nn.LocalResponseNorm, nn.Identity)


def _blocks(model: nn.Module, prefix: str = "") -> list[tuple[str, nn.Module]]:
    """The blocks of a model: its children, with plain ``nn.Sequential`` containers opened
    (recursively); custom modules such as an Inception module stay one block."""
    out = []
    for name, child in model.named_children():
        full = f"{prefix}{name}"
        if type(child) is nn.Sequential:  # a plain container: show what it contains
            out += _blocks(child, f"{full}.")
        else:
            out.append((full, child))
    return out


def _block_label(module: nn.Module) -> str:
    kind = type(module).__name__
    if isinstance(module, nn.Conv2d):
        k, s = module.kernel_size, module.stride
        text = f"conv {k[0]}x{k[1]}" + (f"/{s[0]}" if s[0] > 1 else "")
        return text + (f", groups {module.groups}" if module.groups > 1 else "")
    if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
        k = module.kernel_size if isinstance(module.kernel_size, int) else module.kernel_size[0]
        return f"{'max' if isinstance(module, nn.MaxPool2d) else 'avg'} pool {k}x{k}"
    if isinstance(module, nn.AdaptiveAvgPool2d):
        return "global avg pool" if module.output_size in (1, (1, 1)) else "adaptive avg pool"
    if isinstance(module, nn.Linear):
        return "fully connected"
    return kind


def _box_names(names: Sequence[str]) -> list[str]:
    """Readable box titles for dotted module names: the last named part, numbered from 1 within
    it where the name has Sequential indices ("stage1.0" -> "stage1 #1", "features.2.1" ->
    "features #3"), never a bare index such as "0.0"."""
    titles, counts = [], {}
    for name in names:
        parts = name.split(".")
        words = [p for p in parts if not p.isdigit()]
        group = words[-1] if words else "block"
        if len(words) == len(parts):
            titles.append(group)
            continue
        counts[group] = counts.get(group, 0) + 1
        titles.append(f"{group} #{counts[group]}")
    return titles


def block_diagram(model: nn.Module, input_shape: Sequence[int], title: str | None = None,
                  per_row: int = 8) -> Figure:
    """A block diagram of a deep network, drawn from a forward pass: one box per block
    (activations, normalization and dropout folded into the block before them) with its
    output shape and parameter count, in rows of ``per_row`` boxes."""
    blocks = [(n, m) for n, m in _blocks(model) if not isinstance(m, _QUIET)]
    outputs = feature_maps(model, torch.zeros(1, *input_shape), blocks)
    shapes = {name: tuple(out.shape[1:]) for name, out in outputs.items()}
    names = _box_names([name for name, _ in blocks])
    rows = -(-len(blocks) // per_row)
    fig, ax = plt.subplots(figsize=(1.45 * min(per_row, len(blocks)) + 0.4, 1.35 * rows + 0.6))
    for i, (name, module) in enumerate(blocks):
        row, col = divmod(i, per_row)
        x, y = col * 1.45, -row * 1.35
        shape = shapes.get(name, ())
        size = (f"{shape[0]}@{shape[1]}x{shape[2]}" if len(shape) == 3 else
                f"{shape[0]}" if shape else "")
        params = sum(p.numel() for p in module.parameters())
        parameter_text = (f"{params / 1e6:.2f}M" if params >= 1e5 else f"{params / 1e3:.1f}K"
                          if params else "0")
        color = "#dbe9f6" if params else "#eeeeee"
        ax.add_patch(Rectangle((x, y - 0.9), 1.25, 0.9, facecolor=color, edgecolor="#2b5d8a"))
        ax.text(x + 0.625, y - 0.45, f"{names[i]}\n{_block_label(module)}\n{size}\n{parameter_text}",
                ha="center", va="center", fontsize=6.5)
        if col < per_row - 1 and i + 1 < len(blocks):
            ax.annotate("", xy=(x + 1.45, y - 0.45), xytext=(x + 1.25, y - 0.45),
                        arrowprops=dict(arrowstyle="->", color="0.4", lw=0.8))
    ax.set_xlim(-0.1, 1.45 * min(per_row, len(blocks)))
    ax.set_ylim(-1.35 * rows, 0.15)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or f"{type(model).__name__}: blocks with output shape and parameters",
                 fontsize=10)
    return fig


def _step_label(module: nn.Module | str) -> str:
    if module == "relu" or isinstance(module, nn.ReLU):
        return "ReLU"
    if isinstance(module, nn.BatchNorm2d):
        return "BN"
    if isinstance(module, nn.Dropout):
        return "dropout"
    label = _block_label(module)
    return label.replace("conv ", "conv\n") if isinstance(module, nn.Conv2d) else label


def _residual_steps(block: nn.Module) -> list[nn.Module | str]:
    """The layers of a block's residual branch in order: its ``layout`` (names of its layers,
    "relu" for a functional ReLU), or else the children of its ``residual`` Sequential."""
    if hasattr(block, "layout"):
        return [step if step == "relu" else getattr(block, step) for step in block.layout]
    return list(block.residual.children())


def box_height(channels: int | None) -> float:
    """The height of a convolution's box in a residual diagram: it grows with the square root of
    the channels it writes (16 -> 0.6, 64 -> 0.9, 256 and more -> 1.2), so that a wide block is
    drawn visibly wider than a thin one, as in Zagoruyko & Komodakis' Figure 1."""
    if not channels:
        return 0.6
    return min(1.2, 0.3 + 0.3 * (channels / 16) ** 0.5)


def residual_diagram(block: nn.Module, title: str | None = None, ax: Axes | None = None) -> Figure:
    """A residual unit drawn from its ``layout`` (the order of its layers in ``forward``; or the
    children of its ``residual`` Sequential) and ``after_add`` attributes: the residual branch
    as a chain of boxes, the shortcut above it (identity, or the projection it holds), the
    addition, and what follows the addition. Convolution boxes give the channels they write and
    are taller the more channels they have (:func:`box_height`)."""
    steps = _residual_steps(block)
    tallest = max([box_height(s.out_channels) for s in steps if isinstance(s, nn.Conv2d)] + [0.6])
    fig = ax.figure if ax is not None else plt.subplots(figsize=(1.0 * len(steps) + 3.2, 2.2))[1].figure
    ax = ax if ax is not None else fig.axes[0]
    half = 0.38                                              # half the width of a box

    def arrow(start: float, end: float) -> None:
        ax.annotate("", xy=(end, 0), xytext=(start, 0),
                    arrowprops=dict(arrowstyle="->", color="0.4", lw=0.8))

    def box(x: float, label: str, channels: int | None = None) -> None:
        color = {"ReLU": "#fde2c8", "BN": "#e2f0d9", "dropout": "#f4cccc"}.get(label, "#dbe9f6")
        height = box_height(channels)
        ax.add_patch(Rectangle((x - half, -height / 2), 2 * half, height, facecolor=color,
                               edgecolor="#2b5d8a"))
        ax.text(x, 0, label + (f"\n{channels}" if channels else ""), ha="center", va="center",
                fontsize=7)

    ax.text(0, 0, "x", ha="center", va="center", fontsize=11)
    previous_right = 0.15
    for i, step in enumerate(steps, start=1):
        arrow(previous_right, i - half)
        box(i, _step_label(step), step.out_channels if isinstance(step, nn.Conv2d) else None)
        previous_right = i + half
    add_x = len(steps) + 1.0
    arrow(previous_right, add_x - 0.2)
    ax.add_patch(Circle((add_x, 0), 0.2, facecolor="white", edgecolor="black"))
    ax.text(add_x, 0, "+", ha="center", va="center", fontsize=12)
    shortcut = getattr(block, "shortcut", None)
    if shortcut is None or isinstance(shortcut, nn.Identity):
        label = "identity"
    elif isinstance(shortcut, nn.Sequential):
        label = " + ".join("BN" if isinstance(m, nn.BatchNorm2d) else _block_label(m) for m in shortcut)
    else:
        label = _block_label(shortcut)
    top = tallest / 2 + 0.5
    ax.plot([0, 0, add_x, add_x], [0.15, top, top, 0.2], color="#c0392b", lw=1.2)
    ax.text(add_x / 2, top + 0.08, f"shortcut: {label}", ha="center", fontsize=8, color="#c0392b")
    end = add_x + 0.2
    if getattr(block, "after_add", None):
        arrow(end, add_x + 1 - half)
        box(add_x + 1, "ReLU")
        end = add_x + 1 + half
    arrow(end, end + 0.4)
    ax.set_xlim(-0.4, end + 0.5)
    ax.set_ylim(-max(0.5, tallest / 2 + 0.1), top + 0.35)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or type(block).__name__, fontsize=10)
    return fig
