"""lecturekit: the helper package of the cnn-lectures notebook series.

``import lecturekit as lk`` then ``DEVICE, P = lk.setup()`` in every notebook. Submodules
(``lk.analysis``, ``lk.layers``, ``lk.data``, ``lk.train``, ``lk.models``, ``lk.widgets``,
``lk.exercises`` ...) are imported on first use, so the package imports quickly and
without Jupyter. ``lk.evaluating(model)`` (from ``lk.analysis``) is the context manager that
runs a block in evaluation mode and restores the model's training flag afterwards.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__
from .env import setup
from .lessons import lesson

_SUBMODULES = {
    "analysis", "course", "data", "diagrams", "env", "exercises", "interpret", "layers", "lessons",
    "models", "pictures", "plots", "pretrained", "recipes", "references", "reproduce", "train", "widgets",
}
#: Functions of submodules offered at the top, imported (with their module) on first use.
_LAZY_FUNCTIONS = {"evaluating": "analysis"}
__all__ = ["setup", "lesson", "__version__", *sorted(_LAZY_FUNCTIONS), *sorted(_SUBMODULES)]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY_FUNCTIONS:
        return getattr(importlib.import_module(f".{_LAZY_FUNCTIONS[name]}", __name__), name)
    raise AttributeError(f"module 'lecturekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    """What ``dir(lk)`` and tab completion show: the functions and every submodule, imported
    or not yet."""
    return sorted(set(globals()) | _SUBMODULES | set(_LAZY_FUNCTIONS))
