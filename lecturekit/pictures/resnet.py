"""Slide pictures of the ResNet family (slides 17 and 18) and DenseNet (slide 19), drawn from code.

- :func:`degradation`: He et al. (2015), Figure 1: training error (left) and test error (right)
  against the training step, plain networks beside residual ones, from measured curves;
- :func:`unraveled_view`: Veit et al. (2016), Figure 1: a residual network of n blocks and its
  unraveled view, the 2^n paths from input to output;
- :func:`stochastic_depth`: Huang et al. (2016), Figure 2: a chain of residual blocks with their
  survival probabilities and one sampled training pass, dropped blocks greyed;
- :func:`resnext_block`: Xie et al. (2016), Figure 1: a ResNet bottleneck beside a ResNeXt
  block of cardinality 32, with the parameters counted on the built modules;
- :func:`dense_connectivity`: Huang et al. (2016), Figure 1: a dense block in which every layer
  reads the concatenation of all earlier feature maps.

Every function returns a matplotlib ``Figure``; structural numbers (paths, survival
probabilities, channels, parameters) come from the models in :mod:`lecturekit.models`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch

from .. import analysis

#: Box colours by kind of layer.
COLOURS = {"weight": "#7fb3e0", "dropped": "#e6e6e6", "io": "#d9d9d9", "add": "white",
           "concat": "#b9dca0", "1x1": "#f6c945"}


def _box(ax: Axes, x: float, y: float, text: str, kind: str = "weight", width: float = 1.0,
         height: float = 0.5, fontsize: float = 8, edge: str = "0.25") -> None:
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.02,rounding_size=0.06",
                                facecolor=COLOURS[kind], edgecolor=edge, linewidth=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize,
            color="0.55" if kind == "dropped" else "black")


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], color: str = "0.3",
           style: str = "-|>", **kw) -> None:
    ax.annotate("", xy=end, xytext=start,
                arrowprops=dict(arrowstyle=style, color=color, linewidth=1, shrinkA=0, shrinkB=0, **kw))


def _plus(ax: Axes, x: float, y: float, radius: float = 0.17) -> None:
    ax.add_patch(Circle((x, y), radius, facecolor="white", edgecolor="black", zorder=3))
    ax.text(x, y, "+", ha="center", va="center", fontsize=11, zorder=4)


def _finish(ax: Axes, title: str) -> None:
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.axis("off")
    ax.set_title(title, fontsize=10)


# --------------------------------------------------------------------------- slide 17
def degradation(curves: Mapping[str, Mapping[str, Sequence[float]]], title: str | None = None) -> Figure:
    """He et al. (2015), Figure 1, from measured curves: training error (left panel, dashed)
    and test error (right panel, solid) against the training step.

    ``curves`` maps a network's name (e.g. ``"plain-20"``, ``"ResNet-56"``) to a dict with
    ``step`` and ``train_error``, and ``test_step`` and ``test_error`` (errors in percent).
    Plain networks are drawn in reds, residual ones in blues; deeper is darker.
    """
    if not curves:
        raise ValueError("curves must name at least one network, e.g. {'plain-20': {...}}.")
    needed = ("step", "train_error", "test_step", "test_error")
    for name, curve in curves.items():
        missing = [key for key in needed if key not in curve]
        if missing:
            raise ValueError(f"curves[{name!r}] lacks {', '.join(missing)}; give {', '.join(needed)}.")
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
    plain = [n for n in curves if not n.lower().startswith("resnet")]
    residual = [n for n in curves if n.lower().startswith("resnet")]
    colours = {}
    for names, cmap in ((plain, plt.cm.Reds), (residual, plt.cm.Blues)):
        for i, name in enumerate(names):
            colours[name] = cmap(0.5 + 0.4 * i / max(1, len(names) - 1))
    for name, curve in curves.items():
        axes[0].plot(curve["step"], curve["train_error"], "--", color=colours[name], lw=1.6, label=name)
        axes[1].plot(curve["test_step"], curve["test_error"], "-", color=colours[name], lw=2, label=name)
    axes[0].set(xlabel="training step", ylabel="error (%)", title="training error (dashed)")
    axes[1].set(xlabel="training step", title="test error")
    for ax in axes:
        ax.axhline(90, color="0.6", lw=0.8, ls=":")
        ax.grid(alpha=0.3)
    axes[0].text(axes[0].get_xlim()[0], 90.5, " chance", ha="left", va="bottom", fontsize=7, color="0.4")
    axes[1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0))   # beside, over no line
    fig.suptitle(title or "After He et al. (2015), Figure 1: the degradation problem", fontsize=11)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- slide 18
def unraveled_paths(blocks: int) -> list[tuple[int, ...]]:
    """The paths of a residual network of ``blocks`` blocks: each path is the tuple of the
    blocks it passes through (1-based), from the identity path ``()`` to all of them."""
    if not isinstance(blocks, int) or blocks < 1:
        raise ValueError(f"blocks must be a positive integer, got {blocks!r}.")
    return [path for length in range(blocks + 1)
            for path in itertools.combinations(range(1, blocks + 1), length)]


def unraveled_view(blocks: int = 3) -> Figure:
    """Veit et al. (2016), Figure 1: (a) a residual network of ``blocks`` blocks,
    x_i = x_(i-1) + f_i(x_(i-1)); (b) its unraveled view, one row per path from input to output
    (2^blocks of them), each path drawn through the blocks it takes."""
    if not isinstance(blocks, int) or not 1 <= blocks <= 5:
        raise ValueError(f"blocks must be an integer from 1 to 5 (2^5 = 32 paths fit a slide), got {blocks!r}.")
    paths = unraveled_paths(blocks)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, max(3.0, 0.42 * len(paths) + 1)),
                                      gridspec_kw=dict(width_ratios=[1, 1.25]))
    # (a) the conventional view: a chain of blocks with shortcuts
    y = 0.0
    left.text(0, y, "input", ha="center", va="center", fontsize=9)
    for i in range(1, blocks + 1):
        x = 2.0 * i
        _arrow(left, (0.45 if i == 1 else x - 1.8, y), (x - 0.5, y - 0.0))
        _box(left, x, y - 0.0, f"$f_{i}$", width=1.0)
        _plus(left, x + 1.0, y)
        _arrow(left, (x + 0.5, y), (x + 0.83, y))
        left.annotate("", xy=(x + 1.0, y + 0.17), xytext=(x - 1.0 + (0.2 if i > 1 else 0.3), y),
                      arrowprops=dict(arrowstyle="-|>", color="#c0392b", lw=1.2,
                                      connectionstyle="arc3,rad=-0.55", shrinkA=2, shrinkB=0))
    left.text(2.0 * blocks + 1.7, y, "output", ha="left", va="center", fontsize=9)
    _arrow(left, (2.0 * blocks + 1.17, y), (2.0 * blocks + 1.65, y))
    left.set_xlim(-0.6, 2.0 * blocks + 3.0)
    left.set_ylim(-1.5, 1.8)
    _finish(left, f"(a) {blocks} residual blocks: $x_i = x_{{i-1}} + f_i(x_{{i-1}})$")
    # (b) the unraveled view: one row per path
    for row, path in enumerate(paths):
        y = -0.7 * row
        right.text(-0.2, y, "input", ha="right", va="center", fontsize=8)
        previous = 0.0
        for i in range(1, blocks + 1):
            x = 1.6 * i
            if i in path:
                _arrow(right, (previous, y), (x - 0.45, y))
                _box(right, x, y, f"$f_{i}$", width=0.9, height=0.46)
                previous = x + 0.45
            else:
                _box(right, x, y, f"$f_{i}$", kind="dropped", width=0.9, height=0.46, edge="0.75")
        end = 1.6 * blocks + 1.0
        _arrow(right, (previous, y), (end, y))
        right.text(end + 0.1, y, f"{len(path)} block{'s' if len(path) != 1 else ''}", ha="left",
                   va="center", fontsize=8)
    right.set_xlim(-1.2, 1.6 * blocks + 2.4)
    right.set_ylim(-0.7 * len(paths) + 0.2, 0.6)
    _finish(right, f"(b) unraveled: {len(paths)} paths, summed at the output")
    fig.suptitle("After Veit et al. (2016), Figure 1: a residual network as an ensemble of paths", fontsize=11)
    fig.tight_layout()
    return fig


def _draw(survival: Sequence[float], seed: int) -> list[bool]:
    """One training pass: which blocks survive, each with its probability, drawn with ``seed``."""
    draws = torch.rand(len(survival), generator=torch.Generator().manual_seed(seed)).tolist()
    return [d < p for d, p in zip(draws, survival)]


def _typical_draw(survival: Sequence[float], tries: int = 200) -> tuple[int, list[bool]]:
    """The first seed whose sampled training pass uses as many blocks as expected (rounded),
    and that pass: a picture of one draw should show a typical one."""
    expected = round(sum(survival))
    for seed in range(tries):
        kept = _draw(survival, seed)
        if sum(kept) == expected:
            return seed, kept
    return seed, kept


def stochastic_depth(blocks: int = 10, survival_last: float = 0.5, seed: int | None = None) -> Figure:
    """Huang et al. (2016), Figure 2: residual blocks on the identity path, with survival
    probabilities p_l = 1 - (l/L)(1 - p_L); one training pass (sampled with ``seed``, by default
    a typical one, :func:`_typical_draw`): a dropped block is greyed and the signal passes it on
    the shortcut alone; at test time every block is used, its residual scaled by p_l."""
    if not isinstance(blocks, int) or not 1 <= blocks <= 30:
        raise ValueError(f"blocks must be an integer from 1 to 30, got {blocks!r}.")
    if not 0.0 < survival_last <= 1.0:
        raise ValueError(f"survival_last must be in (0, 1], got {survival_last!r}.")
    survival = [1 - (layer / blocks) * (1 - survival_last) for layer in range(1, blocks + 1)]
    kept = _typical_draw(survival)[1] if seed is None else _draw(survival, seed)
    fig, ax = plt.subplots(figsize=(max(6.5, 0.8 * blocks + 2.4), 3.6))
    for row, (label, alive_row) in enumerate([("training pass", kept), ("test time", [True] * blocks)]):
        y = -2.3 * row            # the identity path of this row
        ax.text(0.2, y, label, ha="right", va="center", fontsize=9)
        _arrow(ax, (0.35, y), (blocks + 0.75, y), color="#c0392b")
        for i, (p, alive) in enumerate(zip(survival, alive_row), start=1):
            x, top = float(i), y + 0.75
            style = dict(color="0.3", lw=0.9) if alive else dict(color="0.7", lw=0.9, ls=":")
            ax.plot([x - 0.3, x - 0.3, x + 0.3, x + 0.3], [y, top, top, y], zorder=1, **style)
            text = f"$f_{{{i}}}$" if row == 0 else f"{p:.2f}$f_{{{i}}}$"
            _box(ax, x, top, text, kind="weight" if alive else "dropped", width=0.74, height=0.46,
                 fontsize=7.5, edge="0.25" if alive else "0.75")
            ax.add_patch(Circle((x + 0.3, y), 0.07, facecolor="white", edgecolor="0.3", zorder=3))
            if row == 0:
                ax.text(x, top + 0.38, f"{p:.2f}", ha="center", fontsize=7, color="0.3")
    ax.text(0.6, 1.45, "survival probability $p_l$", fontsize=8, color="0.3")
    ax.text(blocks + 0.8, 0.75, f"{sum(kept)} of {blocks} blocks used\n(expected: "
            f"{sum(survival):.2f})", va="center", fontsize=8)
    ax.text(0.6, -2.85, "red: the identity shortcut, always there; o: the addition", fontsize=8,
            color="#c0392b")
    ax.text(blocks + 0.8, -1.55, "every block,\nscaled by $p_l$", va="center", fontsize=8)
    ax.set_xlim(-1.6, blocks + 2.6)
    ax.set_ylim(-3.1, 1.8)
    _finish(ax, f"After Huang et al. (2016), Figure 2: stochastic depth, $p_l$ decays linearly to "
                f"$p_L$ = {survival_last}")
    return fig


def resnext_block(cardinality: int = 32, width: int = 4, channels: int = 256) -> Figure:
    """Xie et al. (2016), Figure 1: a ResNet bottleneck block (left) beside a ResNeXt block of
    ``cardinality`` paths of width ``width`` (right), with the parameters of each counted on
    the modules the models use."""
    from ..models.resnext import GroupedPaths

    if cardinality < 2 or width < 1:
        raise ValueError("cardinality must be at least 2 and width at least 1, "
                         f"got cardinality={cardinality!r}, width={width!r}.")
    base = channels // 4
    resnet_params = analysis.count_parameters(GroupedPaths(channels, 1, base, channels))
    resnext_params = analysis.count_parameters(GroupedPaths(channels, cardinality, width, channels))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw=dict(width_ratios=[1, 2.2]))

    def column(ax: Axes, x: float, layers: list[str], top: float = 3.0) -> None:
        ys = [top - i for i in range(len(layers))]
        for y, text in zip(ys, layers):
            _box(ax, x, y, text, kind="1x1" if "1x1" in text else "weight", width=1.45, height=0.5,
                 fontsize=7.5)
        for a, b in zip(ys, ys[1:]):
            _arrow(ax, (x, a - 0.25), (x, b + 0.25))

    def _shortcut(ax: Axes, x: float, top: float, side: float) -> None:
        """The identity shortcut: out of the input, around the branch, into the addition."""
        ax.plot([x, side, side], [top, top, 0.2], color="#c0392b", lw=1.2)
        _arrow(ax, (side, 0.2), (x + 0.17, 0.2), color="#c0392b")
        ax.text(side + 0.08, 1.9, "identity", rotation=90, va="center", fontsize=7.5, color="#c0392b")

    # left: ResNet bottleneck
    left.text(0, 4.1, f"{channels}-d in", ha="center", fontsize=8)
    _arrow(left, (0, 3.95), (0, 3.25))
    column(left, 0, [f"{channels}, 1x1, {base}", f"{base}, 3x3, {base}", f"{base}, 1x1, {channels}"])
    _plus(left, 0, 0.2)
    _arrow(left, (0, 0.75), (0, 0.37))
    _arrow(left, (0, 0.03), (0, -0.45))
    left.text(0, -0.7, f"{channels}-d out", ha="center", fontsize=8)
    _shortcut(left, 0, 3.7, 1.15)
    left.set_xlim(-1.3, 1.7)
    left.set_ylim(-1.0, 4.4)
    _finish(left, f"ResNet bottleneck: {resnet_params:,} weights")
    # right: ResNeXt, a few of the paths drawn, the rest elided
    shown = [0, 1, 2, None, cardinality - 1]
    xs = [1.8 * i for i in range(len(shown))]
    centre = xs[len(xs) // 2]
    right.text(centre, 4.1, f"{channels}-d in", ha="center", fontsize=8)
    for x, path in zip(xs, shown):
        if path is None:
            right.text(x, 2.0, "...", ha="center", va="center", fontsize=16)
            continue
        _arrow(right, (centre, 3.95), (x, 3.25))
        column(right, x, [f"{channels}, 1x1, {width}", f"{width}, 3x3, {width}", f"{width}, 1x1, {channels}"])
        into = centre + 0.15 * ((x > centre) - (x < centre))    # towards the addition
        _arrow(right, (x, 0.75), (into, 0.35))
    _plus(right, centre, 0.2)
    _arrow(right, (centre, 0.03), (centre, -0.45))
    right.text(centre, -0.7, f"{channels}-d out", ha="center", fontsize=8)
    _shortcut(right, centre, 3.7, xs[-1] + 1.0)
    right.text(xs[-1], -0.45, f"total {cardinality} paths", ha="center", fontsize=8)
    right.set_xlim(-1.0, xs[-1] + 1.6)
    right.set_ylim(-1.0, 4.4)
    _finish(right, f"ResNeXt block, cardinality {cardinality}, width {width}: {resnext_params:,} weights")
    fig.suptitle("After Xie et al. (2016), Figure 1 (layers as: in channels, kernel, out channels)",
                 fontsize=11)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- slide 19
def dense_connectivity(layers: int = 4, growth_rate: int = 4, in_channels: int = 6) -> Figure:
    """Huang et al. (2016), Figure 1: a dense block of ``layers`` layers with growth rate k.
    Every layer reads the concatenation of the block's input and all earlier layers' outputs
    (k0 + (l-1)k channels) and adds k new ones; the block has l(l+1)/2 connections."""
    from ..models.densenet import DenseBlock

    if not isinstance(layers, int) or not 1 <= layers <= 8:
        raise ValueError(f"layers must be an integer from 1 to 8, got {layers!r}.")
    block = DenseBlock(in_channels, layers=layers, growth_rate=growth_rate)
    reads = [layer.reduce[2].in_channels for layer in block.layers]
    fig, ax = plt.subplots(figsize=(1.9 * (layers + 2), 3.6))
    nodes = [(0.0, f"input\n$x_0$: {in_channels} ch")]
    nodes += [(2.0 * (i + 1), f"$H_{i + 1}$\nreads {r} ch\n$x_{i + 1}$: +{growth_rate}")
              for i, r in enumerate(reads)]
    nodes.append((2.0 * (layers + 1), f"transition\nreads {block.out_channels} ch"))
    colours = plt.cm.viridis([i / (len(nodes) - 1) for i in range(len(nodes))])
    for x, text in nodes:
        _box(ax, x, 0, text, kind="io" if x in (0.0, 2.0 * (layers + 1)) else "weight",
             width=1.3, height=0.95, fontsize=7.5)
    connections = 0
    for i in range(len(nodes) - 1):
        for j in range(i + 1, len(nodes)):
            start, end = nodes[i][0] + 0.3, nodes[j][0] - 0.3
            rad = -0.12 - 0.12 * (j - i - 1)
            ax.annotate("", xy=(end, 0.48), xytext=(start, 0.48),
                        arrowprops=dict(arrowstyle="-|>", color=colours[i], lw=1.1,
                                        connectionstyle=f"arc3,rad={rad}", shrinkA=0, shrinkB=0))
            connections += 1
    ax.text(2.0 * (layers + 1) / 2, -1.0, f"{connections} connections: L(L+1)/2 with L = {layers + 1} layers "
            f"(the transition included); growth rate k = {growth_rate}",
            ha="center", fontsize=8)
    ax.set_xlim(-1.0, 2.0 * (layers + 1) + 1.0)
    ax.set_ylim(-1.3, 1.2 + 0.5 * (layers + 1))
    _finish(ax, "After Huang et al. (2016), Figure 1: a dense block (each colour: one layer's output, "
                "read by every later layer)")
    return fig
