"""Checkers for notebook 11 (Batch Normalization)."""

from __future__ import annotations

import torch

from ..grading import REFERENCES, Forbidden
from . import Failure, check_function, checker, compare_number, require_tuple


@checker("11.1", "the normalize step", forbid=[Forbidden("batch_norm", "F.batch_norm"), REFERENCES])
def normalize(function) -> str:
    def hint(got, expected, x):
        if got.mean(dim=(0, 2, 3)).abs().max() > 1e-3:
            return "the channels do not have mean 0; take the mean over dimensions (0, 2, 3), one per channel."
        return ("the means are right but the scale is off; use the biased variance (unbiased=False) "
                "over (0, 2, 3) and add eps inside the root.")

    g = torch.Generator().manual_seed(11)
    batches = {"a random batch": torch.randn(4, 3, 5, 5, generator=g) * 4 + 2,
               "one image": torch.randn(1, 2, 3, 3, generator=g),
               "channels of very different scales": torch.randn(8, 2, 2, 2, generator=g)
               * torch.tensor([1e-2, 1e2]).reshape(1, 2, 1, 1)}
    cases = [(what, (x,), torch.nn.functional.batch_norm(x, None, None, training=True, eps=1e-5))
             for what, x in batches.items()]
    return check_function(function, "normalize", cases, hint, atol=1e-4, keywords={"eps": 1e-5})


@checker("11.2", "running mean after two batches")
def running_mean(answer) -> str:
    return compare_number(answer, 0.9 * (0.9 * 0 + 0.1 * 2.0) + 0.1 * 4.0, "after each batch, "
                          "running = (1 - momentum) * running + momentum * batch mean.")


@checker("11.3", "folding BN by hand")
def folded(answer) -> str:
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Failure("pass a pair (weight, bias).")
    compare_number(answer[0], 0.75, "the weight is multiplied by s = gamma / sqrt(var + eps).")
    compare_number(answer[1], -2.0, "the bias becomes (b - mean) * s + beta.")
    return "weight and bias are right."


@checker("11.5", "predict, then run: a sigmoid network without BN at the baseline's rate",
         predicted=True)
def sigmoid_prediction(answer) -> str:
    trains, curve = require_tuple(answer, (bool, object), "pass a pair (trains, curve): your prediction "
                                  "True or False, and the validation accuracies that train_setting returned.")
    if not (isinstance(curve, (list, tuple)) and curve
            and all(isinstance(a, float) and 0.0 <= a <= 1.0 for a in curve)):
        raise Failure("curve must be the list of validation accuracies (fractions between 0 and 1) "
                      "that train_setting(False, 'sigmoid', 0.01, seed) returns.")
    measured = curve[-1] >= 0.15
    if trains != measured:
        raise Failure(f"your prediction trains={trains} does not match your run; keep it (a "
                      "prediction changed after the run scores nothing) and look at the "
                      "sigmoid's derivative (at most 1/4) and at how BN keeps its inputs in the "
                      "range where it is not flat.")
    return f"your prediction matches the run (final accuracy {100 * curve[-1]:.1f}%)."
