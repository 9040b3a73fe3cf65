"""Counting things about layers and networks: output sizes, parameters, receptive fields,
multiply-adds, and a per-layer summary table.

Multiply-adds come from :class:`torch.utils.flop_counter.FlopCounterMode` (which counts a
multiply-add as two FLOPs); nothing here is a hand-written FLOP counter.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from . import _validate as check

Size2d = int | tuple[int, int]


# --------------------------------------------------------------------------- output sizes
def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                     dilation: int = 1) -> int:
    """Output length along one axis of a convolution or pooling window:
    ``floor((size + 2*padding - dilation*(kernel_size-1) - 1) / stride) + 1``.

    Raises ``ValueError`` naming the argument when the configuration is impossible.
    """
    for name, value in (("size", size), ("kernel_size", kernel_size), ("stride", stride),
                        ("dilation", dilation)):
        check.integer(value, name, 1)
    check.integer(padding, "padding", 0)
    span = dilation * (kernel_size - 1) + 1
    padded = size + 2 * padding
    if span > padded:
        raise ValueError(
            f"kernel_size={kernel_size} with dilation={dilation} spans {span} pixels, more than "
            f"the padded input (size {size} + 2*padding {padding} = {padded})"
        )
    return (padded - span) // stride + 1


# --------------------------------------------------------------------------- slide 2: CNN vs DNN
def fully_connected_params(image_size: Size2d, hidden_units: int, channels: int = 1,
                           bias: bool = False) -> int:
    """Parameters of a fully connected layer from an image to ``hidden_units`` units:
    every unit has one weight per input pixel (and channel)."""
    height, width = check.pair(image_size, "image_size", 1)
    check.integer(hidden_units, "hidden_units", 1)
    check.integer(channels, "channels", 1)
    return hidden_units * height * width * channels + (hidden_units if bias else 0)


def locally_connected_params(image_size: Size2d, kernel_size: Size2d, out_channels: int = 1,
                             in_channels: int = 1, stride: int = 1, padding: str | int = "same",
                             bias: bool = False) -> int:
    """Parameters of a locally connected layer: one ``kernel_size`` filter per output
    position (and channel), *not* shared between positions.

    With ``padding="same"`` and stride 1 there is one hidden unit per pixel, as on the slide:
    a 1000x1000 image with 10x10 filters has 10^6 units of 100 weights, 10^8 parameters.
    """
    height, width = check.pair(image_size, "image_size", 1)
    k_h, k_w = check.pair(kernel_size, "kernel_size", 1)
    check.integer(out_channels, "out_channels", 1)
    check.integer(in_channels, "in_channels", 1)
    check.integer(stride, "stride", 1)
    if isinstance(padding, str) and padding != "same":
        raise ValueError(f"padding must be 'same' or a non-negative int, got {padding!r}")
    if k_h > height or k_w > width:
        raise ValueError(f"kernel_size={kernel_size!r} is larger than image_size={image_size!r}; "
                         f"use at most the image size")
    if padding == "same":
        out_h, out_w = math.ceil(height / stride), math.ceil(width / stride)
    else:
        out_h = conv_output_size(height, k_h, stride, padding)
        out_w = conv_output_size(width, k_w, stride, padding)
    positions = out_h * out_w * out_channels
    return positions * in_channels * k_h * k_w + (positions if bias else 0)


def conv_params(kernel_size: Size2d, out_channels: int, in_channels: int = 1,
                bias: bool = False, groups: int = 1, image_size: Size2d | None = None) -> int:
    """Parameters of a convolutional layer: ``out_channels`` filters of size
    ``in_channels/groups x kernel``, shared by every position (the image size does not
    appear; pass it only to have it checked against the kernel)."""
    k_h, k_w = check.pair(kernel_size, "kernel_size", 1)
    for name, value in (("out_channels", out_channels), ("in_channels", in_channels),
                        ("groups", groups)):
        check.integer(value, name, 1)
    if in_channels % groups or out_channels % groups:
        raise ValueError(f"groups={groups} must divide in_channels={in_channels} "
                         f"and out_channels={out_channels}")
    if image_size is not None:
        height, width = check.pair(image_size, "image_size", 1)
        if k_h > height or k_w > width:
            raise ValueError(f"kernel_size={kernel_size!r} is larger than "
                             f"image_size={image_size!r}; use at most the image size")
    weights = out_channels * (in_channels // groups) * k_h * k_w
    return weights + (out_channels if bias else 0)


def count_parameters(model: nn.Module | Iterable[nn.Parameter], trainable_only: bool = True) -> int:
    """Number of (trainable) parameters of a module (or of an iterable of parameters)."""
    params = model.parameters() if isinstance(model, nn.Module) else model
    if isinstance(params, torch.Tensor) or not isinstance(params, Iterable):
        raise TypeError(f"model must be an nn.Module or an iterable of parameters, got "
                        f"{check.describe(model)}")
    return sum(p.numel() for p in params if p.requires_grad or not trainable_only)


# --------------------------------------------------------------------------- receptive field
# The one rule (Araujo, Norris & Sim, 2019, "Computing receptive fields of convolutional neural
# networks", Distill): along one axis, a unit at index i sees input pixels lo + i*jump ...
# hi + i*jump. A window (kernel k, stride s, padding p, dilation d) maps (jump, lo, hi) to
# (jump*s, lo - p*jump, hi + (d*(k-1) - p)*jump). :func:`receptive_field` applies it along a
# stack of layers; :mod:`lecturekit.interpret` applies it along a traced graph.
Axis = tuple[int, int, int]        # (jump, lo, hi)
INPUT_AXIS: Axis = (1, 0, 0)       # each input pixel sees itself


def grow(axis: Axis, kernel: int, stride: int, padding: int = 0, dilation: int = 1) -> Axis:
    """The receptive field (jump, lo, hi) along one axis after one more window."""
    jump, lo, hi = axis
    return jump * stride, lo - padding * jump, hi + (dilation * (kernel - 1) - padding) * jump


def _pair(value, default) -> tuple[int, int]:
    """A window's size, stride, padding or dilation as torch stores it (an int, or a sequence
    of one or two ints) as a pair; ``default`` where it is None."""
    value = default if value is None else value
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    return check.pair(value, "a window's size, stride, padding or dilation")


def module_window(module: nn.Module):
    """(kernel, stride, padding, dilation) of a convolution or pooling module, each a pair
    (height, width), or None for any other module."""
    if not isinstance(module, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
        return None
    kernel = _pair(module.kernel_size, None)
    stride = _pair(module.stride, kernel) if module.stride else kernel
    dilation = _pair(getattr(module, "dilation", 1), 1)
    padding = module.padding
    if padding == "valid":
        padding = 0
    elif padding == "same":
        padding = tuple(d * (k - 1) // 2 for k, d in zip(kernel, dilation))
    return kernel, stride, _pair(padding, 0), dilation


@dataclass(frozen=True)
class ReceptiveField:
    """Receptive field after each layer of a stack (size in input pixels, and `jump`, the
    distance in input pixels between neighbouring outputs)."""

    sizes: list[int]
    jumps: list[int]

    @property
    def size(self) -> int:
        return self.sizes[-1]


def _window(layer: nn.Module | Sequence[int]) -> tuple[int, int, int] | None:
    """(kernel, stride, dilation) of a layer along the height axis, or None if it has none."""
    if isinstance(layer, Sequence):
        if len(layer) not in (2, 3):
            raise ValueError(f"each layer must be a conv or pooling module or a tuple "
                             f"(kernel_size, stride[, dilation]), got {layer!r}")
        kernel, stride, *rest = (check.integer(v, "each layer's kernel_size, stride and "
                                               "dilation", 1) for v in layer)
        return kernel, stride, rest[0] if rest else 1
    window = module_window(layer)
    if window is None:
        return None
    kernel, stride, _padding, dilation = window
    return kernel[0], stride[0], dilation[0]


def receptive_field(layers: Iterable[nn.Module | Sequence[int]]) -> ReceptiveField:
    """Receptive field of a stack of layers, each given as a module (conv or pooling;
    others are skipped) or as ``(kernel_size, stride[, dilation])``.

    ``r_out = r_in + (dilation*(k-1)) * jump_in`` and ``jump_out = jump_in * stride``: the
    rule of :func:`grow` (padding moves the field, it does not change its size).
    """
    if isinstance(layers, (torch.Tensor, str)) or not isinstance(layers, Iterable):
        raise TypeError(f"layers must be a list of conv/pooling modules (or an nn.Sequential) "
                        f"or of (kernel_size, stride[, dilation]) tuples, got {check.describe(layers)}")
    axis, sizes, jumps = INPUT_AXIS, [], []
    for layer in layers:
        window = _window(layer)
        if window is None:
            continue
        kernel, stride, dilation = window
        axis = grow(axis, kernel, stride, dilation=dilation)
        jump, lo, hi = axis
        sizes.append(hi - lo + 1)
        jumps.append(jump)
    if not sizes:
        raise ValueError("layers has no convolution or pooling layer (nn.Conv2d, nn.MaxPool2d, "
                         "nn.AvgPool2d or a (kernel_size, stride) tuple)")
    return ReceptiveField(sizes, jumps)


# --------------------------------------------------------------------------- per-layer summary
@dataclass
class LayerRow:
    name: str
    kind: str
    output_shape: tuple[int, ...]
    parameters: int
    mult_adds: int


@dataclass
class Summary:
    """A per-layer table of a model: layer, output shape, parameters, multiply-adds.

    Shows as an HTML table in a notebook and as aligned text with ``print``."""

    model_name: str
    input_shape: tuple[int, ...]
    rows: list[LayerRow] = field(default_factory=list)
    total_parameters: int = 0
    total_mult_adds: int = 0

    def _cells(self) -> list[list[str]]:
        return [[r.name, r.kind, "x".join(map(str, r.output_shape)), f"{r.parameters:,}",
                 f"{r.mult_adds:,}"] for r in self.rows]

    HEADER = ["layer", "type", "output shape", "parameters", "multiply-adds"]

    def _footer(self) -> list[str]:
        return ["total", "", "", f"{self.total_parameters:,}", f"{self.total_mult_adds:,}"]

    def __str__(self) -> str:
        table = [self.HEADER, *self._cells(), self._footer()]
        widths = [max(len(row[i]) for row in table) for i in range(len(self.HEADER))]
        right = {3, 4}

        def line(row):
            return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                             for i, (c, w) in enumerate(zip(row, widths))).rstrip()

        rule = "-" * len(line(table[0]))
        title = f"{self.model_name}, input {'x'.join(map(str, self.input_shape))}"
        return "\n".join([title, line(table[0]), rule, *map(line, table[1:-1]), rule,
                          line(table[-1])])

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{escape(h)}</th>" for h in self.HEADER)
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                       for row in self._cells())
        foot = "".join(f"<td><b>{escape(c)}</b></td>" for c in self._footer())
        title = f"{escape(self.model_name)}, input {'x'.join(map(str, self.input_shape))}"
        return (f"<table><caption>{title}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}<tr>{foot}</tr></tbody></table>")

    def __repr__(self) -> str:
        return str(self)


def _leaf_modules(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """Modules that own parameters directly or have no children: the rows of the table."""
    return [(name, m) for name, m in model.named_modules()
            if name and (not list(m.children()) or any(True for _ in m.parameters(recurse=False)))]


def _forward(model: nn.Module, x: torch.Tensor, given: str):
    """``model(x)``; an input the model cannot take is one sentence naming it (``given``)."""
    try:
        return model(x)
    except torch.OutOfMemoryError:
        raise
    except RuntimeError as error:
        raise ValueError(f"the model cannot run on {given} ({check.first_line(error)}); give "
                         f"the shape it was built for, batch dimension first, e.g. "
                         f"(1, 3, 32, 32)") from None


def _check_model_input(model: nn.Module, input_size: Sequence[int], device) -> torch.device:
    """The arguments of :func:`summary` and :func:`mult_adds`, checked."""
    check.instance(model, nn.Module, "model", "an nn.Module")
    if not isinstance(input_size, Sequence) or isinstance(input_size, str) or not input_size:
        hint = "; pass x.shape" if isinstance(input_size, torch.Tensor) else ""
        raise TypeError(f"input_size must be a shape with the batch dimension first, e.g. "
                        f"(1, 3, 32, 32), got {check.describe(input_size)}{hint}")
    for size in input_size:
        check.integer(size, "each entry of input_size", 1)
    return check.device(device)


def _counted_forward(model: nn.Module, input_size: Sequence[int],
                    device: str | torch.device) -> FlopCounterMode:
    """One forward pass of zeros in evaluation mode under a FLOP counter."""
    with evaluating(model), torch.no_grad(), FlopCounterMode(display=False) as counter:
        _forward(model, torch.zeros(*input_size, device=device), f"input_size={tuple(input_size)}")
    return counter


def summary(model: nn.Module, input_size: Sequence[int],
            device: str | torch.device = "cpu") -> Summary:
    """Run one batch of zeros through ``model`` and tabulate every layer.

    ``input_size`` includes the batch dimension, e.g. ``(1, 1, 32, 32)``. Multiply-adds are
    FLOPs/2 from :class:`~torch.utils.flop_counter.FlopCounterMode`.
    """
    device = _check_model_input(model, input_size, device)
    leaves = _leaf_modules(model)
    shapes: dict[str, tuple[int, ...]] = {}

    def hook_for(name):
        def hook(_module, _inputs, output):
            if isinstance(output, torch.Tensor):
                shapes[name] = tuple(output.shape)
        return hook

    handles = [m.register_forward_hook(hook_for(n)) for n, m in leaves]
    try:
        counter = _counted_forward(model, input_size, device)
    finally:
        for h in handles:
            h.remove()
    flops = {k: sum(v.values()) for k, v in counter.get_flop_counts().items()}
    root = type(model).__name__
    rows = [LayerRow(name, type(m).__name__, shapes.get(name, ()),
                     count_parameters(m.parameters(recurse=False) if list(m.children()) else m,
                                      False),
                     flops.get(f"{root}.{name}", 0) // 2)
            for name, m in leaves]
    return Summary(root, tuple(input_size), rows, count_parameters(model, False),
                   counter.get_total_flops() // 2)


def mult_adds(model: nn.Module, input_size: Sequence[int],
              device: str | torch.device = "cpu") -> int:
    """Multiply-adds of one forward pass (FLOPs/2 as counted by FlopCounterMode)."""
    device = _check_model_input(model, input_size, device)
    return _counted_forward(model, input_size, device).get_total_flops() // 2


# --------------------------------------------------------------------------- looking inside
@contextlib.contextmanager
def evaluating(model: nn.Module):
    """``with evaluating(model): ...`` runs the block with ``model`` in evaluation mode (dropout
    off, batch normalization with its running statistics) and gives the model back in the
    mode it had before, training or not, also when the block raises."""
    check.instance(model, nn.Module, "model", "an nn.Module")
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


@contextlib.contextmanager
def _outputs_kept(model: nn.Module):
    """In-place activations (``nn.ReLU(inplace=True)``) switched off for the block, so that a
    layer's output is not overwritten by the layer after it."""
    flipped = [m for m in model.modules() if getattr(m, "inplace", False) is True]
    for m in flipped:
        m.inplace = False
    try:
        yield
    finally:
        for m in flipped:
            m.inplace = True


