"""lecturekit: the helper package of the cnn-lectures notebook series.

``import lecturekit as lk`` then ``DEVICE, P = lk.setup()`` in every notebook. Submodules
(``lk.analysis``, ``lk.layers``, ``lk.data``, ``lk.train``, ``lk.models``, ``lk.widgets``,
``lk.exercises`` ...) are imported on first use, so the package imports quickly and
without Jupyter.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

from .env import setup  # noqa: E402
from .lessons import lesson  # noqa: E402

_SUBMODULES = {
    "analysis", "course", "data", "env", "exercises", "interpret", "layers", "lessons", "models",
    "pictures", "plots", "references", "reproduce", "train", "viz", "widgets",
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
