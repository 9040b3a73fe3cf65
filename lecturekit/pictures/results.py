"""The figures of the shipped paper-scale results (:mod:`lecturekit.reproduce`): He et al.'s
Figures 1 and 6 (degradation), Veit et al.'s Figure 3 (deleting blocks) and Krizhevsky et al.'s
Figure 1 (ReLU against tanh), each drawn from a result dict as ``lk.reproduce.load`` returns it."""

from __future__ import annotations

import math

from matplotlib.figure import Figure


def provenance(result: dict) -> str:
    """One line for a figure's label: what was trained, where, how long, and the command."""
    data_line = result["data"]
    epochs = max(run["final"]["epochs"] for run in result["runs"].values())
    substitute = " (SUBSTITUTE data, not CIFAR-10)" if data_line["substitute"] else ""
    widths = sorted({run["model"]["width"] for run in result["runs"].values()})
    width = "" if widths == [16] else f", width {'/'.join(map(str, widths))} (the paper: 16)"
    return (f"{data_line['train_images']:,} CIFAR-10 images{substitute} at "
            f"{data_line['image_size']}x{data_line['image_size']}{width}, {epochs} epochs on "
            f"{result['device_name']}, {result['wall_seconds'] / 60:.1f} min, "
            f"{result['started_utc'][:10]} (`{result['command']}`)")