def _wanted_layers(model: nn.Module, modules) -> dict[str, tuple[str | None, nn.Module | None]]:
    """{name to show: (the layer's name inside ``model``, its module)} for :func:`feature_maps`;
    the name is None for a module that is not part of ``model``, the module None for a graph
    node that is not a module (an addition, say)."""
    named = dict(model.named_modules())
    if modules is None:
        return {name: (name, child) for name, child in model.named_children()}
    if isinstance(modules, (str, nn.Module)) or not isinstance(modules, Iterable):
        modules = [modules]      # rejected just below, with the message
    paths = {id(m): n for n, m in named.items()}
    wanted = {}
    for item in modules:
        if isinstance(item, str):
            wanted[item] = (item, named.get(item))
        elif isinstance(item, Sequence) and len(item) == 2 and isinstance(item[1], nn.Module):
            wanted[item[0]] = (paths.get(id(item[1])), item[1])
        else:
            raise TypeError("modules must be layer names or (name, module) pairs, e.g. "
                            "['conv1'], model.named_children() or [('conv1', model.conv1)]")
    return wanted


def _first(output):
    """A layer's output as one tensor: the first element of a tuple (e.g. with auxiliary
    outputs), detached."""
    return (output[0] if isinstance(output, (tuple, list)) else output).detach()


