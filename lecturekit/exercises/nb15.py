"""Checkers for notebook 15 (DenseNet)."""

from __future__ import annotations

from . import Failure, checker, compare_function, compare_number


@checker("15.1", "channels out of a dense block")
def block_channels(answer) -> str:
    return compare_number(answer, 216, "the block passes its input on and every layer adds k maps.")


@checker("15.2", "connections in a dense block")
def connections(function) -> str:
    cases = [((1,), {}, 1), ((4,), {}, 10), ((6,), {}, 21), ((16,), {}, 136)]
    return compare_function(function, cases, "dense_connections")


@checker("15.3", "a transition layer")
def transition(answer) -> str:
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Failure("pass a pair (parameters, grid_size).")
    compare_number(answer[0], 216 * 108, "a 1x1 convolution from 216 channels to 0.5 x 216.")
    compare_number(answer[1], 16, "2x2 average pooling with stride 2 halves the grid.")
    return "both are right."
