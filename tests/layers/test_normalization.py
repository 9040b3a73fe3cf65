"""Batch normalization from scratch against torch: forward, running statistics, gradients,
and folding into the preceding convolution. Tolerance: 1e-5 absolute and relative (float32)."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lecturekit.layers import BatchNorm, batch_norm, fold_batch_norm, fold_batch_norms

TOL = dict(atol=1e-5, rtol=1e-5)


def _state(channels, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(channels, generator=g), torch.rand(channels, generator=g) + 0.5,
            torch.randn(channels, generator=g), torch.randn(channels, generator=g))


@pytest.mark.parametrize("shape", [(16, 5), (8, 3, 6, 7), (2, 4, 1, 1), (4, 3, 5)])
@pytest.mark.parametrize("training", [True, False])
def test_forward_and_running_statistics_equal_torch(shape, training):
    x = torch.randn(shape) * 3 + 1
    mean, var, weight, bias = _state(shape[1])
    ours_mean, ours_var = mean.clone(), var.clone()
    ours = batch_norm(x, ours_mean, ours_var, weight, bias, training, momentum=0.2, eps=1e-4)
    theirs = F.batch_norm(x, mean, var, weight, bias, training, momentum=0.2, eps=1e-4)
    torch.testing.assert_close(ours, theirs, **TOL)
    torch.testing.assert_close(ours_mean, mean, **TOL)
    torch.testing.assert_close(ours_var, var, **TOL)   # the unbiased variance, as torch keeps it


def test_without_affine_parameters_or_running_statistics():
    x = torch.randn(10, 4, 3, 3)
    torch.testing.assert_close(batch_norm(x, None, None, training=True),
                               F.batch_norm(x, None, None, training=True), **TOL)


def test_gradients_equal_torch():
    x = torch.randn(6, 3, 4, 4, requires_grad=True)
    _, _, weight, bias = _state(3)
    weight.requires_grad_(), bias.requires_grad_()
    ours = batch_norm(x, None, None, weight, bias, training=True)
    upstream = torch.randn_like(ours)
    grads = torch.autograd.grad((ours * upstream).sum(), (x, weight, bias))
    theirs = F.batch_norm(x, None, None, weight, bias, training=True)
    expected = torch.autograd.grad((theirs * upstream).sum(), (x, weight, bias))
    for g, e in zip(grads, expected):
        torch.testing.assert_close(g, e, atol=1e-4, rtol=1e-4)


def test_module_matches_nn_batchnorm2d_over_several_steps():
    torch.manual_seed(0)
    ours, theirs = BatchNorm(5), nn.BatchNorm2d(5)
    for _ in range(3):
        x = torch.randn(4, 5, 6, 6) * 2 + 0.5
        torch.testing.assert_close(ours(x), theirs(x), **TOL)
    torch.testing.assert_close(ours.running_mean, theirs.running_mean, **TOL)
    torch.testing.assert_close(ours.running_var, theirs.running_var, **TOL)
    ours.eval(), theirs.eval()
    x = torch.randn(1, 5, 6, 6)
    torch.testing.assert_close(ours(x), theirs(x), **TOL)
    assert sum(p.numel() for p in ours.parameters()) == 10


def test_clear_errors():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        batch_norm(torch.randn(1, 3), None, None, training=True)
    with pytest.raises(ValueError, match="running_mean"):
        batch_norm(torch.randn(4, 3), None, None, training=False)
    with pytest.raises(ValueError, match="expected 5 channels"):
        BatchNorm(5)(torch.randn(2, 4, 3, 3))
    with pytest.raises(ValueError, match="shape"):
        batch_norm(torch.randn(4), None, None, training=True)


@pytest.mark.parametrize("conv_bias, groups, stride", [(True, 1, 1), (False, 1, 2), (False, 4, 1)])
def test_folding_bn_into_the_convolution_gives_equal_outputs(conv_bias, groups, stride):
    torch.manual_seed(0)
    conv = nn.Conv2d(8, 12, 3, stride, padding=1, groups=groups, bias=conv_bias)
    bn = nn.BatchNorm2d(12)
    with torch.no_grad():
        for _ in range(5):
            bn(conv(torch.randn(16, 8, 10, 10)) * 3)  # learn running statistics
    bn.weight.data.uniform_(0.5, 2)
    bn.bias.data.normal_()
    bn.eval()
    x = torch.randn(3, 8, 10, 10)
    folded = fold_batch_norm(conv, bn)
    torch.testing.assert_close(folded(x), bn(conv(x)), atol=1e-4, rtol=1e-4)
    assert folded.bias is not None and folded.groups == groups


def test_folding_checks_the_widths():
    with pytest.raises(ValueError, match="output channels"):
        fold_batch_norm(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(5))


def test_fold_batch_norms_folds_every_pair_of_a_model():
    from lecturekit import models

    torch.manual_seed(0)
    model = models.create("inception_bn_small")
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(16, 3, 32, 32))
    model.eval()
    x = torch.randn(4, 3, 32, 32)
    expected = model(x)
    import copy
    folded = fold_batch_norms(copy.deepcopy(model))
    assert not any(isinstance(m, nn.BatchNorm2d) for m in folded.modules())
    torch.testing.assert_close(folded(x), expected, atol=1e-4, rtol=1e-4)