def _hooked_outputs(model: nn.Module, x: torch.Tensor, wanted) -> dict[str, torch.Tensor]:
    """The fallback of :func:`feature_maps` for a model torch.fx cannot trace: forward hooks
    on the modules (graph nodes that are not modules cannot be reached this way)."""
    outputs: dict[str, torch.Tensor] = {}

    def record(name):
        def hook(_module, _inputs, out):
            outputs[name] = _first(out)
        return hook

    handles = []
    for name, (_path, module) in wanted.items():
        if module is None:
            raise ValueError(f"modules: {name!r} is neither a layer that torch.fx finds in "
                             f"{type(model).__name__} nor one of its modules; choose a name from "
                             f"get_graph_node_names(model) or model.named_modules()")
        handles.append(module.register_forward_hook(record(name)))
    try:
        _forward(model, x, f"x of shape {tuple(x.shape)}")
    finally:
        for h in handles:
            h.remove()
    return {name: outputs[name] for name in wanted if name in outputs}


@torch.no_grad()
def feature_maps(model: nn.Module, x: torch.Tensor,
                 modules: Iterable[str | tuple[str, nn.Module]] | None = None
                 ) -> dict[str, torch.Tensor]:
    """What each layer 'sees': the outputs of ``modules`` for the batch ``x`` (batch dimension
    kept), run in evaluation mode, keyed by name, in the order asked for.

    ``modules`` is a list of layer names (from ``model.named_modules()`` or torchvision's
    ``get_graph_node_names(model)``, e.g. ``"layer1.0.add"``) or of (name, module) pairs;
    default: the top-level children of ``model``. The outputs come from torchvision's
    ``create_feature_extractor`` (``torch.fx``), with in-place activations switched off so that
    each output is the layer's own. A module that returns a tuple (e.g. with auxiliary outputs)
    is represented by its first element. A model that torch.fx cannot trace (control flow on
    values), or modules that do not run in evaluation mode, fall back to forward hooks: then
    only modules can be asked for, and a module that does not run is left out.
    :func:`lecturekit.interpret.layer_outputs` is this for one image, batch dimension removed.
    """
    check.instance(model, nn.Module, "model", "an nn.Module")
    check.tensor(x, "x")
    from torchvision.models.feature_extraction import create_feature_extractor

    wanted = _wanted_layers(model, modules)
    paths = {path for path, _module in wanted.values()}
    with evaluating(model), _outputs_kept(model):
        try:
            if None in paths:
                raise LookupError("a module that is not part of the model")
            extractor = create_feature_extractor(model, return_nodes={p: p for p in paths})
        except Exception:       # not traceable, or a layer that is not in the graph: hooks
            return _hooked_outputs(model, x, wanted)
        out = _forward(extractor, x, f"x of shape {tuple(x.shape)}")
    return {name: _first(out[path]) for name, (path, _module) in wanted.items()}


