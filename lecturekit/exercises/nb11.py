"""Checkers for notebook 11 (Batch Normalization)."""

from __future__ import annotations

import torch

from ..grading import REFERENCES, Forbidden
from . import Failure, check_function, checker, compare_number, require_callable, require_tuple


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
        raise Failure("curve must be the list of accuracies (fractions between 0 and 1) "
                      "that train_setting(False, 'sigmoid', 0.01, seed) returns.")
    measured = curve[-1] >= 0.5     # chance is 10%: 'trains' means clearly above it
    if trains != measured:
        raise Failure(f"your prediction trains={trains} does not match your run; keep it (a "
                      "prediction changed after the run scores nothing) and look at the "
                      "sigmoid's derivative (at most 1/4) and at how BN keeps its inputs in the "
                      "range where it is not flat.")
    return f"your prediction matches the run (final accuracy {100 * curve[-1]:.1f}%)."


def _batch_norm_gradients(dy: torch.Tensor, x: torch.Tensor, gamma: torch.Tensor,
                          eps: float) -> tuple[torch.Tensor, ...]:
    """dx, dgamma and dbeta of sum(dy * BN(x)) for a batch (N, D), by autograd in float64."""
    x, gamma = x.clone().requires_grad_(), gamma.clone().requires_grad_()
    beta = torch.zeros_like(gamma, requires_grad=True)
    y = torch.nn.functional.batch_norm(x, None, None, gamma, beta, training=True, eps=eps)
    return torch.autograd.grad((dy * y).sum(), (x, gamma, beta))


@checker("11.6", "BN's backward pass", forbid=[Forbidden("backward", "autograd (.backward())"),
                                                Forbidden("grad", "torch.autograd.grad"), REFERENCES])
def batch_norm_backward(function) -> str:
    require_callable(function, "batch_norm_backward")
    g = torch.Generator().manual_seed(116)

    def randn(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float64)

    cases = {"a batch of 4 examples with 3 features": (4, 3, 1.0),
             "16 examples, 5 features of scale 100": (16, 5, 100.0),
             "a batch of 2 examples with 1 feature": (2, 1, 1.0)}
    hints = {"dx": "dx has three terms: through x_hat directly, through the batch mean and through the "
                   "batch variance (each example moves the statistics of all the others).",
             "dgamma": "gamma multiplies x_hat: sum dy * x_hat over the batch.",
             "dbeta": "beta is added to every example: sum dy over the batch."}
    for what, (n, d, scale) in cases.items():
        x, dy, gamma = randn(n, d) * scale + 3.0, randn(n, d), randn(d).abs() + 0.5
        expected = _batch_norm_gradients(dy, x, gamma, 1e-5)
        try:
            got = function(dy.clone(), x.clone(), gamma.clone(), eps=1e-5)
        except NotImplementedError:
            raise
        except Exception as error:
            raise Failure(f"{what}: your function raised {type(error).__name__}: {error}.") from None
        if not (isinstance(got, (tuple, list)) and len(got) == 3):
            raise Failure("return three tensors, (dx, dgamma, dbeta).")
        for (name, hint), value, reference in zip(hints.items(), got, expected):
            if not isinstance(value, torch.Tensor) or value.shape != reference.shape:
                shape = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
                raise Failure(f"{what}: {name} should be a tensor of shape {tuple(reference.shape)}, "
                              f"got {shape}.")
            value = value.detach().to(torch.float64)
            scale = max(1.0, reference.abs().max().item())
            if not torch.allclose(value, reference, rtol=1e-6, atol=1e-8 * scale):
                off = (value - reference).abs().max().item()
                raise Failure(f"{what}: {name} is off by up to {off:.3g}; {hint}")
    return f"dx, dgamma and dbeta agree with autograd in all {len(cases)} test cases."
