"""What a network computes, layer by layer, and what a trained one has learned.

* :class:`NetworkProbe` / :func:`layer_report`: for any ``nn.Module`` and one image, every
  named layer's output shape, parameters, multiply-adds, receptive field and feature maps,
  and the input region one unit sees. The network is traced once with ``torch.fx``; the
  receptive field is carried along the traced graph (through residual additions and dense
  concatenations), not read off a list of layers, so it is right for ResNets and DenseNets.
* :func:`first_layer_filters_figure`, :func:`feature_maps_figure`: the slide's "end-to-end learning"
  picture (Zeiler & Fergus, 2014, arXiv:1311.2901): edge and colour filters in the first
  layer, ever more abstract maps higher up.
* :func:`class_activation_map` (CAM: Zhou, Khosla, Lapedriza, Oliva & Torralba, 2016,
  arXiv:1512.04150) for networks ending in global average pooling and one linear layer, and
  :func:`grad_cam` (Selvaraju et al., 2017, arXiv:1610.02391) for any network; drawn by
  :func:`overlay_figure`.

These figures are made with pyplot, so a notebook shows them at the end of the cell (end the
line with ``;``); the explorers in :mod:`lecturekit.widgets` draw their own.

Intermediate outputs come from torchvision's
:func:`~torchvision.models.feature_extraction.create_feature_extractor` (layer names as in
:func:`~torchvision.models.feature_extraction.get_graph_node_names`), not from hand-written
hooks. A model that ``torch.fx`` cannot trace still gets shapes, parameters, multiply-adds
and feature maps (from forward hooks); only its receptive fields are then unknown.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.fx as fx
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from torchvision.models.feature_extraction import create_feature_extractor, get_graph_node_names

from .analysis import (
    INPUT_AXIS,
    Axis,
    _outputs_kept,
    _pair,
    count_parameters,
    evaluating,
    feature_maps,
    grow,
    module_window,
)

__all__ = [
    "NetworkProbe", "LayerReport", "layer_report", "as_batch", "first_layer_filters_figure",
    "layer_outputs", "feature_maps_figure", "CAMResult", "class_activation_map", "grad_cam",
    "overlay_figure", "show_image",
]


# --------------------------------------------------------------------------- inputs
def as_batch(image: torch.Tensor | np.ndarray, name: str = "image") -> torch.Tensor:
    """One image as a batch of one, ``1 x C x H x W`` float: accepts ``H x W`` (one channel),
    ``C x H x W`` or ``1 x C x H x W``."""
    if isinstance(image, np.ndarray):
        image = torch.from_numpy(image)
    if not isinstance(image, torch.Tensor):
        raise ValueError(f"{name} must be a tensor of shape CxHxW (or HxW, or 1xCxHxW), "
                         f"got {type(image).__name__}")
    if image.dim() == 2:
        image = image[None]
    if image.dim() == 3:
        image = image[None]
    if image.dim() != 4 or image.shape[0] != 1:
        raise ValueError(f"{name} must be one image of shape CxHxW (or HxW, or 1xCxHxW), "
                         f"got shape {tuple(image.shape)}")
    return image.float()


def _first_conv(model: nn.Module) -> tuple[str, nn.Conv2d] | None:
    return next(((n, m) for n, m in model.named_modules() if isinstance(m, nn.Conv2d)), None)


def _check_channels(model: nn.Module, x: torch.Tensor) -> None:
    first = _first_conv(model)
    if first is not None and first[1].in_channels != x.shape[1]:
        raise ValueError(f"image has {x.shape[1]} channel(s) but the model's first convolution "
                         f"'{first[0]}' expects {first[1].in_channels}; pass an image of shape "
                         f"{first[1].in_channels}x{x.shape[2]}x{x.shape[3]}")


def _model_device(model: nn.Module) -> torch.device:
    return next((p.device for p in model.parameters()), torch.device("cpu"))


def _choices(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


# --------------------------------------------------------------------------- receptive fields
# The rule of analysis.grow carried along the traced graph: a unit at index i of a feature map
# sees input rows lo + i*jump ... hi + i*jump (inclusive, before clipping to the image).
# jump = 0 means every unit sees the same rows (after global pooling or flattening); an
# addition or a concatenation takes the union of its inputs' fields.
def _union(axes: list[Axis]) -> Axis:
    return max(a[0] for a in axes), min(a[1] for a in axes), max(a[2] for a in axes)


def _whole(axis: Axis, length: int) -> Axis:
    """The span of all ``length`` units: what one unit after global pooling sees."""
    jump, lo, hi = axis
    return 0, lo, hi + (length - 1) * jump


_CONSTANT = object()   # marks nodes that do not depend on the image (weights, constants)


class _Stop(Exception):
    """Raised to end a forward pass once the wanted layer has run."""

    def __init__(self, value):
        super().__init__()
        self.value = value


class _Tracer(fx.Tracer):
    """torch.fx's tracer, also recording which graph node is the output of each named module
    (containers included) and the order in which modules are called."""

    def __init__(self) -> None:
        super().__init__()
        self.module_nodes: dict[str, fx.Node] = {}

    def call_module(self, m, forward, args, kwargs):
        try:
            name = self.path_of_module(m)
        except NameError:        # made on the fly (e.g. ``self.blocks[2:]``): trace through it
            if self.is_leaf_module(m, ""):
                raise
            return forward(*args, **kwargs)
        if name:
            self.module_nodes.setdefault(name, None)   # call order: parents first
        out = super().call_module(m, forward, args, kwargs)
        if name and self.module_nodes[name] is None and isinstance(out, fx.Proxy):
            self.module_nodes[name] = out.node
        return out


class _Walker(fx.Interpreter):
    """Runs the traced graph, recording each node's output shape and receptive field; stops
    at ``stop_at`` (raising :class:`_Stop` with that node's output)."""

    def __init__(self, module: fx.GraphModule, stop_at: fx.Node | None = None) -> None:
        super().__init__(module)
        self.stop_at = stop_at
        self.fields: dict[str, tuple[Axis, Axis] | None] = {}
        self.shapes: dict[str, tuple[int, ...]] = {}

    def run_node(self, n: fx.Node):
        result = super().run_node(n)
        if isinstance(result, torch.Tensor):
            self.shapes[n.name] = tuple(result.shape)
            if self.stop_at is None:
                found = self._field(n, result)
                if found is not _CONSTANT:
                    self.fields[n.name] = found
        if n is self.stop_at:
            raise _Stop(result)
        return result

    def _window(self, n: fx.Node, args, kwargs):
        """(kernel, stride, padding, dilation) pairs of a windowed operation, or None."""
        if n.op == "call_module":
            m = self.module.get_submodule(n.target)
            window = module_window(m)
            if window is not None:
                return window
            if isinstance(m, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
                return self._adaptive(args[0])
            return None
        if n.op != "call_function":
            return None
        values = dict(kwargs)
        if n.target is F.conv2d:
            names = ["input", "weight", "bias", "stride", "padding", "dilation"]
            values.update(zip(names, args))
            kernel = tuple(values["weight"].shape[-2:])
            dilation = _pair(values.get("dilation"), 1)
            padding = values.get("padding", 0)
            if padding == "valid":
                padding = 0
            elif padding == "same":
                padding = tuple(d * (k - 1) // 2 for k, d in zip(kernel, dilation))
            return kernel, _pair(values.get("stride"), 1), _pair(padding, 0), dilation
        if n.target in (F.max_pool2d, F.avg_pool2d, torch.max_pool2d):
            names = ["input", "kernel_size", "stride", "padding"]
            names += ["dilation"] if n.target in (F.max_pool2d, torch.max_pool2d) else []
            values.update(zip(names, args))
            kernel = _pair(values["kernel_size"], None)
            stride = values.get("stride")
            stride = _pair(stride, kernel) if stride not in (None, [], ()) else kernel
            return kernel, stride, _pair(values.get("padding"), 0), _pair(values.get("dilation"), 1)
        if n.target in (F.adaptive_avg_pool2d, F.adaptive_max_pool2d):
            return self._adaptive(args[0])
        if n.target is operator.getitem and isinstance(args[1], tuple) and len(args[1]) == 4 \
                and all(isinstance(s, slice) for s in args[1]):
            spatial = args[1][2:]
            if any((s.start or 0) < 0 for s in spatial):
                return None
            step = tuple(s.step or 1 for s in spatial)
            start = tuple(-(s.start or 0) for s in spatial)
            return (1, 1), step, start, (1, 1)
        if n.target is F.pad or getattr(n.target, "__name__", "") == "pad":
            pad = list(values.get("pad", args[1] if len(args) > 1 else ()))
            if len(pad) < 2:
                return None
            left, top = pad[0], pad[2] if len(pad) >= 4 else 0
            return (1, 1), (1, 1), (top, left), (1, 1)
        return None

    @staticmethod
    def _adaptive(x: torch.Tensor):
        return None if x.dim() != 4 else ("adaptive", tuple(x.shape[-2:]))

    def _field(self, n: fx.Node, result: torch.Tensor):
        if n.op == "placeholder":
            return INPUT_AXIS, INPUT_AXIS
        inputs = [a for a in n.all_input_nodes if a.name in self.fields]
        if n.op == "get_attr" or not inputs:
            return _CONSTANT         # a parameter, or computed from parameters only
        fields = [self.fields[a.name] for a in inputs]
        if any(f is None for f in fields):
            return None
        args, kwargs = self.fetch_args_kwargs_from_env(n)
        window = self._window(n, args, kwargs)
        if window is not None and window[0] == "adaptive":
            (h, w), (oh, ow) = window[1], tuple(result.shape[-2:])
            if h % oh or w % ow:
                return None
            window = (h // oh, w // ow), (h // oh, w // ow), (0, 0), (1, 1)
        if window is not None:
            kernel, stride, padding, dilation = window
            return tuple(grow(fields[0][i], kernel[i], stride[i], padding[i], dilation[i])
                         for i in range(2))
        spatial = [(a, f) for a, f in zip(inputs, fields) if len(self.shapes.get(a.name, ())) == 4]
        if result.dim() == 4:
            if any(self.shapes[a.name][-2:] != tuple(result.shape[-2:]) for a, _ in spatial):
                return None        # an operation we do not know changed the map size
            return tuple(_union([f[i] for f in fields]) for i in range(2))
        wholes = [tuple(_whole(f[i], self.shapes[a.name][2 + i]) for i in range(2))
                  for a, f in spatial]
        wholes += [f for a, f in zip(inputs, fields) if len(self.shapes.get(a.name, ())) != 4]
        return tuple(_union([f[i] for f in wholes]) for i in range(2))


# --------------------------------------------------------------------------- the layer report
@dataclass
class LayerReport:
    """One layer of a network for one image: what the network explorer shows."""

    model_name: str
    layer: str
    kind: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    parameters: int
    mult_adds: int
    activation: torch.Tensor                       # the layer's output, batch dimension removed
    image_size: tuple[int, int]
    field: tuple[Axis, Axis] | None = None         # per axis (jump, lo, hi); None: unknown
    note: str = ""

    @property
    def receptive_field(self) -> tuple[int, int] | None:
        """Height and width, in input pixels, of the region one unit sees (before clipping
        to the image), or None where it could not be computed."""
        return None if self.field is None else tuple(hi - lo + 1 for _, lo, hi in self.field)

    @property
    def jump(self) -> tuple[int, int] | None:
        """Input pixels between neighbouring units (0 after global pooling)."""
        return None if self.field is None else tuple(a[0] for a in self.field)

    @property
    def spatial(self) -> bool:
        return self.activation.dim() == 3

    def region(self, row: int = 0, col: int = 0) -> tuple[int, int, int, int] | None:
        """(top, left, bottom, right), inclusive, of the image pixels that unit (row, col)
        sees, clipped to the image; None where the receptive field is unknown."""
        if self.field is None:
            return None
        (jh, lh, hh), (jw, lw, hw) = self.field
        height, width = self.image_size
        return (max(0, lh + row * jh), max(0, lw + col * jw),
                min(height - 1, hh + row * jh), min(width - 1, hw + col * jw))

    def html(self) -> str:
        shape = "x".join(map(str, self.output_shape))
        if self.receptive_field is None:
            field_text = "not computed" + (f" ({self.note})" if self.note else "")
        else:
            (rh, rw), (jh, jw) = self.receptive_field, self.jump
            single = (jh, jw) == (0, 0) or tuple(self.output_shape[-2:]) == (1, 1)
            field_text = (f"<b>{rh}x{rw}</b> input pixels" + (
                " (every unit sees the whole input)" if single
                else f", neighbouring units {jh}x{jw} pixels apart"))
        return (f"<b>{self.layer}</b> ({self.kind}) of {self.model_name}: output "
                f"<b>{shape}</b> &nbsp;|&nbsp; parameters <b>{self.parameters:,}</b> "
                f"&nbsp;|&nbsp; multiply-adds <b>{self.mult_adds:,}</b> &nbsp;|&nbsp; "
                f"receptive field {field_text}")


class NetworkProbe:
    """Any ``nn.Module`` and one image, measured once: every named layer's output shape,
    parameters, multiply-adds and receptive field; feature maps on demand (cached).

    Raises ``ValueError`` (one sentence) when the image does not fit the model.
    """

    #: Feature maps kept from the measuring pass (bytes); DenseNet-121 at 224x224 needs about
    #: 160 MB for all its layers.
    CACHE_BYTES = 256 * 2**20

    def __init__(self, model: nn.Module, image: torch.Tensor) -> None:
        if not isinstance(model, nn.Module):
            raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        self.model = model
        self.name = type(model).__name__
        self.device = _model_device(model)
        self.x = as_batch(image).to(self.device)
        _check_channels(model, self.x)
        self.image_size = tuple(self.x.shape[-2:])
        self._cache: dict[str, torch.Tensor] = {}
        self.shapes, self.inputs, self.kinds, flops = self._measure()
        self.mult_adds = {k: sum(v.values()) // 2 for k, v in flops.items()}
        self.layers = [name for name in self.shapes]
        self.graph, self.nodes, self.fields, self.note = self._trace()

    def _measure(self):
        """One forward pass under torch's FLOP counter, with hooks noting each module's input
        and output shapes (first call)."""
        shapes, inputs, kinds, order = {}, {}, {}, {}

        def note_order(name):
            def pre_hook(_module, _args):
                order.setdefault(name, len(order))
            return pre_hook

        cached = [0]

        def hook_for(name):
            def hook(module, args, output):
                out = output[0] if isinstance(output, (tuple, list)) and output else output
                if name not in shapes and isinstance(out, torch.Tensor):
                    shapes[name], kinds[name] = tuple(out.shape), type(module).__name__
                    first = next((a for a in args if isinstance(a, torch.Tensor)), None)
                    inputs[name] = tuple(first.shape) if first is not None else ()
                    # Keep the feature maps of this one pass (a copy: later in-place layers may
                    # overwrite the tensor), so that choosing a layer redraws without a forward
                    # pass; beyond the budget, a layer's maps are computed when it is chosen.
                    size = out[0].numel() * 4
                    if out.dim() > 0 and cached[0] + size <= self.CACHE_BYTES:
                        self._cache[name] = out[0].detach().float().cpu().clone()
                        cached[0] += size
            return hook

        named = [(n, m) for n, m in self.model.named_modules() if n]
        handles = [m.register_forward_hook(hook_for(n)) for n, m in named]
        handles += [m.register_forward_pre_hook(note_order(n)) for n, m in named]
        try:
            with evaluating(self.model), torch.no_grad(), FlopCounterMode(display=False) as counter:
                self.model(self.x)
        except Exception as error:   # any failure of the model on this input: say it in one line
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ValueError(f"image of shape {tuple(self.x.shape)} does not fit {self.name}: "
                             f"{first_line[:200]}") from None
        finally:
            for h in handles:
                h.remove()
        flops = {k.split(".", 1)[1]: v for k, v in counter.get_flop_counts().items() if "." in k}
        shapes = {n: shapes[n] for n in sorted(shapes, key=order.get)}   # in call order
        return shapes, inputs, kinds, flops

    def _trace(self):
        """Trace with torch.fx and walk the graph once for the receptive fields."""
        tracer = _Tracer()
        try:
            with evaluating(self.model):
                graph = tracer.trace(self.model)
                module = fx.GraphModule(self.model, graph)
                walker = _Walker(module)
                with torch.no_grad():
                    walker.run(self.x)
        except Exception as error:
            return None, {}, {}, f"torch.fx could not trace the model: {type(error).__name__}"
        return module, tracer.module_nodes, walker.fields, ""

    def check_layer(self, layer: str) -> str:
        if layer not in self.shapes:
            raise ValueError(f"layer {layer!r} is not a layer of {self.name}; choose one of: "
                             f"{_choices(self.layers)}")
        return layer

    def activation(self, layer: str) -> torch.Tensor:
        """The output of ``layer`` for the image (batch dimension removed, on the CPU)."""
        self.check_layer(layer)
        if layer not in self._cache:
            self._cache[layer] = self._run_to(layer)[0].detach().float().cpu()
        return self._cache[layer]

    def _run_to(self, layer: str) -> torch.Tensor:
        node = self.nodes.get(layer)
        with evaluating(self.model), torch.no_grad():
            if self.graph is not None and node is not None:
                try:
                    _Walker(self.graph, stop_at=node).run(self.x)
                except _Stop as stop:
                    return stop.value.clone()
            module = self.model.get_submodule(layer)     # untraced model: a hook that stops the pass

            def stop(_module, _args, output):
                raise _Stop(output[0] if isinstance(output, (tuple, list)) else output)

            handle = module.register_forward_hook(stop)
            try:
                self.model(self.x)
            except _Stop as stopped:
                return stopped.value.clone()
            finally:
                handle.remove()
        raise ValueError(f"layer {layer!r} did not run when {self.name} processed the image")

    def report(self, layer: str) -> LayerReport:
        self.check_layer(layer)
        node = self.nodes.get(layer)
        field_ = self.fields.get(node.name) if node is not None else None
        note = self.note or ("" if field_ is not None else "an operation on the way is not a "
                             "convolution, pooling, padding or element-wise step")
        module = self.model.get_submodule(layer)
        return LayerReport(self.name, layer, self.kinds[layer], self.inputs[layer],
                           self.shapes[layer], count_parameters(module, trainable_only=False),
                           self.mult_adds.get(layer, 0), self.activation(layer),
                           self.image_size, field_, note)


def layer_report(model: nn.Module, image: torch.Tensor, layer: str) -> LayerReport:
    """Output shape, parameters, multiply-adds, receptive field and feature maps of ``layer``
    (a name from ``model.named_modules()``) for ``image``."""
    return NetworkProbe(model, image).report(layer)


# --------------------------------------------------------------------------- drawing helpers
def show_image(ax, image: torch.Tensor, title: str = "") -> None:
    """An image tensor (CxHxW, any normalization) on an axis: grey for one channel, RGB for
    three, each scaled to its own minimum and maximum."""
    img = as_batch(image)[0].detach().cpu()
    low, high = img.min(), img.max()
    img = (img - low) / (high - low) if high > low else img * 0
    if img.shape[0] == 3:
        ax.imshow(img.permute(1, 2, 0).numpy())
    else:
        ax.imshow(img[0].numpy(), cmap="gray")
    ax.set(xticks=[], yticks=[], title=title)


def _signed_limit(values: torch.Tensor) -> float:
    return float(values.abs().max()) or 1.0


# --------------------------------------------------------------------------- learned filters
def first_layer_filters_figure(model: nn.Module, ncols: int = 8, title: str | None = None) -> Figure:
    """The filters of the first convolution: RGB pictures for a colour input (weights scaled
    so 0 is mid-grey), a signed colour map with a colour bar for one channel."""
    first = _first_conv(model)
    if first is None:
        raise ValueError(f"model {type(model).__name__} has no nn.Conv2d layer to show")
    name, conv = first
    w = conv.weight.detach().float().cpu()
    count = w.shape[0]
    ncols = min(ncols, count)
    nrows = -(-count // ncols)
    fig = plt.figure(figsize=(1.1 * ncols + 1.2, 1.15 * nrows + 0.7), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    limit = _signed_limit(w)
    image = None
    for i, ax in enumerate(axes.flat):
        ax.set(xticks=[], yticks=[])
        if i >= count:
            ax.axis("off")
            continue
        if w.shape[1] == 3:
            ax.imshow((w[i] / (2 * _signed_limit(w[i])) + 0.5).permute(1, 2, 0).numpy())
        else:
            image = ax.imshow(w[i, 0].numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"{i}", fontsize=8)
    if image is not None:
        fig.colorbar(image, ax=axes, shrink=0.8, label="weight")
    fig.suptitle(title or f"first-layer filters of {type(model).__name__} ('{name}': "
                 f"{count} filters {w.shape[1]}x{w.shape[2]}x{w.shape[3]})", fontsize=10)
    return fig


# --------------------------------------------------------------------------- feature maps
def _node_names(model: nn.Module) -> list[str]:
    with evaluating(model):
        return get_graph_node_names(model)[1]


def _check_nodes(model: nn.Module, layers: list[str], argument: str = "layers",
                 names: list[str] | None = None) -> None:
    names = _node_names(model) if names is None else names
    for layer in layers:
        if layer not in names and not any(n.startswith(layer + ".") for n in names):
            raise ValueError(f"{argument}: {layer!r} is not a layer of {type(model).__name__}; "
                             f"choose one of: {_choices(names)}")


def layer_outputs(model: nn.Module, image: torch.Tensor, layers: list[str]) -> dict[str, torch.Tensor]:
    """The outputs of ``layers`` (names from ``get_graph_node_names(model)``, or module names)
    for one image, batch dimension removed, as float tensors on the CPU: a thin wrapper over
    :func:`lecturekit.analysis.feature_maps`, which computes them (with torch.fx) for a batch."""
    x = as_batch(image).to(_model_device(model))
    _check_channels(model, x)
    _check_nodes(model, list(layers))
    maps = feature_maps(model, x, list(layers))
    return {name: a[0].float().cpu() for name, a in maps.items()}


def _default_layers(model: nn.Module, count: int = 4) -> list[str]:
    """Up to ``count`` convolutions spread from the first to the last (low to high level)."""
    convs = {n for n, m in model.named_modules() if isinstance(m, nn.Conv2d)}
    ordered = [n for n in _node_names(model) if n in convs]
    if not ordered:
        raise ValueError(f"model {type(model).__name__} has no nn.Conv2d layer; pass layers=[...]")
    if len(ordered) <= count:
        return ordered
    return [ordered[round(i * (len(ordered) - 1) / (count - 1))] for i in range(count)]


def feature_maps_figure(model: nn.Module, image: torch.Tensor, layers: list[str] | None = None,
                        max_maps: int = 8, title: str | None = None) -> Figure:
    """The image, then one row per layer (low to high level) with its ``max_maps`` most active
    feature maps (largest mean activation), each labelled with its channel."""
    layers = list(layers) if layers is not None else _default_layers(model)
    maps = layer_outputs(model, image, layers)
    ncols = max_maps + 1
    fig = plt.figure(figsize=(1.05 * ncols + 0.6, 1.15 * len(layers) + 0.6), layout="constrained")
    axes = fig.subplots(len(layers), ncols, squeeze=False)
    for ax in axes.flat:
        ax.set(xticks=[], yticks=[])
    show_image(axes[0, 0], image, "input")
    for ax in axes[1:, 0]:
        ax.axis("off")
    for row, (name, a) in zip(axes, maps.items()):
        if a.dim() != 3:
            raise ValueError(f"layers: {name!r} has output shape {tuple(a.shape)}, not feature maps "
                             f"(channels x height x width); choose a convolutional layer")
        order = a.mean((1, 2)).argsort(descending=True)[:max_maps].tolist()
        for ax, channel in zip(row[1:], order):
            ax.imshow(a[channel].numpy(), cmap="viridis")
            ax.set_title(f"#{channel}", fontsize=7)
        for ax in row[1 + len(order):]:
            ax.axis("off")
        row[1].set_ylabel(f"{name}\n{a.shape[0]}@{a.shape[1]}x{a.shape[2]}", fontsize=8)
    fig.suptitle(title or f"feature maps of {type(model).__name__}, low level (top) to high "
                 f"level (bottom): the {max_maps} most active maps of each layer", fontsize=10)
    return fig


# --------------------------------------------------------------------------- class activation maps
@dataclass
class CAMResult:
    """A class activation map: ``map`` over the positions of ``layer``, for class ``target``
    whose logit is ``score``."""

    method: str                 # "CAM" or "Grad-CAM"
    layer: str
    target: int
    score: float
    map: torch.Tensor           # h x w
    image_size: tuple[int, int]
    probabilities: torch.Tensor = field(repr=False, default=None)

    def upsampled(self) -> torch.Tensor:
        """The map stretched (bilinearly) to the image's size, for overlaying."""
        return F.interpolate(self.map[None, None], size=self.image_size, mode="bilinear",
                             align_corners=False)[0, 0]


def _features_and_logits(model: nn.Module, x: torch.Tensor, layer: str | None):
    """The feature maps of ``layer`` (default: the last layer whose output still has a height
    and width, i.e. before the global pooling) and the logits, from one feature extractor (so
    that gradients flow from the logits to the feature maps). Returns (layer, features, logits)."""
    names = _node_names(model)
    if layer is None:
        candidates = names[max(1, len(names) - 16):-1]
    else:
        _check_nodes(model, [layer], "layer", names)
        candidates = [layer]
    return_nodes = {n: n for n in candidates if n != names[-1]}
    return_nodes[names[-1]] = "logits"
    with evaluating(model), _outputs_kept(model):
        out = create_feature_extractor(model, return_nodes=return_nodes)(x)
    logits = out.pop("logits")
    if not isinstance(logits, torch.Tensor) or logits.dim() != 2:
        raise ValueError(f"model {type(model).__name__} must end in class scores (batch x classes)")
    spatial = [n for n, v in out.items() if isinstance(v, torch.Tensor) and v.dim() == 4
               and v.shape[-2] * v.shape[-1] > 1]
    if layer is not None and layer not in spatial:
        raise ValueError(f"layer: {layer!r} has output shape {tuple(out[layer].shape)}, not feature "
                         f"maps larger than 1x1; choose a layer before the global pooling")
    if not spatial:
        raise ValueError(f"layer: no layer near the end of {type(model).__name__} has feature "
                         f"maps larger than 1x1; pass layer=... (a name from get_graph_node_names)")
    return spatial[-1], out[spatial[-1]], logits


def _target(target: int | None, logits: torch.Tensor) -> int:
    classes = logits.shape[1]
    if target is None:
        return int(logits[0].argmax())
    if not isinstance(target, int) or not 0 <= target < classes:
        raise ValueError(f"target must be a class index from 0 to {classes - 1}, got {target!r}")
    return target


def _prepare(model, image) -> torch.Tensor:
    x = as_batch(image).to(_model_device(model))
    _check_channels(model, x)
    return x


def class_activation_map(model: nn.Module, image: torch.Tensor, target: int | None = None,
                         layer: str | None = None) -> CAMResult:
    """CAM (Zhou et al., 2016): for a network whose logits are ``W @ mean(A) + b``, A the
    feature maps of ``layer`` (default: the last one with a height and width), the map of class
    c is ``sum_k W[c, k] A_k``; its mean plus ``b[c]`` is exactly the logit. Networks whose last
    maps are already the class scores (NiN: a 1x1 convolution to the classes, then pooling)
    give ``A_c`` itself. Raises ``ValueError`` for other networks: use :func:`grad_cam`."""
    x = _prepare(model, image)
    with torch.no_grad():
        layer, features, logits = _features_and_logits(model, x, layer)
    pooled = features.mean((2, 3))
    tolerance = 1e-4 * max(1.0, float(logits.abs().max()))
    linear = [m for m in model.modules() if isinstance(m, nn.Linear)]
    weights = None
    if linear and linear[-1].in_features == pooled.shape[1]:
        with torch.no_grad():
            if torch.allclose(linear[-1](pooled), logits, atol=tolerance, rtol=0):
                weights = linear[-1].weight.detach()
    elif pooled.shape[1] == logits.shape[1] and torch.allclose(pooled, logits, atol=tolerance, rtol=0):
        weights = torch.eye(logits.shape[1], device=pooled.device)
    if weights is None:
        raise ValueError(f"model: class_activation_map needs a network that ends in global average "
                         f"pooling of layer {layer!r} and one linear layer, which "
                         f"{type(model).__name__} does not; use grad_cam(model, image) instead")
    target = _target(target, logits)
    cam = torch.einsum("k,khw->hw", weights[target].to(features.dtype), features[0])
    return CAMResult("CAM", layer, target, float(logits[0, target]), cam.detach().float().cpu(),
                     tuple(x.shape[-2:]), logits[0].softmax(0).detach().cpu())


def grad_cam(model: nn.Module, image: torch.Tensor, target: int | None = None,
             layer: str | None = None) -> CAMResult:
    """Grad-CAM (Selvaraju et al., 2017): weight each feature map of ``layer`` by the mean
    gradient of the class logit with respect to it, sum, keep the positive part. Works for any
    network; for global-average-pooling + linear networks it is CAM's positive part divided
    by the number of positions."""
    x = _prepare(model, image)
    with torch.enable_grad():
        layer, features, logits = _features_and_logits(model, x, layer)
        target = _target(target, logits)
        (gradient,) = torch.autograd.grad(logits[0, target], features)
    weights = gradient[0].mean((1, 2))
    cam = torch.relu(torch.einsum("k,khw->hw", weights, features[0].detach()))
    return CAMResult("Grad-CAM", layer, target, logits[0, target].item(), cam.float().cpu(),
                     tuple(x.shape[-2:]), logits[0].softmax(0).detach().cpu())


def overlay_figure(image: torch.Tensor, result: CAMResult, classes: list[str] | None = None,
                   title: str | None = None) -> Figure:
    """The image, the class activation map at the layer's resolution (with a colour bar;
    symmetric limits for a signed CAM), and the map stretched over the image."""
    fig = plt.figure(figsize=(9.6, 3.4), layout="constrained")
    axes = fig.subplots(1, 3)
    label = classes[result.target] if classes else f"class {result.target}"
    show_image(axes[0], image, "input")
    signed = bool((result.map < 0).any())
    limit = _signed_limit(result.map)
    shown = axes[1].imshow(result.map.numpy(), cmap="RdBu_r" if signed else "inferno",
                           vmin=-limit if signed else 0, vmax=limit)
    h, w = result.map.shape
    axes[1].set(xticks=[], yticks=[], title=f"{result.method} at '{result.layer}' ({h}x{w})")
    fig.colorbar(shown, ax=axes[1], shrink=0.85)
    show_image(axes[2], image, f"overlay: where '{label}' is seen")
    heat = result.upsampled().clamp(min=0)
    axes[2].imshow(heat.numpy(), cmap="inferno", alpha=0.55, vmin=0, vmax=float(heat.max()) or 1.0)
    probability = "" if result.probabilities is None else \
        f", probability {float(result.probabilities[result.target]):.2f}"
    fig.suptitle(title or f"{result.method} for '{label}' (logit {result.score:.2f}{probability})",
                 fontsize=10)
    return fig


def cam_grid_figure(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                    classes: list[str], method: str = "CAM", title: str | None = None) -> Figure:
    """Several images, each with the map of the class the network predicts stretched over it
    and its true label in the title (a right answer in black, a wrong one in red): where a
    trained network looks, image by image. ``method``: "CAM" or "Grad-CAM"."""
    compute = {"CAM": class_activation_map, "Grad-CAM": grad_cam}
    if method not in compute:
        raise ValueError(f"method must be one of {sorted(compute)}, got {method!r}")
    if not isinstance(images, torch.Tensor) or images.dim() != 4:
        shape = getattr(images, "shape", type(images).__name__)
        raise ValueError(f"images must be a tensor of shape NxCxHxW, got {shape}")
    if len(labels) != len(images):
        raise ValueError(f"labels: {len(labels)} labels for {len(images)} images")
    fig = plt.figure(figsize=(1.9 * len(images), 4.3), layout="constrained")
    axes = fig.subplots(2, len(images), squeeze=False)
    for column, (image, label) in enumerate(zip(images, labels.tolist())):
        result = compute[method](model, image)
        right = result.target == label
        show_image(axes[0][column], image, f"true: {classes[label]}")
        heat = result.upsampled().clamp(min=0)
        show_image(axes[1][column], image, f"seen: {classes[result.target]}")
        axes[1][column].imshow(heat.numpy(), cmap="inferno", alpha=0.55, vmin=0,
                               vmax=float(heat.max()) or 1.0)
        axes[1][column].title.set_color("black" if right else "#c0392b")
    h, w = result.map.shape
    fig.suptitle(title or f"{method} of the predicted class at '{result.layer}' ({h}x{w}, stretched "
                 f"over the image; red: a wrong prediction)", fontsize=10)
    return fig