def fastest_rates(result: dict) -> dict[str, float]:
    """For the ``activations`` result: each activation's fastest learning rate, the one with the
    fewest median steps to the target; where no rate reached it, the one with the lowest median
    training error at the end."""
    chosen = {}
    for name in result["recipe"]["learning_rates"]:   # the activations, in the run's order
        runs = [r for r in result["runs"].values() if r["activation"] == name]
        if result["final"][name]["median_steps"] is not None:
            chosen[name] = result["final"][name]["best_lr"]
            continue

        ends: dict[float, list[float]] = {}
        for r in runs:
            last = r["train_error"][-1]
            ends.setdefault(r["lr"], []).append(1.0 if last is None else last)
        chosen[name] = min(ends, key=lambda lr: sorted(ends[lr])[len(ends[lr]) // 2])
    return chosen


# The figures of the results live in lecturekit.pictures.results; the old names stay for notebooks.


def plot_degradation(result: dict, title: str | None = None) -> Figure:
    """The degradation result drawn like He et al. (2015), Figures 1 and 6: plain networks on
    the left, ResNets on the right; dashed: training error (eval mode), solid: test error."""
    figure = Figure(figsize=(10, 3.8), layout="constrained")
    axes = figure.subplots(1, 2, sharey=True)
    colors = {20: "C1", 56: "C3"}
    highest = 0.0
    for ax, residual, heading in ((axes[0], False, "plain networks"), (axes[1], True, "ResNets")):
        for run in result["runs"].values():
            if run["model"]["residual"] != residual:
                continue
            history, depth = run["history"], run["model"]["depth"]
            train_error = [100 * e for e in history["train_error"]]
            test_error = [100 * e for e in history["test_error"]]
            highest = max(highest, *train_error[len(train_error) // 4:],
                          *test_error[len(test_error) // 4:])
            ax.plot(history["epoch"], train_error, "--", color=colors.get(depth), lw=1,
                    label=f"{run['label']} training")
            ax.plot(history["epoch"], test_error, "-", color=colors.get(depth), lw=2,
                    label=f"{run['label']} test")
        ax.set(xlabel="epoch", title=heading)
        ax.legend(fontsize=8)
    axes[0].set_ylabel("error (%)")
    axes[0].set_ylim(0, min(100, math.ceil(1.1 * highest / 5) * 5))
    figure.suptitle(title or "After He et al. (2015), Figures 1 and 6: dashed = training error, "
                             "solid = test error", fontsize=10)
    figure.text(0.5, -0.02, provenance(result), ha="center", va="top", fontsize=7, wrap=True)
    return figure


def plot_deletion(result: dict) -> Figure:
    """The deletion result drawn like Veit et al. (2016), Figure 3: test accuracy with one
    block deleted, for the ResNet and the plain network, against the intact networks."""
    figure = Figure(figsize=(8.5, 3.6), layout="constrained")
    ax = figure.subplots()
    for (offset, color), (_, run) in zip(((-0.2, "C0"), (0.2, "C1")), result["runs"].items()):
        values = run["deleted_accuracy"]
        xs = [i + 1 + offset for i, v in enumerate(values) if v is not None]
        ax.bar(xs, [100 * v for v in values if v is not None], width=0.4, color=color,
               label=f"{run['label']}, one block deleted")
        ax.axhline(100 * run["intact_accuracy"], color=color, linestyle="--", lw=1,
                   label=f"{run['label']}, intact")
    ax.axhline(10, color="0.5", lw=0.8, linestyle=":", label="chance")
    first = next(iter(result["runs"].values()))
    # the first block of stages 2 and 3 halves the grid: its shortcut subsamples (not an identity)
    down = [i + 1 for i, block in enumerate(first["blocks"])
            if block.endswith(".0") and not block.startswith("stage1")]
    for patch in ax.patches:
        if round(patch.get_x() + patch.get_width() / 2) in down:
            patch.set_hatch("///")
    ax.set_xticks(range(1, len(first["blocks"]) + 1))
    marked = f"; hatched: {' and '.join(map(str, down))} downsample" if down else ""
    ax.set(xlabel=f"deleted block (1-{len(first['blocks'])}{marked})", ylabel="test accuracy (%)",
           title="After Veit et al. (2016), Figure 3", ylim=(0, 100))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    figure.text(0.5, -0.02, provenance(result), ha="center", va="top", fontsize=7, wrap=True)
    return figure


def plot_activations(result: dict) -> Figure:
    """The ``activations`` result drawn after Krizhevsky et al. (2012), Figure 1: training error
    against epochs for ReLU (solid) and tanh (dashed), each at its fastest learning rate, one
    line per seed; and the steps each learning rate needed to reach 25%."""
    figure = Figure(figsize=(11, 3.9), layout="constrained")
    curves, grid = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    per_epoch = result["final"]["steps_per_epoch"]
    epochs = [s / per_epoch for s in result["steps"]]
    target = 100 * result["recipe"]["target_train_error"]
    styles = {"relu": ("C0", "-", "ReLU"), "tanh": ("C3", "--", "tanh")}
    for name, lr in fastest_rates(result).items():
        color, style, label = styles[name]
        runs = [r for r in result["runs"].values() if r["activation"] == name and r["lr"] == lr]
        for k, run in enumerate(runs):
            errors = [100 * e if e is not None else float("nan") for e in run["train_error"]]
            curves.plot(epochs, errors, style, color=color, lw=1.4,
                        label=f"{label}, lr {lr:g} ({len(runs)} seeds)" if k == 0 else None)
    curves.axhline(target, color="0.4", lw=0.8, ls=":")
    curves.set(xlabel="epochs", ylabel="training error (%)", ylim=(0, 80),
               title=f"Training error, each activation at its fastest rate (dotted: {target:.0f}%)")
    curves.legend(fontsize=8)
    trained = result["final"]["steps_trained"]
    for name, (color, _, label) in styles.items():
        medians = result["final"][name]["median_steps_per_lr"]
        lrs = [float(lr) for lr in medians]
        shown = [v if v is not None else trained for v in medians.values()]
        grid.semilogx(lrs, shown, "o-", color=color, label=label)
    grid.axhline(trained, color="0.6", lw=0.8, ls=":")
    grid.set(xlabel="learning rate", ylabel=f"median steps to {target:.0f}%",
             title=f"On the dotted line: not reached in {trained:,} steps")
    grid.legend(fontsize=8)
    data_line = result["data"]
    figure.suptitle("After Krizhevsky et al. (2012), Figure 1: a four-layer CNN, "
                    f"{data_line['train_images']:,} CIFAR-10 images at "
                    f"{data_line['image_size']}x{data_line['image_size']}, "
                    f"{result['device_name']}", fontsize=10)
    return figure
