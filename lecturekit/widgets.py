"""Interactive demos for the notebooks, built from ipywidgets (7.7 on Colab, or 8).

Each function returns a widget box. Its figure is a PNG in an ``ipywidgets.Image`` and its
text an ``ipywidgets.HTML``, so the demo also works in a saved notebook and tests can drive
it without a browser: set ``box.controls["stride"].value = 2`` and read ``box.formula.value``.

The explorers: one convolution (:func:`convolution_explorer`), pooling, activations; several
input and output channels (:func:`multichannel_conv_explorer`, small grids as HTML tables);
and any network on one image (:func:`network_explorer`: layer, shapes, parameters,
multiply-adds, receptive field, feature maps and the region a unit sees). Each computes its
picture in a pure function (``*_figure``, ``multichannel_conv_step``, and
:func:`lecturekit.interpret.layer_report`) that tests call directly. A bad input shows as one
red sentence in the widget, never a traceback; ``box.timings`` holds the (wall, CPU) seconds
of each redraw.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from html import escape

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from . import interpret
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


# --------------------------------------------------------------------------- errors in a widget
def _message(error: Exception) -> str:
    """One sentence for the widget, never a traceback."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if not isinstance(error, ValueError):
        text = f"{type(error).__name__}: {text}"
    return f"<span style='color:#b00'>{escape(text)}</span>"


def _timed(timings: list[tuple[float, float]], draw) -> None:
    """Run a redraw, noting its (wall-clock, CPU) seconds: the CPU time is what the redraw
    costs when the machine is shared."""
    wall, cpu = time.perf_counter(), time.process_time()
    draw()
    timings.append((time.perf_counter() - wall, time.process_time() - cpu))


