"""lecturekit: the helper package of the cnn-lectures notebook series.

``import lecturekit as lk`` then ``DEVICE, P = lk.setup()`` in every notebook. Submodules
(``lk.analysis``, ``lk.layers``, ``lk.data``, ``lk.train``, ``lk.models``, ``lk.widgets``,
``lk.exercises`` ...) are imported on first use, so the package imports quickly and
without Jupyter.
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
__all__ = ["setup", "lesson", "__version__", *sorted(_SUBMODULES)]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'lecturekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    """What ``dir(lk)`` and tab completion show: the functions and every submodule, imported
    or not yet."""
    return sorted(set(globals()) | _SUBMODULES)
