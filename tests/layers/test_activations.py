"""Activation functions and their derivatives (lecturekit/layers/activations.py)."""

import pytest
import torch
import torch.nn.functional as F

from lecturekit.layers import (
    ACTIVATIONS,
)

# --------------------------------------------------------------------------- activations
TORCH_ACTIVATIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu,
                     "leaky_relu": F.leaky_relu, "elu": F.elu, "gelu": F.gelu, "silu": F.silu}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_and_derivative_match_torch(name):
    x = torch.cat([torch.linspace(-30, 30, 601), torch.randn(200)]).requires_grad_()
    activation = ACTIVATIONS[name]
    torch.testing.assert_close(activation.function(x), TORCH_ACTIVATIONS[name](x),
                               rtol=1e-5, atol=1e-6)
    autograd = torch.autograd.grad(TORCH_ACTIVATIONS[name](x).sum(), x)[0]
    torch.testing.assert_close(activation.derivative(x.detach()), autograd, rtol=1e-5, atol=1e-6)


def test_activations_are_differentiable_by_autograd():
    x = torch.randn(50, dtype=torch.float64, requires_grad=True)
    for activation in ACTIVATIONS.values():
        if activation.name in {"relu", "leaky_relu"}:
            continue  # kinks at 0; covered by the derivative test above
        assert torch.autograd.gradcheck(activation.function, (x,))