# --------------------------------------------------------------------------- network explorer
def _mosaic(maps: torch.Tensor, columns: int) -> np.ndarray:
    """Feature maps tiled into one picture (each scaled to its own range), one pixel apart;
    one image is much faster to draw than one axis per map."""
    count, h, w = maps.shape
    rows = -(-count // columns)
    low = maps.amin((1, 2), keepdim=True)
    span = (maps.amax((1, 2), keepdim=True) - low).clamp(min=1e-12)
    scaled = ((maps - low) / span).numpy()
    tiled = np.full((rows * (h + 1) - 1, columns * (w + 1) - 1), np.nan)
    for i in range(count):
        r, c = divmod(i, columns)
        tiled[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = scaled[i]
    return tiled


def network_unit_text(report: interpret.LayerReport, channel: int = 0, row: int = 0,
                      col: int = 0) -> str:
    """One line about a unit: its value and the input region it sees."""
    a = report.activation
    if report.spatial:
        value, where = a[channel, row, col].item(), f"channel {channel}, row {row}, column {col}"
    else:
        value, where = a.flatten()[channel].item(), f"unit {channel}"
    region = report.region(row, col) if report.spatial else report.region(0, 0)
    if region is None:
        seen = "the input region it sees is not known"
    else:
        top, left, bottom, right = region
        seen = (f"it sees input rows {top}&ndash;{bottom}, columns {left}&ndash;{right} "
                f"({bottom - top + 1}x{right - left + 1} pixels inside the image)")
    return f"{where}: value <b>{value:.3g}</b>; {seen}"


def network_figure(report: interpret.LayerReport, image: torch.Tensor, channel: int = 0,
                   row: int = 0, col: int = 0, max_maps: int = 32) -> Figure:
    """The input with the region that unit (channel, row, col) sees; the layer's feature
    maps (up to ``max_maps``, the chosen one outlined); the chosen map with the unit marked.
    For a layer without height and width (after flattening), its values as bars."""
    a = report.activation
    fig = Figure(figsize=(11, 3.6))      # fixed axes positions: no layout engine, a fast redraw
    axes = [fig.add_axes(rect) for rect in ([0.01, 0.04, 0.28, 0.82], [0.33, 0.04, 0.30, 0.82],
                                            [0.67, 0.04, 0.25, 0.82])]
    interpret.show_image(axes[0], image, "input: the region the unit sees")
    region = report.region(row, col) if report.spatial else report.region(0, 0)
    if region is not None:
        top, left, bottom, right = region
        axes[0].add_patch(Rectangle((left - 0.5, top - 0.5), right - left + 1, bottom - top + 1,
                                    fill=False, edgecolor="#ff2a00", lw=2.5))
    shape = "x".join(map(str, report.output_shape[1:]))
    if not report.spatial:
        values = a.flatten().numpy()
        colors = np.where(np.arange(values.size) == channel, "#d62728", "#1f77b4")
        axes[1].set_position([0.36, 0.14, 0.42, 0.72])
        axes[1].bar(np.arange(values.size), values, color=colors, width=1.0)
        axes[1].set(xlabel="unit", ylabel="value", title=f"'{report.layer}': {shape} values")
        axes[2].set_position([0.80, 0.04, 0.19, 0.82])
        axes[2].axis("off")
        axes[2].text(0.02, 0.5, f"unit {channel}: {values[channel]:.3g}\n(every unit of this "
                     f"layer sees\nthe whole input)", fontsize=10, va="center")
        return fig
    channels = a.shape[0]
    first = channel // max_maps * max_maps
    shown = a[first:first + max_maps]
    columns = int(np.ceil(np.sqrt(shown.shape[0] * a.shape[1] / a.shape[2])))
    columns = max(1, min(columns, shown.shape[0]))
    axes[1].imshow(_mosaic(shown, columns), cmap="viridis", interpolation="nearest")
    h, w = a.shape[1:]
    r, c = divmod(channel - first, columns)
    axes[1].add_patch(Rectangle((c * (w + 1) - 0.5, r * (h + 1) - 0.5), w, h, fill=False,
                                edgecolor="#ff2a00", lw=2))
    axes[1].set(xticks=[], yticks=[], title=f"'{report.layer}' ({report.kind}) {shape}: maps "
                f"{first}-{first + shown.shape[0] - 1} of {channels}")
    axes[1].title.set_fontsize(9)
    chosen = a[channel].numpy()
    signed = chosen.min() < 0
    limit = float(np.abs(chosen).max()) or 1.0
    drawn = axes[2].imshow(chosen, cmap="RdBu_r" if signed else "viridis",
                           vmin=-limit if signed else 0, vmax=limit, interpolation="nearest")
    axes[2].add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="#ff2a00", lw=2))
    axes[2].set(xticks=[], yticks=[], title=f"map {channel}, unit at row {row}, column {col}")
    fig.colorbar(drawn, cax=fig.add_axes([0.93, 0.1, 0.015, 0.7]))
    return fig


