"""Architecture diagrams drawn from the model itself (shapes come from a forward pass)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from torch import nn

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
    shapes: dict[str, tuple[int, ...]] = {}
    handles = [child.register_forward_hook(
        lambda _m, _i, out, name=name: shapes.__setitem__(name, tuple(out.shape[1:])))
        for name, child in model.named_children()]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(1, *input_shape))
    finally:
        model.train(was_training)
        for h in handles:
            h.remove()
    return [(name, CONNECTION_NAMES[type(child).__name__], shapes[name])
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
