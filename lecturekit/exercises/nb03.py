"""Checkers for notebook 03 (pooling)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from . import (
    Failure,
    check_function,
    checker,
    compare_number,
    require_kept_prediction,
    require_number,
    require_tuple,
    yes_or_no_answers,
)

FEATURE_MAP = [[3., 0, 1, 2], [1, 4, 5, 0], [0, 2, 2, 9], [7, 1, 0, 3]]


@checker("03.1", "predict, then run: max pooling", predicted=True)
def predicted_pooling(answer) -> str:
    """(row 1, row 2, measured): the predicted 2x2 pooled map as two rows, then what
    F.max_pool2d gave; the checker pools the map itself."""
    expected = F.max_pool2d(torch.tensor(FEATURE_MAP).view(1, 1, 4, 4), 2)[0, 0]
    if not isinstance(answer, (tuple, list)) or len(answer) < 2 or not isinstance(answer[-1], torch.Tensor):
        raise Failure("predict the pooled map as a nested list like [[a, b], [c, d]], then pass "
                      "what F.max_pool2d gave.")
    *rows, measured = answer
    if measured.numel() != 4 or not torch.equal(measured.detach().reshape(2, 2).float(), expected):
        raise Failure("the tensor you passed is not F.max_pool2d of feature_map with 2x2 windows "
                      "(give it the shape (1, 1, 4, 4) first).")
    try:
        got = torch.as_tensor(rows, dtype=torch.float32)
    except (TypeError, ValueError):
        raise Failure("predict a nested list like [[a, b], [c, d]].") from None
    if got.shape != expected.shape:
        raise Failure(f"a 4x4 map pooled 2x2 with stride 2 is 2x2, your prediction has shape "
                      f"{tuple(got.shape)}.")
    if torch.equal(got, expected):
        return "your prediction matches F.max_pool2d."
    wrong = int((got != expected).sum())
    verb = "is" if wrong == 1 else "are"
    raise Failure(f"your prediction is not what F.max_pool2d gave: {wrong} of the 4 values {verb} "
                  "not the maximum of its 2x2 window.")


@checker("03.2", "max_pool1d")
def max_pool1d(function) -> str:
    g = torch.Generator().manual_seed(3)
    cases = []
    for n, k in [(8, 2), (9, 3), (10, 3), (5, 1), (4, 4)]:
        x = torch.randn(n, generator=g)
        cases.append((f"max_pool1d(x of length {n}, k={k})", (x, k), F.max_pool1d(x.view(1, 1, -1), k)[0, 0]))
    return check_function(function, "max_pool1d", cases, "each value is the maximum of one window "
                          "of k values; consecutive windows do not overlap (stride k).")


@checker("03.3", "GAP head vs flatten head")
def gap_and_flatten_counts(answer) -> str:
    """(GAP head, flatten head) parameters, 2048 channels of 7x7 -> 1000 classes, with biases.

    Both counts are asked for, not only their ratio: a ratio can come out nearly right from
    wrong counts (biases forgotten in both, for instance)."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Failure("give a pair: (parameters of the GAP head, parameters of the flatten head).")
    gap, flat = (require_number(a, "each count") for a in answer)
    if (gap, flat) == (2048 * 1000, 2048 * 49 * 1000):
        raise Failure("almost: both linear layers also have one bias per class.")
    compare_number(gap, 2048 * 1000 + 1000, "after global average pooling the linear layer sees "
                   "one value per channel; count its weights and biases.")
    compare_number(flat, 2048 * 49 * 1000 + 1000, "the flatten head sees 7*7 values per channel; "
                   "count its weights and biases.")
    return "correct."


#: (map side, shift, does 2x2/2 max pooling commute with it?): the notebook's two cases first.
POOLING_CASES = ((8, 2, True), (8, 1, False), (8, 4, True), (8, 3, False), (6, 2, True))


@checker("03.5", "predict, then run: pooling and shifts by the stride", predicted=True)
def pooling_shifts(answer) -> str:
    """(two, one, commutes): the predicted booleans for shifts of 2 and 1 pixels, then the
    student's ``commutes(m, k)``. The checker runs it on its own random maps and shifts and
    knows each truth from the stride: 2x2/2 pooling commutes with even shifts only."""
    two, one, measure = require_tuple(answer, (bool, bool, object), "predict a pair of booleans "
                                      "(equal for 2 pixels, equal for 1 pixel), then pass your "
                                      "function commutes(m, k).")
    if not callable(measure):
        raise Failure("after the prediction, pass the function commutes(m, k) itself, not its result.")
    g = torch.Generator().manual_seed(3)
    inputs = [(torch.rand(1, 1, side, side, generator=g), k) for side, k, _ in POOLING_CASES]
    measured = yes_or_no_answers(measure, "commutes", inputs, [c[-1] for c in POOLING_CASES],
                                 "maps of 6x6 and 8x8, shifts of 1 to 4 pixels", "compare the pooled "
                                 "shifted map with every circular shift of the pooled map.")
    require_kept_prediction((two, one), measured[:2], "which pixels share a 2x2 window before and "
                            "after the shift.")
    return ("your prediction matches the measurement: pooling commutes only with shifts by multiples "
            "of its stride.")