def network_explorer(model: torch.nn.Module, image: torch.Tensor, layer: str | None = None,
                     max_maps: int = 32) -> widgets.VBox:
    """Explore any network on one image: pick a layer (every named module, in the order the
    network calls them) to see its output shape, parameters, multiply-adds, receptive field
    and feature maps; pick a unit (channel, row, column) to see the input region it sees.

    Works for the zoo (``lk.models.create``), torchvision's models and your own modules.
    Problems (an image the model does not accept, an unknown layer) appear as one sentence.
    """
    message, report_html, unit_html = widgets.HTML(), widgets.HTML(), widgets.HTML()
    picture = widgets.Image(format="png")
    box = widgets.VBox([message])
    box.controls, box.image, box.formula, box.message, box.timings = {}, picture, report_html, message, []
    try:
        probe = interpret.NetworkProbe(model, image)
    except ValueError as error:
        message.value = _message(error)
        return box
    first_conv = next((n for n in probe.layers if probe.kinds[n] == "Conv2d"), probe.layers[0])
    start = first_conv
    if layer is not None:
        try:
            start = probe.check_layer(layer)
        except ValueError as error:
            message.value = _message(error)
    controls = {
        "layer": widgets.Dropdown(options=probe.layers, value=start, description="layer",
                                  layout=widgets.Layout(width="420px")),
        "channel": _slider("channel", 0, 0, 1),
        "row": _slider("row", 0, 0, 1),
        "col": _slider("column", 0, 0, 1),
    }
    shown_image = probe.x[0].detach().cpu()
    state = {"busy": False}

    def draw() -> None:
        try:
            report = probe.report(controls["layer"].value)
            values = [controls[n].value for n in ("channel", "row", "col")]
            figure = network_figure(report, shown_image, *values, max_maps=max_maps)
            report_html.value = report.html()
            unit_html.value = network_unit_text(report, *values)
            picture.value = _png(figure)
        except Exception as error:     # shown as one sentence in the widget
            message.value = _message(error)

    def set_layer(_change=None) -> None:
        try:
            report = probe.report(controls["layer"].value)
        except Exception as error:
            message.value = _message(error)
            return
        if _change is not None:
            message.value = ""
        a = report.activation
        sizes = (a.shape if report.spatial else (a.numel(), 1, 1))
        state["busy"] = True
        try:
            for name, size in zip(("channel", "row", "col"), sizes):
                slider = controls[name]
                slider.max = max(size - 1, 0)
                slider.min = 0
                slider.disabled = size == 1
            controls["row"].value, controls["col"].value = sizes[1] // 2, sizes[2] // 2
            controls["channel"].value = min(controls["channel"].value, sizes[0] - 1)
        finally:
            state["busy"] = False
        draw()

    def redraw(_change=None) -> None:
        if not state["busy"]:
            draw()

    controls["layer"].observe(lambda change: _timed(box.timings, lambda: set_layer(change)),
                              names="value")
    for name in ("channel", "row", "col"):
        controls[name].observe(lambda change: _timed(box.timings, redraw), names="value")
    set_layer()
    box.children = [message, controls["layer"],
                    widgets.HBox([controls["channel"], controls["row"], controls["col"]]),
                    report_html, unit_html, picture]
    box.controls, box.probe, box.unit = controls, probe, unit_html
    return box


# --------------------------------------------------------------------------- several channels
CHANNEL_NAMES = ("R", "G", "B")


def _demo_input(size: int = 5, seed: int = 0) -> torch.Tensor:
    """A small 3-channel input of integers 0-2 (the layout of CS231n's convolution demo)."""
    return torch.randint(0, 3, (3, size, size), generator=torch.Generator().manual_seed(seed)).float()


def kernel_presets(kernel: int = 3, seed: int = 0) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """Named (weights 2x3xkxk, bias 2) pairs for the multi-channel explorer."""
    random = torch.randint(-1, 2, (2, 3, kernel, kernel),
                           generator=torch.Generator().manual_seed(seed)).float()
    sobel = torch.tensor([[1.0, 0, -1], [2, 0, -2], [1, 0, -1]])
    edges = torch.stack([sobel.expand(3, 3, 3), sobel.T.expand(3, 3, 3)])
    centre = torch.zeros(3, 3)
    centre[1, 1] = 1
    colour = torch.stack([torch.stack([centre, -centre, 0 * centre]), centre.expand(3, 3, 3)])
    return {
        "random -1/0/1 (CS231n demo)": (random, torch.tensor([1.0, 0.0])),
        "edges: vertical, horizontal": (edges, torch.zeros(2)),
        "colour: red minus green, brightness": (colour, torch.zeros(2)),
    }


def kernel_text(kernel: torch.Tensor) -> str:
    """A kxk kernel as editable text: rows separated by ';'."""
    return "; ".join(" ".join(f"{v:g}" for v in row.tolist()) for row in kernel)


def parse_kernel(text: str, name: str = "kernel") -> torch.Tensor:
    """Text such as ``1 0 -1; 2 0 -2; 1 0 -1`` as a square kernel; ValueError otherwise."""
    try:
        rows = [[float(v) for v in row.replace(",", " ").split()] for row in text.split(";")]
    except ValueError:
        rows = []
    k = len(rows)
    if k == 0 or k > 5 or any(len(r) != k for r in rows):
        raise ValueError(f"{name}: could not read {text!r}; write a square kernel of 1 to 5 rows, "
                         f"numbers separated by spaces, rows by ';' (e.g. 1 0 -1; 2 0 -2; 1 0 -1)")
    return torch.tensor(rows)


