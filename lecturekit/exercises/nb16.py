"""Checkers for notebook 16 (architecture evolution, side by side)."""

from __future__ import annotations

import math

import torch
from torch import nn

from . import Failure, checker, compare_number, copy_tensors, rebuilds, require_callable, require_number

EXPECTED_ARCHITECTURES = {"1x1 convolutions": "NIN", "identity shortcuts": "ResNet",
                          "depthwise separable convolutions": "Xception",
                          "dense connections": "DenseNet"}


@checker("16.1", "the fall of the top-5 error")
def improvement(answer) -> str:
    return compare_number(answer, 16.4 / 3.57, "divide AlexNet's top-5 error by ResNet's.", rel=1e-3)


@checker("16.2", "which architecture made each idea standard")
def introduced_by(answer) -> str:
    if not isinstance(answer, dict):
        raise Failure("pass a dict from idea to architecture name.")
    for idea, expected in EXPECTED_ARCHITECTURES.items():
        if idea not in answer:
            raise Failure(f"the idea {idea!r} is missing.")
        if str(answer[idea]).strip().lower() != expected.lower():
            raise Failure(f"{idea!r}: not {answer[idea]!r}; look it up in lk.references.DESIGN_IDEAS.")
    return "all four are right."


@checker("16.3", "multiply-adds of one model against another")
def ratio(function) -> str:
    """Checks the function on pairs the notebook does not ask about, so a typed-in number for
    VGG-16 against ResNet-50 does not pass."""
    from .. import analysis, models

    require_callable(function, "mult_adds_ratio")
    shape = (1, 3, 224, 224)
    for a, b in (("resnet34", "resnet18"), ("alexnet", "resnet18")):
        expected = analysis.mult_adds(models.create(a), shape) / analysis.mult_adds(models.create(b), shape)
        got = require_number(function(a, b))
        if not math.isclose(got, expected, rel_tol=1e-3):
            direction = "too large" if got > expected else "too small"
            raise Failure(f"mult_adds_ratio({a!r}, {b!r}) is {direction}: divide mult_adds of the "
                          "first model by that of the second, each for a (1, 3, 224, 224) input.")
    return "the function gives the ratio for any two models of lk.models."


#: Exercise 16.5: a new last layer for the shipped ResNet-20, trained on at most 1,000 images,
#: must bring the whole network back to this accuracy on 1,000 test images the notebook never
#: uses (test images 5,000-5,999). The notebook's solution, a linear layer fitted to the frozen
#: features of 1,000 training images, reaches about 84% there; the shipped head, 92%.
HEAD_TARGET = 0.80
HELD_OUT = range(5000, 6000)


@rebuilds("lecturekit.models.resnet.CifarResNet")
def cifar_resnet_from_tensors(tensors: dict):
    """A ResNet-20 (the shipped architecture) rebuilt by the grader from the parameters and
    buffers the student's kernel sent."""
    from ..models import create

    return copy_tensors(create("resnet20_cifar"), tensors,
                        "lk.models.create('resnet20_cifar', pretrained=True)")


@checker("16.5", "a new last layer for the shipped ResNet-20, trained to a target")
def retrained_head(network) -> str:
    """The body must be the shipped one, parameters and batch-norm statistics alike; the last
    layer must be new; the whole network must reach HEAD_TARGET on held-out test images."""
    from .. import data, models

    if not isinstance(network, nn.Module):
        raise Failure("pass the network (an nn.Module), the shipped ResNet-20 with its new last layer.")
    shipped = models.create("resnet20_cifar", pretrained=True)
    theirs = {**dict(network.named_parameters()), **dict(network.named_buffers())}
    head = "head.2."
    for name, tensor in {**dict(shipped.named_parameters()), **dict(shipped.named_buffers())}.items():
        given = theirs.get(name)
        if not isinstance(given, torch.Tensor) or given.shape != tensor.shape:
            raise Failure(f"{name} is missing or has another shape: keep the shipped architecture "
                          "and replace only the last layer by an nn.Linear(64, 10).")
        same = torch.equal(given.detach().cpu().to(tensor.dtype), tensor)
        if name.startswith(head) and same and name.endswith("weight"):
            raise Failure("the last layer is still the shipped one: replace it by a new "
                          "nn.Linear(64, 10) and train that.")
        if not name.startswith(head) and not same:
            raise Failure(f"{name} differs from the shipped network's: only the last layer may "
                          "change (a frozen parameter does not stop training mode from updating "
                          "batch-norm statistics).")
    test = data.load("cifar10", train=False, limit=None, verbose=False)
    if test.is_substitute:
        raise Failure("this check needs the real CIFAR-10 test set (lk.data.load could not find it).")
    images, labels = test.tensors()
    images, labels = images[HELD_OUT.start:HELD_OUT.stop], labels[HELD_OUT.start:HELD_OUT.stop]
    network = network.cpu().eval()
    with torch.no_grad():
        accuracy = (network(images).argmax(1) == labels).float().mean().item()
    if accuracy < HEAD_TARGET:
        raise Failure(f"on 1,000 test images the network scores {100 * accuracy:.1f}%, below the "
                      f"target of {100 * HEAD_TARGET:.0f}%: train the new layer longer or better.")
    return (f"the body is the shipped one and the network scores {100 * accuracy:.1f}% on 1,000 "
            f"test images it was never shown (target {100 * HEAD_TARGET:.0f}%).")
