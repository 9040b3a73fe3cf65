"""Checkers for notebook 10 (GoogLeNet)."""

from __future__ import annotations

from . import Failure, checker, compare_number


def _reference(c_in, reduce, c_out, k, size):
    return size * size * (c_in * reduce + reduce * k * k * c_out)


@checker("10.1", "naive 5x5 branch")
def naive_5x5(answer) -> str:
    return compare_number(answer, 28 * 28 * 32 * 5 * 5 * 192, "positions x filters x the size "
                          "of one filter (5x5x192).")


@checker("10.2", "an Inception branch within a budget")
def branch_budget(answer) -> str:
    if not (isinstance(answer, tuple) and len(answer) == 2 and callable(answer[0])):
        raise Failure("pass (branch_mult_adds, largest_reduce).")
    function, largest = answer
    for args in [(192, 16, 32, 5, 28), (480, 48, 96, 5, 28), (512, 24, 64, 5, 14),
                 (832, 160, 320, 3, 7)]:
        got, expected = function(*args), _reference(*args)
        if got != expected:
            raise Failure(f"branch_mult_adds{args} returned {got!r}, expected {expected!r}.")
    best = max(r for r in range(1, 481) if _reference(480, r, 96, 5, 28) < 60e6)
    if largest != best:
        direction = "too large: it goes over" if largest > best else "not the largest under"
        raise Failure(f"branch_mult_adds is right, but {largest!r} is {direction} the budget.")
    return "both parts are right."


@checker("10.3", "channels of inception (4a)")
def channels_4a(answer) -> str:
    return compare_number(answer, 512, "the module concatenates the outputs of its four "
                          "branches.")
