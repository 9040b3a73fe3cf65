"""Slide pictures of the GoogLeNet family (slides 13, 14 and 16), drawn from code.

- :func:`inception_module`: the Inception module of GoogLeNet's Figure 2, naive (a) or with 1x1
  dimension reductions (b), with the channels of inception (3a) and the counted cost;
- :func:`factorized_modules`: the three modules of "Rethinking the Inception architecture"
  (Figures 5, 6 and 7): 5x5 as two 3x3, n x n as 1 x n then n x 1, and the expanded 8x8 module;
- :func:`googlenet_family`: Inception v1 -> v2 -> v3 -> v4 / Inception-ResNet -> Xception, with
  each network's idea, parameters and ImageNet error.

Every function returns a matplotlib ``Figure``. The channel numbers come from the tables the
models are built from (``TABLE_1`` of :mod:`lecturekit.models.googlenet`), the costs from
:mod:`lecturekit.analysis` on the built modules, the published figures from
:mod:`lecturekit.references`; nothing is typed in twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from .. import analysis, references
from ..models.googlenet import TABLE_1, Inception, NaiveInception

#: Box colours by kind of layer, as in the papers' figures.
COLOURS = {"1x1": "#f6c945", "conv": "#7fb3e0", "pool": "#e58a8a", "io": "#d9d9d9",
           "concat": "#b9dca0", "separable": "#c7a3e0"}


def _box(ax: Axes, x: float, y: float, text: str, kind: str, width: float = 1.6,
         height: float = 0.55) -> tuple[float, float, float, float]:
    """A rounded box centred at (x, y); returns (x, bottom, x, top) for the arrows."""
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=COLOURS[kind], edgecolor="0.25", linewidth=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=8.5)
    return x, y - height / 2, x, y + height / 2


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    ax.annotate("", xy=end, xytext=start,
                arrowprops=dict(arrowstyle="-|>", color="0.3", linewidth=1, shrinkA=0, shrinkB=0))


def _columns(ax: Axes, bottom: str, columns: list[list[tuple[str, str]]], top: str,
             spacing: float = 1.9, box_width: float = 1.6) -> None:
    """A module as the papers draw it: one input box, parallel columns of boxes (listed from
    the input upwards), one output box; arrows from the input through each column."""
    depth = max(len(c) for c in columns)
    width = spacing * (len(columns) - 1)
    _, _, _, in_top = _box(ax, width / 2, 0, bottom, "io", width=max(3.0, width * 0.6))
    _, out_bottom, _, _ = _box(ax, width / 2, depth + 1, top, "concat", width=max(3.0, width * 0.6))
    for i, column in enumerate(columns):
        x = i * spacing
        previous = (width / 2 + (x - width / 2) * 0.3, in_top)
        for j, (text, kind) in enumerate(column):
            y = 1 + j * (depth - 1) / max(1, len(column) - 1) if len(column) > 1 else (1 + depth) / 2
            if len(column) == depth:
                y = 1 + j
            _, b, _, t = _box(ax, x, y, text, kind, width=box_width)
            _arrow(ax, previous, (x, b))
            previous = (x, t)
        _arrow(ax, previous, (width / 2 + (x - width / 2) * 0.3, out_bottom))
    ax.set_xlim(-spacing * 0.6, width + spacing * 0.6)
    ax.set_ylim(-0.6, depth + 1.6)
    ax.set_axis_off()


# --------------------------------------------------------------------------- slide 13
def inception_module_columns(reductions: bool, key: str = "3a") -> list[list[tuple[str, str]]]:
    """The four branches of an Inception module as box labels, from Table 1's row ``key``."""
    _, c1, c3r, c3, c5r, c5, pool = TABLE_1[key]
    if not reductions:
        return [[(f"1x1 conv, {c1}", "1x1")], [(f"3x3 conv, {c3}", "conv")],
                [(f"5x5 conv, {c5}", "conv")], [("3x3 max pool", "pool")]]
    return [[(f"1x1 conv, {c1}", "1x1")],
            [(f"1x1 conv, {c3r}", "1x1"), (f"3x3 conv, {c3}", "conv")],
            [(f"1x1 conv, {c5r}", "1x1"), (f"5x5 conv, {c5}", "conv")],
            [("3x3 max pool", "pool"), (f"1x1 conv, {pool}", "1x1")]]


