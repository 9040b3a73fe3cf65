"""Checkers for notebook 14 (the ResNet family)."""

from __future__ import annotations

import math

from . import Failure, checker, compare_function, compare_number


@checker("14.1", "paths of length 5")
def paths(answer) -> str:
    return compare_number(answer, math.comb(10, 5), "choose which 5 of the 10 blocks the path "
                          "goes through.")


def _expected(blocks, p_last):
    return sum(1 - l / blocks * (1 - p_last) for l in range(1, blocks + 1))


@checker("14.2", "expected depth with stochastic depth")
def expected_depth(function) -> str:
    cases = [((54, 0.5), {}, _expected(54, 0.5)), ((9, 1.0), {}, 9.0), ((10, 0.0), {}, 4.5),
             ((27, 0.8), {}, _expected(27, 0.8))]
    if not callable(function):
        raise Failure("pass the function itself: check('14.2', expected_depth).")
    return compare_function(function, cases, "expected_depth",
                            equal=lambda a, b: a is not None and math.isclose(a, b, rel_tol=1e-9))


@checker("14.3", "weights of a grouped convolution")
def grouped(answer) -> str:
    return compare_number(answer, 4_608, "each of the 32 groups maps 128/32 channels to 128/32 "
                          "channels with 3x3 kernels.")
