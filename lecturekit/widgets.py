"""Interactive demos for the notebooks, built from ipywidgets (7.7 on Colab, or 8).

Each function returns a widget box. Its figure is a PNG in an ``ipywidgets.Image`` and its
text an ``ipywidgets.HTML``, so the demo also works in a saved notebook and tests can drive
it without a browser: set ``box.controls["stride"].value = 2`` and read ``box.formula.value``.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .analysis import conv_output_size
from .layers import ACTIVATIONS, avg_pool2d, conv2d, max_pool2d

#: The slide's 5x5 image and 3x3 kernel (slide 3); larger grids repeat the pattern.
SLIDE_IMAGE = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
SLIDE_KERNEL = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def _slider(description: str, value: int, low: int, high: int) -> widgets.IntSlider:
    return widgets.IntSlider(value=value, min=low, max=high, description=description,
                             continuous_update=False, style={"description_width": "90px"})


def _tile(pattern: list[list[int]], size: int) -> torch.Tensor:
    base = torch.tensor(pattern, dtype=torch.float32)
    reps = -(-size // base.shape[0])
    return base.repeat(reps, reps)[:size, :size]


def _grid(ax, values: np.ndarray, origin=(0, 0), shade=None, title: str = "") -> None:
    """Draw a grid of numbers; ``shade`` is a boolean mask of cells drawn grey (padding)."""
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            grey = shade is not None and shade[i, j]
            ax.add_patch(Rectangle((origin[0] + j, origin[1] - i - 1), 1, 1,
                                   facecolor="#e6e6e6" if grey else "white", edgecolor="0.5"))
            text = f"{values[i, j]:g}"
            ax.text(origin[0] + j + 0.5, origin[1] - i - 0.5, text, ha="center", va="center",
                    fontsize=9, color="0.55" if grey else "black")
    ax.text(origin[0] + cols / 2, origin[1] + 0.4, title, ha="center", va="bottom", fontsize=10)


def _highlight(ax, cells, origin, color) -> None:
    for i, j in cells:
        ax.add_patch(Rectangle((origin[0] + j, origin[1] - i - 1), 1, 1, facecolor=color,
                               alpha=0.35, edgecolor=color, lw=2))


def _link_step_controls(step: widgets.IntSlider) -> widgets.HBox:
    play = widgets.Play(value=0, min=0, max=step.max, interval=700, description="play")
    widgets.jslink((play, "value"), (step, "value"))
    box = widgets.HBox([play, step])
    box.play = play
    return box


# --------------------------------------------------------------------------- convolution
def convolution_figure(size: int, kernel: int, stride: int, padding: int, dilation: int,
                       step: int) -> tuple[Figure, str]:
    """The padded input with the kernel window at output position ``step``, and the output.
    Returns the figure and an HTML line with the output-size formula filled in."""
    out = conv_output_size(size, kernel, stride, padding, dilation)  # ValueError if impossible
    image = _tile(SLIDE_IMAGE, size)
    weights = _tile(SLIDE_KERNEL, kernel)
    result = conv2d(image.view(1, 1, size, size), weights.view(1, 1, kernel, kernel),
                    stride=stride, padding=padding, dilation=dilation)[0, 0]
    padded = torch.nn.functional.pad(image, (padding,) * 4).numpy()
    shade = np.ones_like(padded, dtype=bool)
    shade[padding:padding + size, padding:padding + size] = False
    row, col = divmod(min(step, out * out - 1), out)
    window = [(row * stride + a * dilation, col * stride + b * dilation)
              for a in range(kernel) for b in range(kernel)]
    full = padded.shape[0]
    fig = Figure(figsize=(0.42 * (full + out + kernel) + 2.2, 0.42 * full + 1.0))
    ax = fig.add_axes([0, 0, 1, 1])
    _grid(ax, padded, (0, 0), shade, "input (grey: zero padding)")
    _highlight(ax, window, (0, 0), "C0")
    kernel_x = full + 1.5
    _grid(ax, weights.numpy(), (kernel_x, 0), None, "kernel")
    output_x = kernel_x + kernel + 1.5
    _grid(ax, result.numpy(), (output_x, 0), None, "output")
    _highlight(ax, [(row, col)], (output_x, 0), "C3")
    ax.set_xlim(-0.2, output_x + out + 0.2)
    ax.set_ylim(-full - 0.2, 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    formula = (f"output size = &lfloor;(n + 2p &minus; d(k&minus;1) &minus; 1) / s&rfloor; + 1 = "
               f"&lfloor;({size} + 2&middot;{padding} &minus; {dilation}&middot;({kernel}&minus;1)"
               f" &minus; 1) / {stride}&rfloor; + 1 = <b>{out}</b>"
               f" &nbsp;&nbsp; (window at output row {row}, column {col}: value "
               f"{result[row, col].item():g})")
    return fig, formula


def convolution_explorer(size: int = 5, kernel: int = 3, stride: int = 1, padding: int = 0,
                         dilation: int = 1) -> widgets.VBox:
    """Image size, kernel size, stride, padding and dilation as sliders; a step slider (or
    the play button) moves the kernel window over the padded input."""
    controls = {
        "size": _slider("image size", size, 3, 9),
        "kernel": _slider("kernel size", kernel, 1, 5),
        "stride": _slider("stride", stride, 1, 3),
        "padding": _slider("padding", padding, 0, 2),
        "dilation": _slider("dilation", dilation, 1, 2),
        "step": _slider("step", 0, 0, 8),
    }
    image, formula = widgets.Image(format="png"), widgets.HTML()
    stepper = _link_step_controls(controls["step"])

    def redraw(_change=None) -> None:
        values = {name: c.value for name, c in controls.items()}
        try:
            out = conv_output_size(values["size"], values["kernel"], values["stride"],
                                   values["padding"], values["dilation"])
        except ValueError as error:
            formula.value = f"<span style='color:#b00'>impossible: {error}</span>"
            image.value = b""
            return
        last = out * out - 1
        controls["step"].max = stepper.play.max = last
        values["step"] = min(values["step"], last)
        figure, formula.value = convolution_figure(**values)
        image.value = _png(figure)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    sliders = [controls[n] for n in ("size", "kernel", "stride", "padding", "dilation")]
    box = widgets.VBox([widgets.HBox([widgets.VBox(sliders[:3]), widgets.VBox(sliders[3:])]),
                        stepper, formula, image])
    box.controls, box.image, box.formula = controls, image, formula
    return box


# --------------------------------------------------------------------------- pooling
def pooling_figure(size: int, kernel: int, stride: int, mode: str, step: int,
                   seed: int = 0) -> tuple[Figure, str]:
    out = conv_output_size(size, kernel, stride)
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 10, (1, 1, size, size), generator=g).float()
    pool = max_pool2d if mode == "max" else avg_pool2d
    result = pool(x, kernel, stride)[0, 0]
    row, col = divmod(min(step, out * out - 1), out)
    window = [(row * stride + a, col * stride + b) for a in range(kernel) for b in range(kernel)]
    fig = Figure(figsize=(0.45 * (size + out) + 1.6, 0.45 * size + 1.0))
    ax = fig.add_axes([0, 0, 1, 1])
    _grid(ax, x[0, 0].numpy(), (0, 0), None, "convolved feature")
    _highlight(ax, window, (0, 0), "C0")
    _grid(ax, np.round(result.numpy(), 2), (size + 1.5, 0), None, f"pooled feature ({mode})")
    _highlight(ax, [(row, col)], (size + 1.5, 0), "C3")
    ax.set_xlim(-0.2, size + 1.5 + out + 0.2)
    ax.set_ylim(-size - 0.2, 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    text = (f"{mode} pooling, {kernel}x{kernel} windows, stride {stride}: {size}x{size} &rarr; "
            f"<b>{out}x{out}</b>; window at ({row}, {col}) gives {result[row, col].item():g}")
    return fig, text


def pooling_explorer(size: int = 4, kernel: int = 2, stride: int = 2) -> widgets.VBox:
    """Max or average pooling stepping over a small feature map."""
    controls = {
        "size": _slider("input size", size, 3, 8),
        "kernel": _slider("window", kernel, 1, 4),
        "stride": _slider("stride", stride, 1, 3),
        "mode": widgets.ToggleButtons(options=["max", "average"], value="max"),
        "step": _slider("step", 0, 0, 3),
    }
    image, formula = widgets.Image(format="png"), widgets.HTML()
    stepper = _link_step_controls(controls["step"])

    def redraw(_change=None) -> None:
        values = {name: c.value for name, c in controls.items()}
        values["mode"] = "max" if values["mode"] == "max" else "avg"
        try:
            out = conv_output_size(values["size"], values["kernel"], values["stride"])
        except ValueError as error:
            formula.value = f"<span style='color:#b00'>impossible: {error}</span>"
            image.value = b""
            return
        controls["step"].max = stepper.play.max = out * out - 1
        values["step"] = min(values["step"], out * out - 1)
        figure, formula.value = pooling_figure(**values)
        image.value = _png(figure)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([widgets.HBox([controls["size"], controls["kernel"], controls["stride"]]),
                        controls["mode"], stepper, formula, image])
    box.controls, box.image, box.formula = controls, image, formula
    return box


# --------------------------------------------------------------------------- activations
def activation_figure(name: str, low: float, high: float,
                      derivative: bool = True) -> tuple[Figure, str]:
    activation = ACTIVATIONS[name]
    x = torch.linspace(low, high, 400)
    y, dy = activation.function(x), activation.derivative(x)
    fig = Figure(figsize=(6, 3.2), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(x, y, label=f"{name}(x)")
    if derivative:
        ax.plot(x, dy, "--", label=f"{name}'(x)")
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set(xlabel="x", title=f"{name} ({activation.introduced})")
    ax.legend(loc="upper left")
    saturated = (dy.abs() < 0.01).float().mean().item()
    text = (f"{name}: largest derivative on [{low:g}, {high:g}]: <b>{dy.abs().max().item():.3g}</b>; "
            f"the derivative is below 0.01 on <b>{100 * saturated:.0f}%</b> of the range "
            f"(saturation)")
    return fig, text


def activation_explorer(name: str = "sigmoid", low: float = -6.0,
                        high: float = 6.0) -> widgets.VBox:
    """An activation function and its derivative over a chosen range."""
    controls = {
        "name": widgets.Dropdown(options=list(ACTIVATIONS), value=name, description="function"),
        "range": widgets.FloatRangeSlider(value=[low, high], min=-20, max=20, step=0.5,
                                          description="x range", continuous_update=False),
        "derivative": widgets.Checkbox(value=True, description="show derivative"),
    }
    image, formula = widgets.Image(format="png"), widgets.HTML()

    def redraw(_change=None) -> None:
        low, high = controls["range"].value
        if high <= low:
            formula.value = "<span style='color:#b00'>choose a range with low &lt; high</span>"
            return
        figure, formula.value = activation_figure(controls["name"].value, low, high,
                                                  controls["derivative"].value)
        image.value = _png(figure)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([widgets.HBox([controls["name"], controls["derivative"]]),
                        controls["range"], formula, image])
    box.controls, box.image, box.formula = controls, image, formula
    return box
