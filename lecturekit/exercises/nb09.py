"""Checkers for notebook 09 (VGG)."""

from __future__ import annotations

from . import Failure, checker, compare_function, compare_number


@checker("09.1", "3x3 convolution parameters")
def conv_parameters(answer) -> str:
    return compare_number(answer, 256 * (3 * 3 * 256 + 1), "each of the 256 filters is "
                          "3x3x256, plus one bias per filter.")


@checker("09.2", "stacked_receptive_field")
def stacked_receptive_field(function) -> str:
    cases = [((1, 3), {}, 3), ((2, 3), {}, 5), ((3, 3), {}, 7), ((4, 5), {}, 17), ((1, 1), {}, 1),
             ((10, 3), {}, 21)]
    return compare_function(function, cases, "stacked_receptive_field")


@checker("09.3", "7x7 against three 3x3")
def ratio(answer) -> str:
    return compare_number(answer, 49 / 27, "one 7x7 layer has 49C^2 weights; three 3x3 layers "
                          "have 3*9*C^2.", rel=1e-3)


@checker("09.5", "predict, then run: which stack serves single images slower", predicted=True)
def slower_stack(answer) -> str:
    """(slower, seconds): the prediction, then the CPU seconds each network took for 200 test
    images, one at a time, forward only (a dict by name); the outcome is the student's own run."""
    names = ("two 3x3 per stage", "one 5x5 per stage")
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2 and answer[0] in names
            and isinstance(answer[1], dict) and set(answer[1]) == set(names)):
        raise Failure(f"predict one of {names}, then pass seconds: a dict with both names.")
    slower, seconds = answer
    if not all(isinstance(s, float) and s > 0 for s in seconds.values()):
        raise Failure("the seconds must be the measured CPU times (positive numbers).")
    measured = max(names, key=seconds.get)
    if slower != measured:
        raise Failure("your prediction is not what your run measured; keep it (a prediction "
                      "changed after the run scores nothing) and think of what a layer costs "
                      "besides its multiply-adds (reading and writing its feature maps).")
    return (f"your prediction matches the measurement ({seconds[names[0]]:.2f} s against "
            f"{seconds[names[1]]:.2f} s).")
