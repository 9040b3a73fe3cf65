"""AlexNet (lecturekit/models/alexnet.py)."""

import pytest
import torch

from lecturekit import analysis, models
from lecturekit.models import alexnet


def test_alexnet_two_tower_layout():
    model = models.create("alexnet")
    groups = {name: block.conv.groups for name, block in model.features.named_children()}
    assert groups == {"conv1": 1, "conv2": 2, "conv3": 1, "conv4": 2, "conv5": 2}
    assert analysis.count_parameters(model) == 60_965_224
    assert analysis.count_parameters(model.classifier) > 0.9 * analysis.count_parameters(model)


def test_alexnet_small_channels_set_the_five_convolution_widths():
    model = models.create("alexnet_small", channels=(12, 32, 48, 48, 32), image_size=16)
    convs = [m for m in model.features if isinstance(m, torch.nn.Conv2d)]
    assert [c.out_channels for c in convs] == [12, 32, 48, 48, 32]
    assert [c.groups for c in convs] == [1, 2, 1, 2, 2]
    assert model.classifier[1].in_features == 32 * 2 * 2          # conv5's maps at 16 / 8 = 2
    assert model(torch.zeros(2, 3, 16, 16)).shape == (2, 10)
    default = models.create("alexnet_small")
    assert [m.out_channels for m in default.features if isinstance(m, torch.nn.Conv2d)] == [24, 64, 96, 96, 64]


def test_alexnet_small_rejects_channels_that_are_not_five_widths_divisible_by_groups():
    for bad in [(12, 32, 48, 48), (12, 33, 48, 48, 32), 2, (12, 32, 48, 48, 0), (12.0, 32, 48, 48, 32)]:
        with pytest.raises(ValueError, match=r"channels must be five positive integers divisible by groups=2"):
            models.create("alexnet_small", channels=bad)
    assert models.create("alexnet_small", channels=(3, 5, 7, 9, 11), groups=1)   # any widths without groups


def test_four_layer_nets_are_independent_copies_of_a_plain_network():
    torch.manual_seed(0)
    nets = alexnet.FourLayerNets(3, "tanh", width=4, image_size=16)
    for index, seed in enumerate((0, 1, 0)):
        nets.init_copy(index, seed, std=0.1)
    x = torch.randn(5, 3, 16, 16)
    logits = nets(x)
    assert logits.shape == (5, 3, 10)
    for index in range(3):
        assert torch.allclose(logits[:, index], nets.copy(index)(x), atol=1e-5)
    assert torch.equal(logits[:, 0], logits[:, 2])            # the same seed starts the same
    # a loss on one copy moves only that copy's weights
    logits[:, 1].sum().backward()
    grad = nets.convs[0].weight.grad.view(3, -1)
    assert grad[1].abs().sum() > 0 and grad[0].abs().sum() == 0 == grad[2].abs().sum()


def test_per_copy_learning_rates_lay_out_like_the_parameters():
    nets = alexnet.FourLayerNets(2, "relu", width=4, image_size=16)
    rates = nets.per_copy(torch.tensor([0.1, 0.2]))
    for parameter, rate in zip(nets.parameters_in_order(), rates):
        scaled = (rate * torch.ones_like(parameter)).reshape(2, -1)
        assert torch.all(scaled[0] == 0.1) and torch.all(scaled[1] == 0.2)




def test_four_layer_cifar_is_one_copy_of_figure_1s_network():
    model = models.create("four_layer_cifar", activation="tanh")
    assert model(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    with pytest.raises(ValueError, match="num_classes"):
        models.create("four_layer_cifar", num_classes=100)
