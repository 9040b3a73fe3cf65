"""Checkers for notebook 16 (architecture evolution, side by side)."""

from __future__ import annotations

from . import Failure, checker, compare_number

EXPECTED_ARCHITECTURES = {"1x1 convolutions": "NIN", "identity shortcuts": "ResNet",
                          "depthwise separable convolutions": "Xception",
                          "dense connections": "DenseNet"}


@checker("16.1", "the fall of the top-5 error")
def improvement(answer) -> str:
    return compare_number(answer, 16.4 / 3.57, "divide AlexNet's top-5 error by ResNet's.", rel=1e-3)


@checker("16.2", "who introduced each idea")
def introduced_by(answer) -> str:
    if not isinstance(answer, dict):
        raise Failure("pass a dict from idea to architecture name.")
    for idea, expected in EXPECTED_ARCHITECTURES.items():
        if idea not in answer:
            raise Failure(f"the idea {idea!r} is missing.")
        if str(answer[idea]).strip().lower() != expected.lower():
            raise Failure(f"{idea!r}: not {answer[idea]!r}; look it up in lk.references.DESIGN_IDEAS.")
    return "all four are right."


@checker("16.3", "VGG-16 against ResNet-50")
def ratio(answer) -> str:
    return compare_number(answer, 15.470264320 / 3.857973248, "mult_adds(vgg16) / "
                          "mult_adds(resnet50), each for a (1, 3, 224, 224) input.", rel=1e-3)
