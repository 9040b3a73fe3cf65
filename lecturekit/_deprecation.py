"""Old names kept while the notebooks move to the new ones (timm's way): each still works and
says, in a DeprecationWarning pointing at the caller, what to use instead."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any


def warn(old: str, new: str, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated in favour of ``new`` (``stacklevel=3``: the caller of
    the function that calls this)."""
    warnings.warn(f"{old} is deprecated; use {new}", DeprecationWarning, stacklevel=stacklevel)


def module_getattr(module: str, old_names: dict[str, tuple[str, Callable[[], Any]]]) -> Callable:
    """A module ``__getattr__`` that serves each old name ``{old: (new, make_value)}`` with a
    warning, and raises the usual AttributeError for any other name."""
    def __getattr__(name: str) -> Any:
        if name not in old_names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        new, make = old_names[name]
        warn(f"{module}.{name}", new)
        return make()
    return __getattr__
