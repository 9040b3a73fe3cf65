"""Slide pictures of the fully connected layer and of end-to-end learning (slides 6, 7, 9, 10),
drawn from code.

- :func:`fully_connected_layer`: every input connected to every output, beside the weight
  matrix of the same ``nn.Linear`` (slide 6);
- :func:`pipeline_vs_hierarchy`: the hand-crafted pipeline (features designed by people, then a
  trainable classifier) against the learned hierarchy of a CNN, low-, mid- and high-level
  features and the classifier all trained together (slide 7);
- :func:`ilsvrc_top5`: the ILSVRC winners' top-5 error by year, from
  ``lk.references.ILSVRC`` (slide 9);
- :func:`alexnet_towers`: AlexNet's two towers (two GPUs), read from the ``groups`` of a model's
  convolutions (slide 10).

Every function returns a matplotlib ``Figure``; the numbers in the pictures are computed from
a layer, a model or the references, never typed in.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from torch import nn

HAND_MADE, LEARNED = "0.85", "#9ecae1"


# --------------------------------------------------------------------------- slide 6
def fully_connected_layer(inputs: int = 6, outputs: int = 4, seed: int = 0) -> Figure:
    """Slide 6: a fully connected layer ``nn.Linear(inputs, outputs)``: on the left every
    input joined to every output (line colour = the weight), on the right the same weights as
    the matrix W of y = W x + b, with a symmetric colour scale."""
    if not (isinstance(inputs, int) and isinstance(outputs, int) and 1 <= inputs <= 16
            and 1 <= outputs <= 16):
        raise ValueError(f"inputs and outputs must be integers from 1 to 16, got {inputs}, {outputs}")
    torch.manual_seed(seed)
    layer = nn.Linear(inputs, outputs)
    weight = layer.weight.detach().numpy()
    limit = float(np.abs(weight).max())
    cmap, norm = plt.get_cmap("RdBu_r"), plt.Normalize(-limit, limit)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), width_ratios=(1.2, 1))
    y_in = np.linspace(0, 1, inputs)
    y_out = np.linspace(0.5 - 0.5 * (outputs - 1) / max(inputs - 1, 1),
                        0.5 + 0.5 * (outputs - 1) / max(inputs - 1, 1), outputs)
    for o in range(outputs):
        for i in range(inputs):
            left.plot([0, 1], [y_in[i], y_out[o]], color=cmap(norm(weight[o, i])), lw=1.6, zorder=1)
    left.scatter(np.zeros(inputs), y_in, s=260, color="white", edgecolor="0.2", zorder=2)
    left.scatter(np.ones(outputs), y_out, s=260, color="C0", edgecolor="0.2", zorder=2)
    for i in range(inputs):
        left.text(-0.08, y_in[i], f"x{i + 1}", ha="right", va="center")
    for o in range(outputs):
        left.text(1.08, y_out[o], f"y{o + 1}", ha="left", va="center")
    n_weights, n_biases = weight.size, outputs
    left.set_title(f"every output sees every input:\n{inputs} x {outputs} = {n_weights} weights "
                   f"+ {n_biases} biases", fontsize=10)
    left.set(xlim=(-0.35, 1.35), ylim=(-0.1, 1.1))
    left.axis("off")
    image = right.imshow(weight, cmap=cmap, norm=norm)
    right.set_xticks(range(inputs), [f"x{i + 1}" for i in range(inputs)])
    right.set_yticks(range(outputs), [f"y{o + 1}" for o in range(outputs)])
    right.set_title(f"the same weights as W, shape {tuple(layer.weight.shape)}\n"
                    "(out_features, in_features): y = W x + b", fontsize=10)
    right.grid(False)
    fig.colorbar(image, ax=right, label="weight", shrink=0.8)
    fig.suptitle(f"A fully connected layer, nn.Linear({inputs}, {outputs}): "
                 f"{n_weights + n_biases} parameters", fontsize=11)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- slide 7
PIPELINE = (("image", None), ("hand-crafted\nfeature extractor\n(e.g. HOG)", HAND_MADE),
            ("trainable\nclassifier", LEARNED), ("class", None))
HIERARCHY = (("image", None), ("low-level\nfeatures", LEARNED), ("mid-level\nfeatures", LEARNED),
             ("high-level\nfeatures", LEARNED), ("trainable\nclassifier", LEARNED), ("class", None))


def _row(ax, y: float, stages, width: float = 1.5, gap: float = 0.55) -> list[float]:
    x, centres = 0.0, []
    for k, (text, colour) in enumerate(stages):
        w = 0.9 if colour is None else width
        if colour is None:
            ax.text(x + w / 2, y, text, ha="center", va="center", fontsize=10, style="italic")
        else:
            ax.add_patch(FancyBboxPatch((x, y - 0.42), w, 0.84, boxstyle="round,pad=0.04",
                                        facecolor=colour, edgecolor="0.3"))
            ax.text(x + w / 2, y, text, ha="center", va="center", fontsize=9)
        centres.append(x + w / 2)
        if k < len(stages) - 1:
            ax.add_patch(FancyArrowPatch((x + w + 0.05, y), (x + w + gap - 0.05, y),
                                         arrowstyle="-|>", mutation_scale=12, color="0.3"))
        x += w + gap
    return centres


def pipeline_vs_hierarchy() -> Figure:
    """Slide 7: the old pipeline, a feature extractor designed by hand followed by a trainable
    classifier, against a CNN whose low-, mid- and high-level features and classifier are all
    trained together, end to end. Grey = designed by people, blue = learned from data."""
    fig, ax = plt.subplots(figsize=(11, 3.6))
    _row(ax, 1.5, PIPELINE)
    centres = _row(ax, 0.0, HIERARCHY)
    ax.text(-0.2, 2.15, "before 2012: hand-crafted features + a trainable classifier",
            fontsize=10, weight="bold")
    ax.text(-0.2, 0.65, "a CNN: a hierarchy of features, all learned", fontsize=10, weight="bold")
    ax.annotate("", xy=(centres[1] - 0.75, -0.6), xytext=(centres[4] + 0.75, -0.6),
                arrowprops=dict(arrowstyle="<->", color="C0"))
    ax.text((centres[1] + centres[4]) / 2, -0.8, "trained together from the labels (end to end)",
            ha="center", va="top", fontsize=9, color="C0")
    handles = [FancyBboxPatch((0, 0), 1, 1, facecolor=HAND_MADE, edgecolor="0.3"),
               FancyBboxPatch((0, 0), 1, 1, facecolor=LEARNED, edgecolor="0.3")]
    ax.legend(handles, ["designed by hand", "learned from data"], loc="upper right", fontsize=9)
    ax.set(xlim=(-0.3, centres[-1] + 0.6), ylim=(-1.2, 2.5))
    ax.axis("off")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- slide 9
def ilsvrc_top5(results=None, last_year: int | None = None) -> Figure:
    """Slide 9: the ILSVRC classification winners' top-5 error by year, as bars labelled
    with the entry and its error (from ``lk.references.ILSVRC`` unless ``results`` is given);
    ``last_year`` stops the chart at that year (e.g. 2012 for AlexNet's notebook)."""
    if results is None:
        from ..references import ILSVRC as results
    rows = [r for r in results if last_year is None or r.year <= last_year]
    if not rows:
        raise ValueError(f"no results up to last_year={last_year}")
    fig, ax = plt.subplots(figsize=(1.3 * len(rows) + 2.5, 3.6))
    colours = ["0.6" if "shallow" in r.entry else "C0" for r in rows]
    bars = ax.bar(range(len(rows)), [r.top5_error for r in rows], color=colours, edgecolor="0.3")
    ax.bar_label(bars, [f"{r.top5_error}%" for r in rows], padding=2, fontsize=9)
    ax.set_xticks(range(len(rows)), [f"{r.year}\n{r.entry}" for r in rows], fontsize=9)
    ax.set(ylabel="top-5 error (%)", ylim=(0, 1.18 * max(r.top5_error for r in rows)),
           title="ImageNet (ILSVRC) classification winners, top-5 error")
    ax.grid(axis="x", visible=False)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- slide 10
def alexnet_towers(model: nn.Module | None = None) -> Figure:
    """Slide 10: AlexNet's two towers, one per GPU. Each convolution is drawn as two boxes
    (its two halves of kernels); a layer with ``groups=2`` reads only its own tower's maps
    (straight arrows), a layer with ``groups=1`` reads both towers (crossing arrows). The
    kernel counts and the groups are read from ``model`` (default: ``lk.models.create('alexnet')``)."""
    if model is None:
        from ..models import create
        model = create("alexnet")
    convs = [(name, m) for name, m in model.named_modules() if isinstance(m, nn.Conv2d)]
    linears = [(name, m) for name, m in model.named_modules() if isinstance(m, nn.Linear)]
    if not convs:
        raise ValueError("model has no nn.Conv2d layers to draw")
    layers = [(f"conv{k + 1}", m.out_channels, m.groups, m.kernel_size[0]) for k, (_, m) in enumerate(convs)]
    layers += [(f"fc{len(convs) + k + 1}", m.out_features, None, None) for k, (_, m) in enumerate(linears)]
    fig, ax = plt.subplots(figsize=(12, 4))
    y_tower = {0: 1.0, 1: 0.0}
    for k, (name, width, groups, kernel) in enumerate(layers):
        x = 1.4 * k
        halves = 2 if groups is not None else 1
        for t in range(halves):
            y = y_tower[t] if halves == 2 else 0.5
            ax.add_patch(FancyBboxPatch((x, y - 0.3), 0.9, 0.6, boxstyle="round,pad=0.03",
                                        facecolor=f"C{t}" if halves == 2 else "0.8",
                                        alpha=0.35 if halves == 2 else 1.0, edgecolor="0.3"))
            size = f"{kernel}x{kernel}, " if kernel else ""
            count = width // halves
            ax.text(x + 0.45, y, f"{name}\n{size}{count}", ha="center", va="center", fontsize=8)
        if k == 0:
            continue
        prev_halves = 2 if layers[k - 1][2] is not None else 1
        for t in range(halves):
            y = y_tower[t] if halves == 2 else 0.5
            sources = [t] if groups == 2 and prev_halves == 2 else range(prev_halves)
            for s in sources:
                y0 = y_tower[s] if prev_halves == 2 else 0.5
                crossing = s != t or halves != prev_halves
                ax.add_patch(FancyArrowPatch((x - 0.5, y0), (x - 0.02, y), arrowstyle="-|>",
                                             mutation_scale=9, lw=1.4 if crossing else 1.0,
                                             color="C3" if crossing else "0.3"))
    ax.text(-0.5, 1.0, "GPU 1", ha="right", va="center", color="C0", weight="bold")
    ax.text(-0.5, 0.0, "GPU 2", ha="right", va="center", color="C1", weight="bold")
    ax.set(xlim=(-1.3, 1.4 * len(layers)), ylim=(-0.6, 1.75))
    ax.set_title("AlexNet's two towers: black arrows stay on one GPU (groups=2), red arrows "
                 "cross between GPUs (groups=1, fully connected)", fontsize=10)
    ax.axis("off")
    fig.tight_layout()
    return fig
