"""Checks of what a user types, shared by the package's public functions.

Every check returns the value (normalized) or raises one sentence that names the argument,
what it got and what it accepts: ``TypeError`` for a value of the wrong kind, ``ValueError``
for one out of range, and, for an unknown name, the closest valid names
(:func:`difflib.get_close_matches`) rather than a list of all of them. The checks only look
at Python values and tensor shapes, never at tensor contents, so they cost nothing next to
the computation they guard.
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import torch

#: at most this many valid names are listed in full; beyond it only the closest are shown
FULL_LIST = 16


def describe(value: Any) -> str:
    """A short description of a wrong value: its repr, or its type and shape for tensors."""
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    text, kind = repr(value), type(value).__name__
    return text if len(text) <= 40 else f"{'an' if kind[0] in 'AEIOUaeiou' else 'a'} {kind}"


def closest(word: str, choices: Iterable[str], n: int = 4) -> list[str]:
    """The valid names nearest to ``word``: the same name in other case, names that start
    with it, names that contain it, then difflib's closest."""
    choices, lowered = list(choices), word.lower()
    ranked = [[c for c in choices if c.lower() == lowered],
              [c for c in choices if lowered and c.lower().startswith(lowered)],
              [c for c in choices if lowered and lowered in c.lower()],
              difflib.get_close_matches(lowered, choices, n=n, cutoff=0.6)]
    return list(dict.fromkeys(c for group in ranked for c in group))[:n]


def choice(value: Any, choices: Iterable[str], argument: str, what: str,
           see: str | None = None) -> str:
    """``value`` if it is one of ``choices``; else an error listing the closest ones (all of
    them when there are few; ``see`` says where to find the full list when there are many)."""
    choices = list(choices)
    if isinstance(value, str) and value in choices:
        return value
    if len(choices) <= FULL_LIST:
        valid = f"choose one of {', '.join(choices)}"
    else:
        valid = f"see {see}" if see else f"there are {len(choices)} choices"
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be the name of a {what} (a string), got "
                        f"{describe(value)}; {valid}")
    matches = closest(value, choices)
    near = f"closest matches: {', '.join(matches)}" if matches else "no close match"
    if len(choices) <= FULL_LIST:
        raise ValueError(f"{argument}={value!r}: unknown {what}; {valid}"
                         + (f" ({near})" if matches else ""))
    raise ValueError(f"{argument}={value!r}: unknown {what}; {near} ({valid})")


def _an_int(minimum: int | None, noun: str = "integer") -> str:
    """'a positive integer', 'a non-negative integer', 'an integer >= 3' ..."""
    return {None: f"an {noun}", 0: f"a non-negative {noun}", 1: f"a positive {noun}"}.get(
        minimum, f"an {noun} >= {minimum}")


def integer(value: Any, argument: str, minimum: int | None = None,
            none_ok: bool = False) -> int | None:
    """An int (not a bool; numpy integers are accepted) that is at least ``minimum``; or
    None, if ``none_ok``."""
    if value is None and none_ok:
        return None
    wrong_type = isinstance(value, bool) or not isinstance(value, numbers.Integral)
    if wrong_type or (minimum is not None and value < minimum):
        wanted = _an_int(minimum) + (" or None" if none_ok else "")
        got = describe(value) if wrong_type else repr(value)
        raise (TypeError if wrong_type else ValueError)(f"{argument} must be {wanted}, got {got}")
    return int(value)


def number(value: Any, argument: str, low: float | None = None, high: float | None = None,
           low_open: bool = False, high_open: bool = False, none_ok: bool = False) -> float | None:
    """A real number (not a bool, not a string) in the interval from ``low`` to ``high``
    (closed ends unless ``low_open``/``high_open``); or None, if ``none_ok``."""
    if value is None and none_ok:
        return None
    wrong_type = isinstance(value, bool) or not isinstance(value, numbers.Real)
    if not wrong_type:
        too_low = low is not None and (value <= low if low_open else value < low)
        too_high = high is not None and (value >= high if high_open else value > high)
        if not (too_low or too_high or value != value):  # value != value: NaN
            return float(value)
    if low is not None and high is not None:
        wanted = (f"a number in {'(' if low_open else '['}{low:g}, {high:g}"
                  f"{')' if high_open else ']'}")
    elif low is not None:
        wanted = {(0, True): "a positive number", (0, False): "a non-negative number"}.get(
            (low, low_open), f"a number {'>' if low_open else '>='} {low:g}")
    elif high is not None:
        wanted = f"a number {'<' if high_open else '<='} {high:g}"
    else:
        wanted = "a number"
    wanted += " or None" if none_ok else ""
    got = describe(value) if wrong_type else repr(value)
    raise (TypeError if wrong_type else ValueError)(f"{argument} must be {wanted}, got {got}")


