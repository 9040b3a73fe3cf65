"""The model zoo: ``create(name, **kwargs)`` builds a registered model, ``list_models()``
lists the names. One file per model family; each builder's docstring gives the paper and its
year. Published figures live in :mod:`lecturekit.references`; an entry whose network
torchvision also builds names that twin (``entry(name).torchvision``), and the counts agree
exactly (tests/models/test_registry.py).

Every builder takes keyword arguments only, ``num_classes`` and ``in_channels`` first:
``lk.models.create("resnet50", num_classes=10)`` or ``resnet.resnet50(num_classes=10)``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from torch import nn

from .. import _deprecation, references
from .. import _validate as check


@dataclass(frozen=True)
class ModelEntry:
    name: str
    builder: Callable[..., nn.Module]
    family: str
    paper: str                      # key into lecturekit.references.PAPERS
    input_shape: tuple[int, int, int]
    torchvision: str | None = None  # torchvision's builder of the same network, if it has one
    torchvision_options: dict[str, Any] = field(default_factory=dict)  # ...called with these
    recipe: dict[str, Any] = field(default_factory=dict)  # a training recipe that works

    @property
    def summary(self) -> str:
        return (self.builder.__doc__ or "").strip().splitlines()[0]

    @property
    def paper_parameters(self) -> int | None:
        """Deprecated: ``lk.references.entry(name).published("parameters")``, the one way to a
        published figure."""
        _deprecation.warn("ModelEntry.paper_parameters",
                          'lk.references.entry(name).published("parameters").value')
        return self._printed_parameters

    @property
    def _printed_parameters(self) -> int | None:
        figure = references.entry(self.name).published("parameters", default=None)
        return None if figure is None else round(figure.value)

    @property
    def torchvision_parameters(self) -> int | None:
        """The exact parameter count of torchvision's twin of this network, or None."""
        if self.torchvision is None:
            return None
        return _torchvision_count(self.torchvision, tuple(sorted(self.torchvision_options.items())))

    @property
    def reference_parameters(self) -> int | None:
        """The count to compare ours with: torchvision's exact count where torchvision builds
        the same network, else the paper's printed figure, else None."""
        exact = self.torchvision_parameters
        return exact if exact is not None else self._printed_parameters


@functools.cache
def _torchvision_count(name: str, options: tuple) -> int:
    """Parameters of ``torchvision.models.<name>(**options)``, built on the meta device (no
    memory for the weights, no initialisation time)."""
    import torch
    import torchvision

    with torch.device("meta"):
        model = torchvision.models.get_model(name, weights=None, **dict(options))
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


_REGISTRY: dict[str, ModelEntry] = {}
#: Old names, kept as aliases that warn: ``_cifar`` is for the CIFAR-10 networks the papers
#: describe, ``_small`` for the course's class-scale variants (README, "Model names").
OLD_NAMES: dict[str, str] = {
    "alexnet_cifar": "alexnet_small", "nin_cifar": "nin_small", "vgg_cifar": "vgg_small",
    "googlenet_cifar": "googlenet_small", "inception_bn_cifar": "inception_bn_small",
    "separable_cifar": "separable_small", "preact_resnet20_cifar": "preact_resnet_small",
}


def canonical(name: Any) -> Any:
    """``name``, or for an old name (``OLD_NAMES``; with a tag, ``"nin_cifar.tag"``) its new
    name, with a DeprecationWarning."""
    if not isinstance(name, str):
        return name
    model, dot, tag = name.partition(".")
    if model not in OLD_NAMES:
        return name
    _deprecation.warn(f"the model name {model!r}", repr(OLD_NAMES[model]))
    return OLD_NAMES[model] + dot + tag


def register(name: str, *, family: str, paper: str, input_shape: tuple[int, int, int],
             torchvision: str | None = None, torchvision_options: dict | None = None,
             recipe: dict | None = None, doc: str | None = None) -> Callable:
    """Decorator that adds a builder to the zoo under ``name``; ``torchvision`` names
    torchvision's builder of the same network. Builders made in a loop (one per
    configuration) pass their docstring as ``doc``."""
    def add(builder: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
        if name in _REGISTRY:
            raise ValueError(f"model {name!r} is registered twice")
        if doc is not None:
            builder.__doc__, builder.__name__ = doc, name
        _REGISTRY[name] = ModelEntry(name, builder, family, paper, input_shape, torchvision,
                                     torchvision_options or {}, recipe or {})
        return builder
    return add


def he_init_(model: nn.Module, mode: str = "fan_out") -> nn.Module:
    """He initialization (He et al. 2015, arXiv:1502.01852) of every convolution of ``model``,
    in place: weights from a normal distribution of variance 2 / fan, where fan counts the
    inputs (``mode="fan_in"``) or, as ResNet's and torchvision's code do, the outputs
    (``"fan_out"``) of a unit: channels x kernel height x kernel width."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode=mode, nonlinearity="relu")
    return model


def list_models(family: str | None = None) -> list[str]:
    """Registered model names (of one family, if given), in registration order."""
    if family is not None:
        families = dict.fromkeys(e.family for e in _REGISTRY.values())
        check.choice(family, families, "family", "model family")
    return [n for n, e in _REGISTRY.items() if family is None or e.family == family]


def list_pretrained() -> list[str]:
    """Names that ``create(name, pretrained=True)`` loads trained CIFAR-10 weights for."""
    from . import pretrained as shipped

    return shipped.list_pretrained()


def entry(name: str) -> ModelEntry:
    """The registry's record of model ``name``: builder, family, paper, input shape, recipe."""
    return _REGISTRY[check.choice(canonical(name), _REGISTRY, "name", "model",
                                  see=f"lk.models.list_models() for all {len(_REGISTRY)}")]


def create(name: str, pretrained: bool = False, **kwargs: Any) -> nn.Module:
    """Build the model registered as ``name``; keyword arguments go to its builder. With
    ``pretrained=True``, load the CIFAR-10 weights that ship with the course (timm's way:
    ``name`` may carry a tag, ``"resnet56_cifar.degradation"``); the network comes in eval
    mode and :func:`lecturekit.pretrained.record` tells how it was trained."""
    check.flag(pretrained, "pretrained")
    name = canonical(name)
    if pretrained or (isinstance(name, str) and "." in name):
        from . import pretrained as shipped

        if not pretrained:
            raise ValueError(f"name {name!r} carries a tag, which names trained weights; pass "
                             f"pretrained=True or drop the tag")
        return shipped.build(name, **kwargs)
    builder = entry(name).builder
    accepted = [p.name for p in inspect.signature(builder).parameters.values()
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    for key in kwargs:
        if key not in accepted:
            matches = check.closest(key, accepted)
            near = f" (closest: {', '.join(matches)})" if matches else ""
            raise TypeError(f"{name} has no argument {key!r}{near}; it takes "
                            f"{', '.join(accepted)}")
    for key in ("num_classes", "in_channels"):
        if key in kwargs:
            check.integer(kwargs[key], key, 1)
    return builder(**kwargs)


# Each module registers its family; the order is the order of list_models().
from . import lenet, alexnet, nin, vgg, googlenet, inception, xception  # noqa: E402, F401, I001
from . import resnet, wide_resnet, resnext, densenet, mobilenet  # noqa: E402, F401, I001
