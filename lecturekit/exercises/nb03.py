"""Checkers for notebook 03 (pooling)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from . import Failure, check_function, checker, compare_number, require_number, require_tuple

FEATURE_MAP = [[3., 0, 1, 2], [1, 4, 5, 0], [0, 2, 2, 9], [7, 1, 0, 3]]


@checker("03.1", "predicted max pooling")
def predicted_pooling(answer) -> str:
    expected = F.max_pool2d(torch.tensor(FEATURE_MAP).view(1, 1, 4, 4), 2)[0, 0]
    try:
        got = torch.as_tensor(answer, dtype=torch.float32)
    except (TypeError, ValueError):
        raise Failure("give a nested list like [[a, b], [c, d]].") from None
    if got.shape != expected.shape:
        raise Failure(f"a 4x4 map pooled 2x2 with stride 2 is 2x2, your answer has shape "
                      f"{tuple(got.shape)}.")
    wrong = (got != expected).sum().item()
    if wrong:
        raise Failure(f"{wrong} of the 4 values {'is' if wrong == 1 else 'are'} not the maximum "
                      "of its 2x2 window.")
    return "correct."


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


@checker("03.5", "pooling and shifts by the stride")
def pooling_shifts(answer) -> str:
    """(shift of 2, shift of 1): does 2x2/2 max pooling commute with a circular shift?"""
    two, one = require_tuple(answer, (bool, bool), "give a pair of booleans: (equal for a 2-pixel "
                             "shift, equal for a 1-pixel shift).")
    if (two, one) != (True, False):
        raise Failure("not what the measurement shows: after a shift, do the 2x2 windows still "
                      "hold the same pixels? That depends on the shift and the stride.")
    return "correct: pooling commutes only with shifts by multiples of its stride."
