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
    return compare_number(answer, 192 + 208 + 48 + 64, "the module concatenates the outputs of its four "
                          "branches.")


#: The outcomes a student can predict for 10.5: how much the module's multiply-adds grow when the
#: 5x5 branch's reduction doubles (16 -> 32 channels), as a fraction of the module's cost.
GROWTHS = {"about 10%": 0.10, "about 50%": 0.50, "about 100%": 1.00}


@checker("10.5", "predict, then compute: a wider 5x5 reduction", predicted=True)
def wider_reduction(answer) -> str:
    """(growth, mult_adds): the predicted growth, one of GROWTHS, then the counted multiply-adds
    of inception (3a) with 32 channels instead of 16 before its 5x5 convolution. The checker
    counts the module itself; the measured outcome is the choice nearest to the counted growth
    (+9.7%, four times nearer 10% than the next choice: no knife edge)."""
    from ..analysis import mult_adds
    from ..models.googlenet import TABLE_1, Inception

    if not (isinstance(answer, (tuple, list)) and len(answer) == 2 and answer[0] in GROWTHS):
        raise Failure(f"predict one of {tuple(GROWTHS)}, then pass the counted multiply-adds of "
                      "the changed module.")
    prediction, counted = answer
    row = list(TABLE_1["3a"])
    row[4] = 32                                   # the 5x5 reduction: 16 -> 32 channels
    shape = (1, row[0], 28, 28)
    expected = mult_adds(Inception(*row), shape)
    if counted != expected:
        raise Failure("count the changed module with lk.analysis.mult_adds(Inception(192, 64, 96, 128, "
                      "32, 32, 32), (1, 192, 28, 28)).")
    growth = expected / mult_adds(Inception(*TABLE_1["3a"]), shape) - 1
    measured = min(GROWTHS, key=lambda name: abs(GROWTHS[name] - growth))
    if prediction != measured:
        raise Failure("your prediction does not match the count: compare the 5x5 branch's share of the "
                      "module's cost before and after the change.")
    return ("your prediction matches the count: the 5x5 branch's cost doubles, but it was about a "
            "tenth of the module's.")
