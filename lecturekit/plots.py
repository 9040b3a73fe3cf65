"""Figures of the data you pass in: a training history, images, predictions, activations.

Every function returns a matplotlib ``Figure`` and is named ``*_figure``. (Figures of a model
you pass in are in :mod:`lecturekit.diagrams`; the slides' and papers' own figures in
:mod:`lecturekit.pictures`.)
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure


def history_figure(history, total_steps: int | None = None, steps_per_epoch: int | None = None,
                   figure: Figure | None = None, title: str | None = None) -> Figure:
    """Loss and accuracy side by side: training values averaged over the last few steps (thin
    lines), test values per epoch. Drawn on a bare ``Figure`` so it never shows up twice in a
    notebook; pass the previous figure to redraw it in place."""
    if figure is None:
        figure = Figure(figsize=(9, 3.2), layout="constrained")
        figure.subplots(1, 2)
    ax_loss, ax_acc = figure.axes
    ax_loss.clear()
    ax_acc.clear()
    per_epoch = steps_per_epoch or (history.step[-1] / history.epoch[-1] if history.epoch else 1)
    epochs_of_steps = np.asarray(history.step, dtype=float) / per_epoch
    ax_loss.plot(epochs_of_steps, history.step_loss, label="train (last steps)", color="C0",
                 lw=0.8)
    if history.test_loss:
        ax_loss.plot(history.epoch, history.test_loss, "o-", label="test", color="C1")
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy loss", title="loss")
    if history.step_accuracy:
        ax_acc.plot(epochs_of_steps, 100 * np.asarray(history.step_accuracy), color="C0", lw=0.8,
                    label="train (last steps)")
    if history.test_accuracy:
        ax_acc.plot(history.epoch, 100 * np.asarray(history.test_accuracy), "o-", color="C1",
                    label="test")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    if total_steps:
        for ax in (ax_loss, ax_acc):
            ax.set_xlim(0, total_steps / per_epoch + 0.05)
    for ax in (ax_loss, ax_acc):
        if ax.lines:
            ax.legend(loc="best")
    if title:
        figure.suptitle(title)
    return figure


def timeline_figure(milestones, title: str = "CNN architectures, 1998-2016") -> Figure:
    """The course timeline: architectures in order of publication (evenly spaced, so that
    2012-2016 is readable), labels alternating above and below, with the idea each introduced."""
    import textwrap

    fig, ax = plt.subplots(figsize=(11, 3.6))
    n = len(milestones)
    ax.annotate("", xy=(n - 0.4, 0), xytext=(-0.6, 0),
                arrowprops=dict(arrowstyle="->", color="0.3", lw=1.5))
    for i, m in enumerate(milestones):
        up = i % 2 == 0
        y = 0.9 if up else -0.9
        ax.plot([i, i], [0, y * 0.75], color="0.6", lw=1, zorder=1)
        ax.scatter([i], [0], s=70, color="C0", zorder=2)
        ax.text(i, 0.12 * (-1 if up else 1), str(m.year), ha="center",
                va="top" if up else "bottom", fontsize=9, color="0.35")
        label = f"$\\bf{{{m.name.replace('-', '–')}}}$\n" + textwrap.fill(m.idea, 22)
        ax.text(i, y * 0.8, label, ha="center", va="bottom" if up else "top", fontsize=8.5)
    ax.set_xlim(-0.8, n - 0.2)
    ax.set_ylim(-2.0, 2.0)
    ax.axis("off")
    ax.set_title(title)
    return fig


def images_figure(images: torch.Tensor, labels: Sequence[str] | None = None, ncols: int = 8,
                title: str | None = None, cmap: str = "gray", size: float = 1.2) -> Figure:
    """A grid of images ``(N, C, H, W)`` (uint8 or float), with optional captions."""
    images = images.detach().cpu()
    n = len(images)
    nrows = max(1, -(-n // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3 * bool(title)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        image = images[i].float()
        if image.shape[0] == 1:
            ax.imshow(image[0], cmap=cmap)
        else:
            image = (image - image.min()) / (image.max() - image.min() + 1e-8)
            ax.imshow(image.permute(1, 2, 0))
        if labels is not None:
            ax.set_title(str(labels[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def confusion_matrix_figure(predictions: torch.Tensor, labels: torch.Tensor, classes: Sequence[str],
                     title: str = "confusion matrix") -> Figure:
    """Counts of (true class, predicted class), with the counts written in the cells."""
    k = len(classes)
    counts = torch.bincount(labels * k + predictions, minlength=k * k).view(k, k).numpy()
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    ax.imshow(np.log1p(counts), cmap="Blues")
    for i in range(k):
        for j in range(k):
            if counts[i, j]:
                ax.text(j, i, counts[i, j], ha="center", va="center", fontsize=7,
                        color="white" if counts[i, j] > counts.max() / 3 else "black")
    ax.set_xticks(range(k), classes, rotation=45 if max(map(len, classes)) > 2 else 0)
    ax.set_yticks(range(k), classes)
    ax.set(xlabel="predicted class", ylabel="true class", title=title)
    ax.grid(False)
    return fig


def activations_figure(activations: dict[str, torch.Tensor], max_maps: int = 16,
                 title: str | None = None) -> Figure:
    """One row per layer, showing up to ``max_maps`` feature maps of the first image of each
    batch in ``activations`` (a dict as :func:`lecturekit.analysis.feature_maps` returns)."""
    rows = [(name, a[0].detach().cpu()) for name, a in activations.items() if a.dim() == 4]
    ncols = min(max_maps, max(a.shape[0] for _, a in rows))
    fig, axes = plt.subplots(len(rows), ncols, figsize=(0.9 * ncols, 1.05 * len(rows)),
                             squeeze=False)
    for (name, maps), row in zip(rows, axes):
        for i, ax in enumerate(row):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            if i < maps.shape[0]:
                ax.imshow(maps[i], cmap="viridis")
            else:
                ax.axis("off")
        row[0].set_ylabel(f"{name}\n{maps.shape[0]}@{maps.shape[1]}x{maps.shape[2]}",
                          rotation=0, ha="right", va="center", fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


# The old names, which the notebooks use; kept until the notebooks are re-executed on the new ones.
timeline = timeline_figure
show_images = images_figure
confusion_matrix = confusion_matrix_figure
feature_maps = activations_figure