def inception_module(reductions: bool = True, key: str = "3a", size: int = 28) -> Figure:
    """GoogLeNet's Figure 2: (a) the naive module, (b) with 1x1 reductions (``reductions=True``),
    with the widths of Table 1's row ``key`` on ``size`` x ``size`` maps and the counted
    output channels, parameters and multiply-adds."""
    if key not in TABLE_1:
        raise ValueError(f"key must be a row of GoogLeNet's Table 1 ({', '.join(TABLE_1)}), got {key!r}.")
    row = TABLE_1[key]
    module = Inception(*row) if reductions else NaiveInception(row[0], row[1], row[3], row[5])
    shape = (1, row[0], size, size)
    with torch.no_grad():
        channels = module(torch.zeros(shape)).shape[1]
    params, ops = analysis.count_parameters(module), analysis.mult_adds(module, shape)
    fig, ax = plt.subplots(figsize=(8, 3.8 if reductions else 3.0))
    _columns(ax, f"previous layer: {row[0]} maps, {size}x{size}",
             inception_module_columns(reductions, key),
             f"filter concatenation: {channels} maps")
    name = "(b) with dimension reductions" if reductions else "(a) naive version"
    ax.set_title(f"Inception module {name}, widths of inception ({key})\n"
                 f"{params:,} parameters, {ops / 1e6:,.1f}M multiply-adds (counted)")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- slide 16
