"""Pooling from scratch (lecturekit/layers/pooling.py) against torch."""

import pytest
import torch
import torch.nn.functional as F

from lecturekit.layers import (
    avg_pool2d,
    max_pool2d,
)

TOLERANCE = dict(rtol=1e-5, atol=1e-5)  # float32 sums of up to a few hundred products


# --------------------------------------------------------------------------- pooling
POOL_CASES = [
    # (kernel, stride, padding, H, W)
    (2, None, 0, 8, 8), (3, 2, 0, 13, 13), (3, 2, 1, 7, 9), ((2, 3), (1, 2), (1, 1), 6, 7),
    (1, 1, 0, 4, 4), (4, 3, 2, 10, 10),
]


@pytest.mark.parametrize("case", POOL_CASES)
@pytest.mark.parametrize("ours, theirs", [(max_pool2d, F.max_pool2d), (avg_pool2d, F.avg_pool2d)],
                         ids=["max", "avg"])
def test_pooling_matches_torch(case, ours, theirs):
    k, s, p, h, w = case
    torch.manual_seed(1)
    x = torch.randn(2, 3, h, w, requires_grad=True)
    a, b = ours(x, k, s, p), theirs(x, k, s, p)
    torch.testing.assert_close(a, b, **TOLERANCE)
    grad = torch.randn_like(b)
    torch.testing.assert_close(torch.autograd.grad(a, x, grad)[0],
                               torch.autograd.grad(b, x, grad)[0], **TOLERANCE)


def test_pooling_the_slides_way():
    x = torch.tensor([[1., 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]).view(1, 1, 4, 4)
    assert max_pool2d(x, 2)[0, 0].tolist() == [[6, 8], [3, 4]]
    assert avg_pool2d(x, 2)[0, 0].tolist() == [[3.25, 5.25], [2, 2]]


def test_pooling_errors():
    with pytest.raises(ValueError, match="padding"):
        max_pool2d(torch.zeros(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(ValueError, match="larger"):
        avg_pool2d(torch.zeros(1, 1, 2, 2), 3)
