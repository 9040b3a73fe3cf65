"""Convolution from scratch (lecturekit/layers/conv.py) against torch."""

import pytest
import torch
import torch.nn.functional as F

from lecturekit.layers import (
    conv2d,
    conv2d_naive,
)

TOLERANCE = dict(rtol=1e-5, atol=1e-5)  # float32 sums of up to a few hundred products


CONV_CASES = [
    # (batch, in, out, H, W, kernel, stride, padding, dilation, groups)
    (2, 3, 4, 7, 7, (3, 3), 1, 0, 1, 1),
    (1, 4, 6, 9, 8, (3, 2), (2, 1), 1, 1, 2),     # non-square kernel, asymmetric stride
    (3, 6, 6, 10, 11, (3, 3), 1, 2, 2, 6),        # depthwise, dilated
    (2, 2, 3, 8, 8, (1, 1), 2, 0, 1, 1),          # 1x1, strided
    (1, 4, 8, 12, 9, (5, 3), (1, 2), (2, 1), (1, 2), 4),
    (2, 3, 5, 6, 6, (2, 2), 1, "same", 1, 1),     # even kernel, 'same' padding
    (2, 3, 4, 8, 8, (3, 3), 1, "valid", 1, 1),
]


@pytest.mark.parametrize("case", CONV_CASES)
@pytest.mark.parametrize("implementation", [conv2d, conv2d_naive], ids=["unfold", "naive"])
def test_conv2d_matches_torch_forward_and_gradients(case, implementation):
    n, c, o, h, w, k, s, p, d, g = case
    torch.manual_seed(hash(case) % 1000)
    x = torch.randn(n, c, h, w, requires_grad=True)
    weight = torch.randn(o, c // g, *k, requires_grad=True)
    bias = torch.randn(o, requires_grad=True)
    ours = implementation(x, weight, bias, s, p, d, g)
    theirs = F.conv2d(x, weight, bias, s, p, d, g)
    torch.testing.assert_close(ours, theirs, **TOLERANCE)
    grad = torch.randn_like(theirs)
    for a, b in zip(torch.autograd.grad(ours, (x, weight, bias), grad),
                    torch.autograd.grad(theirs, (x, weight, bias), grad)):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4)


def test_conv2d_on_many_random_shapes():
    g = torch.Generator().manual_seed(0)
    for _ in range(40):
        def r(lo, hi):
            return int(torch.randint(lo, hi + 1, (1,), generator=g))
        groups = r(1, 3)
        c, o = groups * r(1, 3), groups * r(1, 3)
        kh, kw, dh, dw = r(1, 4), r(1, 4), r(1, 2), r(1, 2)
        ph, pw, sh, sw = r(0, 2), r(0, 2), r(1, 3), r(1, 3)
        h = max(dh * (kh - 1) + 1, r(3, 12))
        w = max(dw * (kw - 1) + 1, r(3, 12))
        x = torch.randn(r(1, 3), c, h, w, generator=g)
        weight = torch.randn(o, c // groups, kh, kw, generator=g)
        args = ((sh, sw), (ph, pw), (dh, dw), groups)
        torch.testing.assert_close(conv2d(x, weight, None, *args, images_per_chunk=r(1, 3)),
                                   F.conv2d(x, weight, None, *args), **TOLERANCE)


def test_the_slides_convolution_example():
    image = torch.tensor([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0],
                          [0, 1, 1, 0, 0]], dtype=torch.float32).view(1, 1, 5, 5)
    kernel = torch.tensor([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=torch.float32).view(1, 1, 3, 3)
    expected = torch.tensor([[4, 3, 4], [2, 4, 3], [2, 3, 4]], dtype=torch.float32)
    assert torch.equal(conv2d(image, kernel)[0, 0], expected)
    assert torch.equal(conv2d_naive(image, kernel)[0, 0], expected)


@pytest.mark.parametrize("kwargs, words", [
    (dict(groups=2), "groups=2"),
    (dict(stride=0), "stride"),
    (dict(padding=-1), "padding"),
    (dict(stride=2, padding="same"), "same"),
])
def test_conv2d_errors(kwargs, words):
    x, weight = torch.zeros(1, 3, 5, 5), torch.zeros(2, 3, 3, 3)
    with pytest.raises(ValueError, match=words):
        conv2d(x, weight, **kwargs)


def test_conv2d_kernel_larger_than_input():
    with pytest.raises(ValueError, match="larger"):
        conv2d(torch.zeros(1, 1, 3, 3), torch.zeros(1, 1, 5, 5))
