import pytest
import torch
import torch.nn.functional as F

from lecturekit.layers import (
    ACTIVATIONS,
    LocallyConnected2d,
    avg_pool2d,
    conv2d,
    conv2d_naive,
    max_pool2d,
)

TOLERANCE = dict(rtol=1e-5, atol=1e-5)  # float32 sums of up to a few hundred products


def locally_connected_loop(layer: LocallyConnected2d, x: torch.Tensor) -> torch.Tensor:
    """The definition, one output position at a time."""
    (kh, kw), (sh, sw), (ph, pw) = layer.kernel_size, layer.stride, layer.padding
    x = torch.nn.functional.pad(x, (pw, pw, ph, ph))
    out_h, out_w = layer.output_size
    out = torch.zeros(x.shape[0], layer.out_channels, out_h, out_w)
    for i in range(out_h):
        for j in range(out_w):
            patch = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].reshape(x.shape[0], -1)
            out[:, :, i, j] = patch @ layer.weight[i * out_w + j].T
    return out if layer.bias is None else out + layer.bias


@pytest.mark.parametrize("config", [
    dict(in_channels=1, out_channels=1, input_size=6, kernel_size=3),
    dict(in_channels=3, out_channels=4, input_size=(7, 5), kernel_size=(3, 2), stride=(2, 1),
         padding=1),
    dict(in_channels=2, out_channels=3, input_size=8, kernel_size=5, padding=2, bias=False),
    dict(in_channels=2, out_channels=2, input_size=9, kernel_size=3, stride=3),
])
def test_locally_connected_matches_the_loop_with_gradients(config):
    torch.manual_seed(0)
    layer = LocallyConnected2d(**config)
    size = layer.input_size
    x = torch.randn(2, config["in_channels"], *size, requires_grad=True)
    fast = layer(x)
    slow = locally_connected_loop(layer, x)
    torch.testing.assert_close(fast, slow, **TOLERANCE)
    grad_out = torch.randn_like(fast)
    grads_fast = torch.autograd.grad(fast, [x, *layer.parameters()], grad_out)
    grads_slow = torch.autograd.grad(slow, [x, *layer.parameters()], grad_out)
    for a, b in zip(grads_fast, grads_slow):
        torch.testing.assert_close(a, b, **TOLERANCE)


def test_locally_connected_weights_are_not_shared():
    layer = LocallyConnected2d(1, 1, 4, 3, padding=1, bias=False)
    assert layer.weight.shape == (16, 1, 9)
    x = torch.zeros(1, 1, 4, 4)
    x[0, 0, 1, 1] = 1.0
    shifted = torch.roll(x, 1, dims=-1)
    assert not torch.allclose(torch.roll(layer(x), 1, dims=-1), layer(shifted))


def test_locally_connected_rejects_the_wrong_input_size():
    layer = LocallyConnected2d(1, 1, 8, 3)
    with pytest.raises(ValueError, match="8x8"):
        layer(torch.zeros(1, 1, 9, 9))


# --------------------------------------------------------------------------- conv2d

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
