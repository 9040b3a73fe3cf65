"""Checkers for notebook 16 (architecture evolution, side by side)."""

from __future__ import annotations

import math

from . import Failure, checker, compare_number, require_callable, require_number

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
