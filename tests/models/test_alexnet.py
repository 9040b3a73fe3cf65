"""AlexNet (lecturekit/models/alexnet.py)."""

import pytest
import torch

from lecturekit import analysis, models


def test_alexnet_two_tower_layout():
    model = models.create("alexnet")
    groups = {name: block.conv.groups for name, block in model.features.named_children()}
    assert groups == {"conv1": 1, "conv2": 2, "conv3": 1, "conv4": 2, "conv5": 2}
    assert analysis.count_parameters(model) == 60_965_224
    assert analysis.count_parameters(model.classifier) > 0.9 * analysis.count_parameters(model)


def test_alexnet_cifar_channels_set_the_five_convolution_widths():
    model = models.create("alexnet_cifar", channels=(12, 32, 48, 48, 32), image_size=16)
    convs = [m for m in model.features if isinstance(m, torch.nn.Conv2d)]
    assert [c.out_channels for c in convs] == [12, 32, 48, 48, 32]
    assert [c.groups for c in convs] == [1, 2, 1, 2, 2]
    assert model.classifier[1].in_features == 32 * 2 * 2          # conv5's maps at 16 / 8 = 2
    assert model(torch.zeros(2, 3, 16, 16)).shape == (2, 10)
    default = models.create("alexnet_cifar")
    assert [m.out_channels for m in default.features if isinstance(m, torch.nn.Conv2d)] == [24, 64, 96, 96, 64]


def test_alexnet_cifar_rejects_channels_that_are_not_five_widths_divisible_by_groups():
    for bad in [(12, 32, 48, 48), (12, 33, 48, 48, 32), 2, (12, 32, 48, 48, 0), (12.0, 32, 48, 48, 32)]:
        with pytest.raises(ValueError, match=r"channels must be five positive integers divisible by groups=2"):
            models.create("alexnet_cifar", channels=bad)
    assert models.create("alexnet_cifar", channels=(3, 5, 7, 9, 11), groups=1)   # any widths without groups