@dataclass
class MultichannelStep:
    """One step of a multi-channel convolution: the zero-padded input, each input channel's
    contribution to the chosen filter's output, all output maps, and the unit at (row, col)."""

    padded: torch.Tensor            # 3 x (H+2p) x (W+2p)
    padding: int
    stride: int
    weight: torch.Tensor            # filters x 3 x k x k
    bias: torch.Tensor              # filters
    filter_index: int
    parts: torch.Tensor             # 3 x out_h x out_w: channel c convolved with its kernel
    out: torch.Tensor               # filters x out_h x out_w
    row: int
    col: int

    @property
    def kernel(self) -> int:
        return self.weight.shape[-1]

    def text(self) -> str:
        """The output size and the sum that makes the current unit, as an HTML line."""
        terms = " + ".join(f"{self.parts[c, self.row, self.col].item():.3g}" for c in range(3))
        filters, out_h, out_w = self.out.shape
        _, height, width = self.padded.shape
        size = f"3x{height - 2 * self.padding}x{width - 2 * self.padding}"
        return (f"{size} input, {filters} filters of 3x{self.kernel}x{self.kernel}, stride "
                f"{self.stride}, padding {self.padding} &rarr; output <b>{filters}x{out_h}x{out_w}</b>; "
                f"output map {self.filter_index} at row {self.row}, column {self.col} = R + G + B + "
                f"bias = {terms} + {self.bias[self.filter_index].item():g} = "
                f"<b>{self.out[self.filter_index, self.row, self.col].item():.4g}</b>")


def multichannel_conv_step(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
                           stride: int = 1, padding: int = 0, filter_index: int = 0,
                           step: int = 0) -> MultichannelStep:
    """A convolution of a 3-channel input with several filters, at output position ``step``
    (row-major): each channel convolved with its own kernel of the chosen filter (the
    channel's contribution); the contributions plus the bias are the output map."""
    if x.dim() != 3 or x.shape[0] != 3:
        raise ValueError(f"image must have 3 channels (shape 3xHxW), got shape {tuple(x.shape)}")
    if weight.dim() != 4 or weight.shape[1] != 3 or weight.shape[-1] != weight.shape[-2]:
        raise ValueError(f"weight must have shape filters x 3 x k x k, got {tuple(weight.shape)}")
    if bias.shape != (weight.shape[0],):
        raise ValueError(f"bias must have one value per filter ({weight.shape[0]}), "
                         f"got shape {tuple(bias.shape)}")
    if not 0 <= filter_index < weight.shape[0]:
        raise ValueError(f"filter_index must be from 0 to {weight.shape[0] - 1}, got {filter_index}")
    kernel = weight.shape[-1]
    out_w = conv_output_size(x.shape[2], kernel, stride, padding)
    out_h = conv_output_size(x.shape[1], kernel, stride, padding)
    parts = conv2d(x[None], weight[filter_index][:, None], stride=stride, padding=padding,
                   groups=3)[0]
    out = conv2d(x[None], weight, bias, stride=stride, padding=padding)[0]
    row, col = divmod(min(step, out_h * out_w - 1), out_w)
    padded = torch.nn.functional.pad(x, (padding,) * 4)
    return MultichannelStep(padded, padding, stride, weight, bias, filter_index, parts, out, row, col)


def _table(values: np.ndarray, title: str, window=None, padding: int = 0) -> str:
    """A grid of numbers as an HTML table; ``window`` = (row, col, height, width) is
    highlighted, the outer ``padding`` rings are grey."""
    rows, cols = values.shape
    cells = []
    for i in range(rows):
        tds = []
        for j in range(cols):
            pad = padding and (i < padding or j < padding or i >= rows - padding or j >= cols - padding)
            inside = window is not None and window[0] <= i < window[0] + window[2] \
                and window[1] <= j < window[1] + window[3]
            style = "background:#cfe2ff;" if inside else ("background:#eee;color:#999;" if pad else "")
            tds.append(f"<td style='{style}'>{values[i, j]:.3g}</td>")
        cells.append("<tr>" + "".join(tds) + "</tr>")
    return (f"<div style='display:inline-block;vertical-align:middle;margin:0 6px'>"
            f"<div style='font-size:11px;text-align:center'>{escape(title)}</div>"
            f"<table class='lk-grid'>{''.join(cells)}</table></div>")