def binomial_margin(p1: float, p2: float, n1: int, n2: int | None = None, z: float = 3.0) -> float:
    """How far apart two error rates (or accuracies) ``p1`` and ``p2``, each measured on ``n1``
    and ``n2`` images, must be before the difference is beyond sampling noise: ``z`` standard
    errors of the difference, z * sqrt(p1(1-p1)/n1 + p2(1-p2)/n2) (a normal approximation to
    the binomial; z = 3 leaves about one chance in 700 that noise alone makes the gap)."""
    n2 = n1 if n2 is None else n2
    for value, name in ((p1, "p1"), (p2, "p2")):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must be a rate between 0 and 1, got {value}")
    return z * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)


def paired_margin(right_a, right_b, z: float = 3.0) -> float:
    """How far apart two networks' accuracies on the *same* images must be before the difference
    is beyond sampling noise. ``right_a`` and ``right_b`` are booleans per image (is the network
    right?). Only the images on which the two disagree carry information (McNemar's test): with
    d of n images discordant, the standard error of the difference is sqrt(d) / n, often far
    smaller than :func:`binomial_margin`'s two independent test sets. Returns ``z`` standard
    errors as a fraction. It measures the noise of the images, not of training: one training
    seed per network says nothing about how another seed would land."""
    a, b = torch.as_tensor(right_a, dtype=torch.bool), torch.as_tensor(right_b, dtype=torch.bool)
    if a.shape != b.shape or a.dim() != 1 or len(a) == 0:
        raise ValueError(f"right_a and right_b must be equal-length 1-d boolean sequences, "
                         f"got shapes {tuple(a.shape)} and {tuple(b.shape)}")
    discordant = (a ^ b).sum().item()
    return z * math.sqrt(discordant) / len(a)
