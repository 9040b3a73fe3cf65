"""Xception and depthwise separable convolutions (lecturekit/models/xception.py)."""

import pytest
import torch

from lecturekit import analysis, models
from lecturekit.models import xception


def test_separable_convolution_count_is_depthwise_plus_pointwise():
    conv = xception.SeparableConv2d(32, 64)
    assert conv.depthwise.groups == 32
    assert analysis.count_parameters(conv) == 3 * 3 * 32 + 32 * 64


@pytest.mark.parametrize("module, in_shape, out_shape", [
    (xception.SeparableConv2d(16, 32), (1, 16, 9, 9), (1, 32, 9, 9)),
    (xception.XceptionBlock(64, [128, 128], downsample=True), (1, 64, 10, 10), (1, 128, 5, 5)),
    (xception.XceptionBlock(728, [728] * 3, downsample=False), (1, 728, 4, 4), (1, 728, 4, 4)),
])
def test_module_shapes(module, in_shape, out_shape):
    assert module.eval()(torch.randn(in_shape)).shape == out_shape


def test_the_class_scale_separable_network_has_a_fifth_of_the_regular_ones_parameters():
    sep, regular = models.create("separable_small"), models.create("separable_small", separable=False)
    assert analysis.count_parameters(sep) < analysis.count_parameters(regular) / 5
