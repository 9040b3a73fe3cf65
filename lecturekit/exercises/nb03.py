"""Checkers for notebook 03 (pooling)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from . import Failure, checker, compare_number

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
    if not callable(function):
        raise Failure("pass the function itself: check('03.2', max_pool1d).")
    g = torch.Generator().manual_seed(3)
    for n, k in [(8, 2), (9, 3), (10, 3), (5, 1), (4, 4)]:
        x = torch.randn(n, generator=g)
        expected = F.max_pool1d(x.view(1, 1, -1), k)[0, 0]
        got = function(x, k)
        if not isinstance(got, torch.Tensor) or got.shape != expected.shape or \
                not torch.allclose(got, expected):
            raise Failure(f"max_pool1d(x of length {n}, k={k}) should give {len(expected)} "
                          f"values, the maxima of consecutive windows; got "
                          f"{got.tolist() if isinstance(got, torch.Tensor) else got!r}.")
    return "all 5 test cases agree."


@checker("03.3", "GAP head vs flatten head")
def gap_ratio(answer) -> str:
    expected = (2048 * 49 * 1000 + 1000) / (2048 * 1000 + 1000)
    return compare_number(answer, expected, "count weights and biases of both heads; the "
                          "flatten head sees 7*7 values per channel.", rel=1e-4)