def flag(value: Any, argument: str) -> bool:
    """True or False (0 and 1 are accepted), so that a string such as 'test' is not
    silently read as True."""
    if not isinstance(value, (str, bytes, float)) and value in (0, 1):  # numpy bools too
        return bool(value)
    raise TypeError(f"{argument} must be True or False, got {describe(value)}")


def pair(value: Any, argument: str, minimum: int | None = None) -> tuple[int, int]:
    """An int or a pair of ints, as a pair (the same value twice for an int), each at least
    ``minimum``: kernel sizes, strides, paddings, image sizes."""
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    items = (value, value) if is_int else tuple(value) if isinstance(value, Sequence) else ()
    if len(items) != 2 or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                                  for v in items):
        raise TypeError(f"{argument} must be {_an_int(minimum, 'int')} or a pair of them, got "
                        f"{describe(value)}")
    if minimum is not None and min(items) < minimum:
        raise ValueError(f"{argument} must be {_an_int(minimum, 'int')} or a pair of them, got "
                         f"{value!r}")
    return int(items[0]), int(items[1])


def tensor(value: Any, argument: str, dims: int | Sequence[int] | None = None,
           layout: str | None = None) -> torch.Tensor:
    """A tensor with ``dims`` dimensions (one of them, for a sequence); ``layout`` names them
    in the message, e.g. ``"(N, C, H, W)"``."""
    if not isinstance(value, torch.Tensor):
        shape = f" of shape {layout}" if layout else ""
        raise TypeError(f"{argument} must be a torch.Tensor{shape}, got {type(value).__name__}")
    allowed = (dims,) if isinstance(dims, int) else dims
    if allowed is not None and value.dim() not in allowed:
        shape = layout or " or ".join(f"{d} dimensions" for d in allowed)
        raise ValueError(f"{argument} must have shape {shape}, got {tuple(value.shape)}")
    return value


def vector(value: Any, argument: str, length: int, of: str) -> torch.Tensor | None:
    """None, or a 1-D tensor of ``length`` values, one per ``of`` (e.g. per channel)."""
    if value is None:
        return None
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{argument} must be a torch.Tensor of shape ({length},) or None, "
                        f"got {type(value).__name__}")
    if value.dim() != 1 or len(value) != length:
        raise ValueError(f"{argument} must have shape ({length},), one value per {of}, got "
                         f"{tuple(value.shape)}")
    return value


def instance(value: Any, types: type | tuple[type, ...], argument: str, wanted: str) -> Any:
    """``value`` if it is one of ``types``; ``wanted`` describes them in the message."""
    if not isinstance(value, types):
        raise TypeError(f"{argument} must be {wanted}, got {describe(value)}")
    return value


def device(value: Any, argument: str = "device") -> torch.device:
    """A torch.device that exists on this machine ('cpu', 'cuda', 'cuda:1', 'mps' ...)."""
    if isinstance(value, torch.device):
        dev = value
    elif isinstance(value, (str, int)) and not isinstance(value, bool):
        try:
            dev = torch.device(value)
        except RuntimeError:
            raise ValueError(f"{argument}={value!r} is not a device; use 'cpu', 'cuda', "
                             f"'cuda:0' or 'mps', or None for the best one here") from None
    else:
        raise TypeError(f"{argument} must be a torch.device, a string such as 'cpu' or 'cuda', "
                        f"or None, got {describe(value)}")
    if dev.type == "cuda" and (not torch.cuda.is_available()
                               or (dev.index or 0) >= torch.cuda.device_count()):
        raise ValueError(f"{argument}={value!r} but this machine has "
                         f"{torch.cuda.device_count()} CUDA GPUs; use 'cpu', or None for the "
                         f"best device here")
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"{argument}={value!r} but MPS is not available here; use 'cpu', or "
                         f"None for the best device here")
    return dev


def first_line(error: BaseException) -> str:
    """The first line of an error's message, to quote inside one of our sentences."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
