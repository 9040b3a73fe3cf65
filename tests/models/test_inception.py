"""Inception v3 and the class-scale batch-norm network (lecturekit/models/inception.py)."""

import pytest
import torch

from lecturekit import analysis, models
from lecturekit.models import inception
from lecturekit.models.blocks import ConvNormAct


def test_inception_v3_with_the_auxiliary_head_equals_torchvisions():
    import torchvision

    with torch.device("meta"):      # counts only: no memory, no initialisation
        ours = analysis.count_parameters(models.create("inception_v3", aux_logits=True))
        theirs = torchvision.models.inception_v3(weights=None, aux_logits=True, init_weights=False)
    assert ours == analysis.count_parameters(theirs) == 27_161_264


@pytest.mark.slow
def test_inception_v3_returns_the_auxiliary_logits_in_training_only():
    model = models.create("inception_v3", num_classes=7, aux_logits=True)
    out, aux = model.train()(torch.randn(2, 3, 299, 299))
    assert out.shape == aux.shape == (2, 7)
    assert model.eval()(torch.randn(1, 3, 299, 299)).shape == (1, 7)


@pytest.mark.parametrize("module, in_shape, out_shape", [
    (inception.inception_35x35(192, 32), (1, 192, 35, 35), (1, 256, 35, 35)),
    (inception.reduction_35_to_17(288), (1, 288, 35, 35), (1, 768, 17, 17)),
    (inception.inception_17x17(768, 128), (1, 768, 17, 17), (1, 768, 17, 17)),
    (inception.reduction_17_to_8(768), (1, 768, 17, 17), (1, 1280, 8, 8)),
    (inception.inception_8x8(1280), (1, 1280, 8, 8), (1, 2048, 8, 8)),
    (inception.factorized(16, 16, 7), (1, 16, 9, 9), (1, 16, 9, 9)),
])
def test_module_shapes(module, in_shape, out_shape):
    assert module.eval()(torch.randn(in_shape)).shape == out_shape


def test_factorizing_7x7_into_1x7_and_7x1_saves_parameters():
    factor = inception.factorized(64, 64, 7)
    convs = [m for m in factor.modules() if isinstance(m, torch.nn.Conv2d)]
    assert sum(c.weight.numel() for c in convs) == 2 * 7 * 64 * 64   # against 49 * 64 * 64


def test_the_batch_norm_network_runs_with_and_without_batch_norm_and_with_sigmoids():
    for options in ({}, {"batch_norm": False}, {"activation": "sigmoid"}):
        net = models.create("inception_bn_small", **options)
        assert net(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    assert not any(isinstance(m, torch.nn.BatchNorm2d)
                   for m in models.create("inception_bn_small", batch_norm=False).modules())


def test_the_batch_norm_network_narrows_with_width_and_takes_16x16_images():
    full, narrow = models.create("inception_bn_small"), models.create("inception_bn_small", width=0.5)
    assert analysis.count_parameters(full) == 95_210
    assert analysis.count_parameters(narrow) < analysis.count_parameters(full) / 3
    assert narrow(torch.randn(2, 3, 16, 16)).shape == (2, 10)
    with pytest.raises(ValueError, match="width"):
        models.create("inception_bn_small", width=0)


def test_one_conv_bn_unit_serves_v3_and_the_small_network():
    v3 = inception.conv_bn(8, 16, 3)
    assert [type(m).__name__ for m in v3] == ["Conv2d", "BatchNorm2d", "ReLU"]
    assert v3[0].bias is None and v3[1].eps == 0.001
    plain = ConvNormAct(8, 16, 3, padding=1, norm=False, act=torch.nn.Sigmoid)
    assert [type(m).__name__ for m in plain] == ["Conv2d", "Sigmoid"] and plain[0].bias is not None
    assert plain(torch.zeros(1, 8, 5, 5)).shape == (1, 16, 5, 5)      # 'same' padding
