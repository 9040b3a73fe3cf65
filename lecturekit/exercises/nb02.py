"""Checkers for notebook 02 (the convolutional layer)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from . import Failure, checker, compare_number


@checker("02.1", "output width")
def output_width(answer) -> str:
    return compare_number(answer, 32, "floor((n + 2p - k) / s) + 1 with n=63, k=3, s=2, p=1; "
                          "mind the floor.")


@checker("02.2", "conv1d")
def conv1d(function) -> str:
    if not callable(function):
        raise Failure("pass the function itself: check('02.2', conv1d).")
    g = torch.Generator().manual_seed(2)
    cases = [(torch.tensor([0., 1, 2, 3, 0, 0]), torch.tensor([1., 0, -1]))]
    cases += [(torch.randn(n, generator=g), torch.randn(k, generator=g))
              for n, k in [(10, 3), (7, 1), (5, 5), (20, 4)]]
    for x, w in cases:
        expected = F.conv1d(x.view(1, 1, -1), w.view(1, 1, -1))[0, 0]
        got = function(x, w)
        if not isinstance(got, torch.Tensor) or got.shape != expected.shape:
            raise Failure(f"for len(x)={len(x)}, len(w)={len(w)} expected {len(expected)} "
                          f"values, got {getattr(got, 'shape', type(got).__name__)}.")
        if not torch.allclose(got.float(), expected, atol=1e-5):
            raise Failure(f"conv1d({x.tolist() if len(x) < 8 else 'random x'}, "
                          f"{w.tolist() if len(w) < 4 else 'random w'}) is off; did you flip "
                          "the kernel? Libraries do not.")
    return f"all {len(cases)} test cases agree."


@checker("02.3", "output shape")
def output_shape(answer) -> str:
    if not isinstance(answer, (tuple, list, torch.Size)) or len(answer) != 4:
        raise Failure("give the shape as a tuple of 4 numbers: (batch, channels, height, width).")
    answer = tuple(int(a) for a in answer)
    expected = (8, 16, 32, 32)
    wrong = [name for name, a, e in zip(("batch", "channels", "height", "width"), answer, expected)
             if a != e]
    if wrong:
        raise Failure(f"the {', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not right.")
    return "correct."


@checker("02.5", "windows per pixel with 'same' padding")
def windows_per_pixel(answer) -> str:
    """9x9 image, 5x5 kernel, padding 2: the corner is in 3x3 windows, the centre in 5x5."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Failure("give a pair: (windows containing the corner, windows containing the centre).")
    corner, centre = answer
    if centre != 25:
        raise Failure("the centre pixel: how many positions of a 5x5 window contain it, "
                      "when none of them runs off the padded image?")
    if corner != 9:
        raise Failure("the corner pixel: along one axis, the window can start 2 cells before it "
                      "(in the padding) up to the corner itself; how many starts is that, in 2-D?")
    return "correct: padding lets border pixels into more windows, but still fewer than the centre."
