"""Checkers for notebook 05 (fully connected layers and end-to-end learning)."""

from __future__ import annotations

import math

import torch

from . import Failure, check_function, checker, compare_number, require_number


@checker("05.1", "VGG-16 fc6 parameters")
def fc6_parameters(answer) -> str:
    return compare_number(answer, 512 * 7 * 7 * 4096 + 4096,
                          "the layer sees 512*7*7 inputs; each of its units has one weight per "
                          "input and one bias.")


@checker("05.2", "softmax")
def softmax(function) -> str:
    def hint(got, expected, z):
        if not torch.isfinite(got).all():
            return "subtract each row's maximum before exponentiating."
        return "rows must sum to 1 over the classes."

    g = torch.Generator().manual_seed(5)
    logits = {"small logits": torch.randn(4, 10, generator=g),
              "one row": torch.tensor([[2.0, 1.0, 0.1]]),
              "large logits (1000s)": torch.tensor([[1000.0, 999.0, 990.0], [-1000.0, 0.0, 1000.0]])}
    cases = [(what, (z,), torch.softmax(z, dim=1)) for what, z in logits.items()]
    return check_function(function, "softmax", cases, hint, atol=1e-6)


@checker("05.3", "initial loss")
def initial_loss(answer) -> str:
    # "to 3 decimals": ln 10 = 2.302585..., so 2.303 (or more digits of it) passes and 2.30,
    # 2.302 or 2.31 do not; a tolerance of 5e-4 accepts exactly the answers that round to 2.303.
    got = require_number(answer)
    if abs(got - math.log(10)) <= 5e-4:
        return "correct."
    raise Failure(f"{got:g} is not the loss to 3 decimals. Hint: with equal logits every class "
                  "has probability 1/10; the loss is minus the (natural) log of that.")