_GRID_STYLE = ("<style>.lk-grid{border-collapse:collapse;font:12px monospace}"
               ".lk-grid td{border:1px solid #999;width:26px;height:20px;text-align:center;"
               "padding:0}</style>")


def multichannel_conv_html(s: MultichannelStep) -> str:
    """The step as HTML tables (for a small input): per channel, input * kernel =
    contribution; then every output map; the window and the unit highlighted."""
    window = (s.row * s.stride, s.col * s.stride, s.kernel, s.kernel)
    unit = (s.row, s.col, 1, 1)
    lines = []
    for c, name in enumerate(CHANNEL_NAMES):
        lines.append(
            "<div>" + _table(s.padded[c].numpy(), f"input channel {name}", window, s.padding)
            + "&lowast;" + _table(s.weight[s.filter_index, c].numpy(),
                                  f"filter {s.filter_index}, kernel {name}")
            + "=" + _table(s.parts[c].numpy(), f"contribution of {name}", unit) + "</div>")
    outputs = "".join(
        _table(s.out[o].numpy(), f"output map {o} (bias {s.bias[o].item():g})",
               unit if o == s.filter_index else None) + "<br>" for o in range(s.out.shape[0]))
    return (_GRID_STYLE + "<div style='display:flex;align-items:center;gap:18px'>"
            f"<div>{''.join(lines)}</div><div>sum + bias &rarr;</div><div>{outputs}</div></div>")


def _picture(ax, values: np.ndarray, box=None, title: str = "", signed: bool = False) -> None:
    limit = float(np.abs(values).max()) or 1.0
    ax.imshow(values, cmap="RdBu_r" if signed else "gray", vmin=-limit if signed else values.min(),
              vmax=limit if signed else values.max(), interpolation="nearest")
    if box is not None:
        r, c, h, w = box
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), w, h, fill=False, edgecolor="#ff2a00", lw=1.5))
    ax.set(xticks=[], yticks=[])
    ax.set_title(title, fontsize=9)


def multichannel_conv_figure(s: MultichannelStep) -> Figure:
    """The step as pictures (for an image): each input channel with the window outlined, its
    contribution (channel * kernel, signed colours), and every output map with the unit
    marked."""
    filters = s.out.shape[0]
    fig = Figure(figsize=(8.4, 5.6))      # fixed axes positions: no layout engine, a fast redraw
    window = (s.row * s.stride, s.col * s.stride, s.kernel, s.kernel)
    for c, name in enumerate(CHANNEL_NAMES):
        top = 0.67 - 0.32 * c
        _picture(fig.add_axes([0.02, top, 0.25, 0.27]), s.padded[c].numpy(), window,
                 f"input channel {name}")
        _picture(fig.add_axes([0.32, top, 0.25, 0.27]), s.parts[c].numpy(), (s.row, s.col, 1, 1),
                 f"{name} * kernel {s.filter_index}{name}", signed=True)
    height = 0.92 / filters
    for o in range(filters):
        ax = fig.add_axes([0.68, 0.97 - height * (o + 1) + 0.02, 0.3, height - 0.07])
        _picture(ax, s.out[o].numpy(), (s.row, s.col, 1, 1) if o == s.filter_index else None,
                 f"output map {o} (bias {s.bias[o].item():g})", signed=True)
    return fig


