"""Old names kept while the notebooks move to the new ones (timm's way): each still works and
raises a DeprecationWarning saying what to use instead.

The warning is attributed to the package's own line, not to the caller's: Python's default
filters then show it under pytest (and ``python -W default``) but not in a notebook, where a
warning attributed to the cell would print on stderr and change the cell's checked output
(nbval) until the notebook is migrated. Once no notebook uses an old name, set
``ATTRIBUTE_TO_CALLER = True`` (or remove the alias)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

#: False: the warning points at the package (silent in notebooks); True: at the caller's line.
ATTRIBUTE_TO_CALLER = False


def warn(old: str, new: str) -> None:
    """Warn that ``old`` is deprecated in favour of ``new``."""
    # stacklevel 2: the package function that calls warn(); 3: the code that called that one
    warnings.warn(f"{old} is deprecated; use {new}", DeprecationWarning,
                  stacklevel=3 if ATTRIBUTE_TO_CALLER else 2)


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
