"""ResNeXt (lecturekit/models/resnext.py): the three equivalent forms."""

import torch

from lecturekit import analysis, models
from lecturekit.models import resnext


def test_resnext_forms_compute_the_same_function():
    split, concat, grouped = resnext.equivalent_forms(256, 32, 4, 256)
    x = torch.randn(2, 256, 8, 8)
    a = split(x)
    torch.testing.assert_close(concat(x), a, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(grouped(x), a, atol=1e-5, rtol=1e-5)
    assert (analysis.count_parameters(split) == analysis.count_parameters(concat)
            == analysis.count_parameters(grouped) == 70_144)   # the paper's "~70k" template


def test_resnext50_uses_32_groups_of_width_4():
    model = models.create("resnext50_32x4d")
    first = model.layer1[0].conv2
    assert first.groups == 32 and first.in_channels == 128
