"""Accuracy against cost: the scatter charts of notebooks 15 and 16, with labels that do not
overlap (each label is moved down, then up, in small steps until its box is free)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

#: One colour per family, the same in every chart of the course.
FAMILY_COLORS = {"lenet": "C8", "alexnet": "C7", "nin": "C5", "vgg": "C1", "googlenet": "C2",
                 "inception": "C2", "xception": "C4", "mobilenet": "C4", "resnet": "C0",
                 "plain": "0.45", "wide_resnet": "C9", "resnext": "C6", "densenet": "C3"}


def _family_key(family: str) -> str:
    """The family's name in FAMILY_COLORS: "resnet_cifar" and "resnet_v2" are "resnet"."""
    if family in FAMILY_COLORS:
        return family
    return next((name for name in FAMILY_COLORS if family.startswith(name)), family)


def _family_color(family: str) -> str:
    return FAMILY_COLORS.get(_family_key(family), "C5")


@dataclass(frozen=True)
class Point:
    """One network on an accuracy-against-cost chart. ``ours``: trained here (filled marker),
    else a paper's figure (open marker)."""

    label: str
    cost: float
    error: float
    family: str
    ours: bool = False
    size: float = 40.0


def _place_labels(ax: Axes, points: Sequence[Point], fontsize: float = 7.5,
                 step: float = 4.0, tries: int = 30) -> list:
    """Label every point to its right; a label that would overlap an earlier one (or a
    marker) is moved down, then up, ``step`` points at a time, with a thin line back to its point."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    taken: list[Bbox] = []
    for p in points:      # the markers themselves are taken too
        x, y = ax.transData.transform((p.cost, p.error))
        taken.append(Bbox.from_bounds(x - 3, y - 3, 6, 6))
    texts = []
    for p in sorted(points, key=lambda p: -p.error):
        offsets = [0.0] + [sign * k * step for k in range(1, tries) for sign in (-1, 1)]
        for dy in offsets:
            text = ax.annotate(p.label, (p.cost, p.error), xytext=(6, dy - 3), textcoords="offset points",
                               fontsize=fontsize, va="bottom" if dy >= 0 else "top",
                               arrowprops=None if dy == 0 else dict(arrowstyle="-", lw=0.6, color="0.35"))
            text.update_positions(renderer)
            box = Text.get_window_extent(text, renderer).expanded(1.02, 1.1)   # the text, not its line
            inside = ax.get_window_extent(renderer)
            if not any(box.overlaps(b) for b in taken) and inside.contains(box.x1, box.y0):
                taken.append(box)
                texts.append(text)
                break
            text.remove()
        else:   # nowhere free: keep the plain label
            texts.append(ax.annotate(p.label, (p.cost, p.error), xytext=(6, -3),
                                     textcoords="offset points", fontsize=fontsize))
    return texts


def accuracy_cost(ax: Axes, points: Sequence[Point], xlabel: str, ylabel: str, title: str) -> Axes:
    """One panel: error against cost (log scale), a marker per network (labelled by
    :func:`accuracy_cost_figure` once the layout is settled)."""
    for p in points:
        color = _family_color(p.family)
        ax.scatter(p.cost, p.error, s=p.size, color=color if p.ours else "none", edgecolor=color,
                   linewidth=1.4, zorder=3)
    ax.set(xscale="log", xlabel=xlabel, ylabel=ylabel, title=title)
    ax.margins(x=0.25, y=0.12)
    ax.grid(alpha=0.3)
    return ax


def accuracy_cost_figure(panels: Sequence[tuple[Sequence[Point], str, str, str]],
                         legend: bool = True, width: float = 6.2, height: float = 4.6) -> Figure:
    """Side-by-side :func:`accuracy_cost` panels, each ``(points, xlabel, ylabel, title)``;
    ``legend`` explains open (a paper's figure) against filled (trained here) markers."""
    fig, axes = plt.subplots(1, len(panels), figsize=(width * len(panels), height),
                             layout="constrained", squeeze=False)
    for ax, (points, xlabel, ylabel, title) in zip(axes[0], panels):
        accuracy_cost(ax, points, xlabel, ylabel, title)
    if legend:    # the families drawn, and (where both occur) open against filled markers
        ax = axes[0][0]
        for family in dict.fromkeys(_family_key(p.family) for points, *_ in panels for p in points):
            ax.scatter([], [], s=30, color=_family_color(family), label=family)
        if any(p.ours for points, *_ in panels for p in points):
            ax.scatter([], [], s=30, color="none", edgecolor="0.3", label="open: published")
            ax.scatter([], [], s=30, color="0.3", label="filled: trained here")
        ax.legend(fontsize=7, loc="upper right", ncol=2)
    fig.canvas.draw()                 # settle the layout, then freeze it and place the labels
    fig.set_layout_engine("none")
    for ax, (points, *_) in zip(axes[0], panels):
        _place_labels(ax, points)
    return fig