def factorized_modules() -> Figure:
    """"Rethinking the Inception architecture": Figure 5 (each 5x5 as two 3x3), Figure 6 (each
    n x n as 1 x n then n x 1, n = 7 on the 17x17 grid) and Figure 7 (the 8x8 module whose 3x3
    outputs split into parallel 1x3 and 3x1)."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4))
    figure5 = [[("1x1", "1x1")], [("1x1", "1x1"), ("3x3", "conv")],
               [("1x1", "1x1"), ("3x3", "conv"), ("3x3", "conv")], [("pool", "pool"), ("1x1", "1x1")]]
    figure6 = [[("1x1", "1x1")], [("1x1", "1x1"), ("1xn", "conv"), ("nx1", "conv")],
               [("1x1", "1x1"), ("1xn", "conv"), ("nx1", "conv"), ("1xn", "conv"), ("nx1", "conv")],
               [("pool", "pool"), ("1x1", "1x1")]]
    figure7 = [[("1x1", "1x1")], [("1x1", "1x1"), ("1x3 | 3x1", "conv")],
               [("1x1", "1x1"), ("3x3", "conv"), ("1x3 | 3x1", "conv")], [("pool", "pool"), ("1x1", "1x1")]]
    titles = ["Figure 5: 5x5 -> two 3x3\n(35x35 grid; 18 instead of 25 weights per channel pair)",
              "Figure 6: n x n -> 1 x n, n x 1\n(17x17 grid, n = 7; 14 instead of 49)",
              "Figure 7: expanded filter bank\n(8x8 grid; '1x3 | 3x1' = two parallel outputs)"]
    for ax, columns, title in zip(axes, (figure5, figure6, figure7), titles):
        _columns(ax, "base", columns, "filter concat", spacing=1.5, box_width=1.25)
        ax.set_title(title, fontsize=10)
    fig.suptitle("Szegedy et al. (2015), Rethinking the Inception architecture: factorized modules")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- slide 14
@dataclass(frozen=True)
class Generation:
    """One network of the GoogLeNet family: its name, year, idea, and published figures."""

    name: str
    year: int
    idea: str
    parameters: float | None     # None: not published
    top1_error: float | None
    source: str


def family() -> list[Generation]:
    """Inception v1 -> v2 -> v3 -> v4 / Inception-ResNet-v2 -> Xception, with figures taken
    from :mod:`lecturekit.references`."""
    def figure(name: str, kind: str, paper: str | None = None) -> float:
        return references.entry(name).published(kind, paper=paper).value

    return [
        Generation("Inception v1\n(GoogLeNet)", 2014, "1x1 reductions,\nparallel branches",
                   figure("googlenet", "parameters"), None, "Table 1 (no single-crop top-1)"),
        Generation("Inception v2\n(BN-Inception)", 2015, "batch norm,\n5x5 -> two 3x3",
                   None, None, "Ioffe & Szegedy 2015"),
        Generation("Inception v3", 2015, "n x n -> 1xn, nx1;\nlabel smoothing",
                   figure("inception_v3", "parameters"), figure("inception_v3", "top1_error", "inception_v4"),
                   "Xception Table 3; v4 Table 2"),
        Generation("Inception-v4", 2016, "uniform modules,\nno residuals",
                   figure("inception_v4", "parameters"), figure("inception_v4", "top1_error"),
                   "timm count; v4 Table 2"),
        Generation("Inception-ResNet-v2", 2016, "Inception modules\nwith residual sums",
                   figure("inception_resnet_v2", "parameters"), figure("inception_resnet_v2", "top1_error"),
                   "timm count; v4 Table 2"),
        Generation("Xception", 2016, "depthwise separable\nconvolutions",
                   figure("xception", "parameters"), figure("xception", "top1_error"), "Xception Tables 1, 3"),
    ]


def googlenet_family() -> Figure:
    """Slide 14: the family as a time line; v4 and Inception-ResNet-v2 side by side (one
    paper), each box with its idea, parameters and single-crop top-1 error."""
    generations = family()
    positions = [(0, 0), (1, 0), (2, 0), (3, 0.75), (3, -0.75), (4, 0)]
    fig, ax = plt.subplots(figsize=(14, 4.2))
    boxes = []
    for (x, y), g in zip(positions, generations):
        params = f"{g.parameters / 1e6:.1f}M parameters" if g.parameters else "parameters: -"
        error = f"top-1 error {g.top1_error:.1f}%" if g.top1_error is not None else "top-1 error: -"
        kind = "separable" if g.name == "Xception" else ("concat" if "ResNet" in g.name else "conv")
        boxes.append(_box(ax, 3.2 * x, y, f"{g.name} ({g.year})\n{g.idea}\n{params}\n{error}", kind,
                          width=2.7, height=1.25))
    for a, b in [(0, 1), (1, 2), (2, 3), (2, 4), (3, 5), (4, 5)]:
        (xa, _, _, _), (xb, _, _, _) = boxes[a], boxes[b]
        ya, yb = positions[a][1], positions[b][1]
        _arrow(ax, (xa + 1.35, ya), (xb - 1.35, yb))
    ax.set_xlim(-1.6, 3.2 * 4 + 1.6)
    ax.set_ylim(-1.5, 1.5)
    ax.set_axis_off()
    v3_in_xception = references.entry("inception_v3").published("top1_error", paper="xception").value
    ax.set_title("The GoogLeNet family: ImageNet validation top-1 error, single model, single crop "
                 "('-': not published).\nv3, v4, Inception-ResNet-v2: the v4 paper's Table 2; Xception: "
                 f"its own Table 1, where v3 has {v3_in_xception:.1f}%", fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- slide 13, Figure 3
def _mini_module(ax: Axes, x: float, y: float, key: str, height: float = 1.3) -> tuple[float, float]:
    """Inception module ``key`` drawn small at (x, y) (its left edge, centre height): four
    branch columns with Table 1's widths, between a split and a concatenation. Returns the x
    of its left and right edges."""
    _, c1, c3r, c3, c5r, c5, pool = TABLE_1[key]
    columns = [[("1x1", c1, "1x1")], [("1x1", c3r, "1x1"), ("3x3", c3, "conv")],
               [("1x1", c5r, "1x1"), ("5x5", c5, "conv")], [("pool", "3x3", "pool"), ("1x1", pool, "1x1")]]
    box_w, gap, box_h = 0.62, 0.08, 0.42
    width = 4 * box_w + 3 * gap
    ax.add_patch(FancyBboxPatch((x, y - height / 2), width, height, boxstyle="round,pad=0.04",
                                facecolor="white", edgecolor="0.5", linewidth=0.8, linestyle="--"))
    for i, column in enumerate(columns):
        cx = x + box_w / 2 + i * (box_w + gap)
        levels = [y - box_h * 0.55, y + box_h * 0.55] if len(column) == 2 else [y]
        for level, (kind_text, channels, kind) in zip(levels, column):
            _box(ax, cx, level, f"{kind_text}\n{channels}", kind, width=box_w, height=box_h)
            ax.texts[-1].set_fontsize(6.5)
    out = sum(TABLE_1[key][i] for i in (1, 3, 5, 6))
    ax.text(x + width / 2, y + height / 2 + 0.12, f"inception ({key}): {out} maps", ha="center",
            va="bottom", fontsize=8)
    return x, x + width


def googlenet_modules() -> Figure:
    """GoogLeNet's Figure 3 laid out in rows, one per grid size (224 to 28, 28x28, 14x14,
    7x7): the stem's layers, each Inception module with its four branches and Table 1's
    widths, the pooling between the stages, the two auxiliary classifiers on (4a) and (4d)
    (training only, loss weight 0.3) and the classifier."""
    fig, ax = plt.subplots(figsize=(14, 7.6))
    heights = [0.0, -2.1, -4.4, -7.9]
    rows = [
        ("input 224x224 to 28x28 (stem)", [("box", "conv 7x7/2\n64", "conv"),
                                           ("box", "max pool\n3x3/2", "pool"),
                                           ("box", "conv 1x1\n64", "1x1"), ("box", "conv 3x3\n192", "conv"),
                                           ("box", "max pool\n3x3/2", "pool")]),
        ("28x28", [("module", "3a"), ("module", "3b"), ("box", "max pool\n3x3/2", "pool")]),
        ("14x14", [("module", "4a"), ("module", "4b"), ("module", "4c"), ("module", "4d"),
                   ("module", "4e"), ("box", "max pool\n3x3/2", "pool")]),
        ("7x7", [("module", "5a"), ("module", "5b"), ("box", "avg pool\n7x7", "pool"),
                 ("box", "dropout 40%\nFC 1000", "conv"), ("box", "softmax", "io")]),
    ]
    aux_centres = {}
    for r, (label, items) in enumerate(rows):
        y, x, previous = heights[r], 0.0, None
        ax.text(-0.3, y, label, ha="right", va="center", fontsize=9, fontweight="bold")
        for item in items:
            if item[0] == "module":
                left, right = _mini_module(ax, x, y, item[1])
                if item[1] in ("4a", "4d"):
                    aux_centres[item[1]] = ((left + right) / 2, y)
            else:
                left, right = x, x + 1.35
                _box(ax, x + 0.675, y, item[1], item[2], width=1.35, height=0.62)
            if previous is not None:
                _arrow(ax, (previous, y), (left, y))
            previous, x = right, right + 0.45
    for key, (cx, cy) in aux_centres.items():
        _box(ax, cx, cy - 1.55, f"auxiliary classifier on ({key}), training only:\navg pool 5x5/3, "
             "conv 1x1 128, FC 1024,\ndropout 70%, FC 1000, softmax; loss x 0.3", "io", width=4.0,
             height=0.75)
        ax.texts[-1].set_fontsize(7.5)
        _arrow(ax, (cx, cy - 0.69), (cx, cy - 1.17))
    ax.set_xlim(-2.9, 17.4)
    ax.set_ylim(-8.8, 0.7)
    ax.set_axis_off()
    ax.set_title("GoogLeNet (Szegedy et al. 2014, Figure 3 and Table 1), one row per grid size: "
                 "each Inception module's four branches\n(1x1; 1x1 reduction then 3x3; 1x1 reduction "
                 "then 5x5; 3x3 max pool then 1x1 projection) with their output channels", fontsize=10)
    fig.tight_layout()
    return fig