def multichannel_conv_explorer(image: torch.Tensor | None = None, preset: str | None = None,
                               stride: int = 2, padding: int = 1) -> widgets.VBox:
    """Several input and output channels: a 3-channel input (a small grid of numbers, or
    ``image``, a 3xHxW picture, shown first when given), two filters of 3 kernels each
    (editable as text, or from a preset) and their biases. A step slider (or play) moves the
    window; the figure shows each channel's contribution and how they add up, with the bias,
    to one output unit."""
    presets = kernel_presets()
    preset = preset or next(iter(presets))
    message, formula, tables = widgets.HTML(), widgets.HTML(), widgets.HTML()
    picture = widgets.Image(format="png")
    inputs = {"5x5x3 grid of numbers": _demo_input()}
    if image is not None:
        inputs["your image"] = image
    controls = {
        "input": widgets.Dropdown(options=list(inputs), value=list(inputs)[-1], description="input"),
        "preset": widgets.Dropdown(options=list(presets), value=preset, description="kernels",
                                   layout=widgets.Layout(width="380px")),
        "stride": _slider("stride", stride, 1, 3),
        "padding": _slider("padding", padding, 0, 2),
        "filter": widgets.ToggleButtons(options=[0, 1], value=0, description="filter"),
        "step": _slider("step", 0, 0, 8),
    }
    texts = [[widgets.Text(description=f"{o}: {CHANNEL_NAMES[c]}", continuous_update=False,
                           layout=widgets.Layout(width="250px"), style={"description_width": "40px"})
              for c in range(3)] for o in range(2)]
    biases = [widgets.FloatText(description=f"bias {o}", layout=widgets.Layout(width="150px"),
                                style={"description_width": "50px"}) for o in range(2)]
    stepper = _link_step_controls(controls["step"])
    box = widgets.VBox()
    box.controls, box.image, box.formula, box.message = controls, picture, formula, message
    box.kernels, box.biases, box.tables, box.timings = texts, biases, tables, []
    state = {"busy": False}

    def current():
        kernels = [[parse_kernel(texts[o][c].value, f"kernel {o}: {CHANNEL_NAMES[c]}")
                    for c in range(3)] for o in range(2)]
        sizes = sorted({f"{k.shape[0]}x{k.shape[1]}" for row in kernels for k in row})
        if len(sizes) > 1:
            raise ValueError(f"kernels: all six kernels must have the same size, got {', '.join(sizes)}")
        weight = torch.stack([torch.stack(row) for row in kernels])
        x = inputs[controls["input"].value]
        x = x[0] if x.dim() == 4 and x.shape[0] == 1 else x
        return x.detach().float().cpu(), weight, torch.tensor([b.value for b in biases], dtype=torch.float32)

    def draw(_change=None) -> None:
        if state["busy"]:
            return
        try:
            x, weight, bias = current()
            stride, padding = controls["stride"].value, controls["padding"].value
            step = multichannel_conv_step(x, weight, bias, stride, padding,
                                          controls["filter"].value, controls["step"].value)
            state["busy"] = True
            try:
                controls["step"].max = stepper.play.max = step.out[0].numel() - 1
            finally:
                state["busy"] = False
            formula.value = step.text()
            if step.padded.shape[-1] <= 12:     # a small grid: every number, as HTML tables
                tables.value, picture.layout.display = multichannel_conv_html(step), "none"
            else:                               # an image: pictures
                picture.value = _png(multichannel_conv_figure(step))
                tables.value, picture.layout.display = "", None
            message.value = ""
        except Exception as error:          # one sentence in the widget, no traceback
            message.value = _message(error)

    def load_preset(_change=None) -> None:
        weight, bias = presets[controls["preset"].value]
        state["busy"] = True
        try:
            for o in range(2):
                for c in range(3):
                    texts[o][c].value = kernel_text(weight[o, c])
                biases[o].value = float(bias[o])
        finally:
            state["busy"] = False
        draw()

    controls["preset"].observe(lambda change: _timed(box.timings, load_preset), names="value")
    for name in ("input", "stride", "padding", "filter", "step"):
        controls[name].observe(lambda change: _timed(box.timings, draw), names="value")
    for widget in [*texts[0], *texts[1], *biases]:
        widget.observe(lambda change: _timed(box.timings, draw), names="value")
    load_preset()
    box.children = [
        widgets.HBox([controls["input"], controls["preset"]]),
        widgets.HBox([widgets.VBox([widgets.HBox(texts[o] + [biases[o]]) for o in range(2)])]),
        widgets.HBox([controls["stride"], controls["padding"], controls["filter"]]),
        stepper, message, formula, tables, picture,
    ]
    return box
