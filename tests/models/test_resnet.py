"""ResNet v1 and v2 for ImageNet and CIFAR, stochastic depth (lecturekit/models/resnet.py)."""

import pytest
import torch
from torch import nn

from lecturekit import analysis, models, references
from lecturekit.models import resnet


# --------------------------------------------------------------------------- the ResNet family
@pytest.mark.parametrize("depth", [20, 32, 44, 56, 110, pytest.param(1202, marks=pytest.mark.slow)])
def test_plain_cifar_networks_have_resnets_parameters_and_no_shortcuts(depth):
    ours = analysis.count_parameters(models.create(f"resnet{depth}_cifar"))
    plain = models.create(f"plain{depth}_cifar")
    assert analysis.count_parameters(plain) == ours            # option A shortcuts are free
    assert all(not block.has_shortcut for block in plain.modules()
               if type(block).__name__ == "CifarBlock")


def test_cifar_resnet_depth_must_be_6n_plus_2():
    from lecturekit.models.resnet import CifarResNet

    with pytest.raises(ValueError, match="6n\\+2"):
        CifarResNet(depth=21)


def test_zero_padding_shortcut():
    from lecturekit.models.resnet import ZeroPadShortcut

    x = torch.randn(2, 16, 32, 32)
    y = ZeroPadShortcut(16, 2)(x)
    assert y.shape == (2, 32, 16, 16)
    assert torch.equal(y[:, 8:24], x[:, :, ::2, ::2]) and y[:, :8].abs().sum() == 0


def test_stochastic_depth_drops_blocks_in_training_and_scales_at_test():
    from lecturekit.models.resnet import CifarBlock

    torch.manual_seed(0)
    block = CifarBlock(8, 8, survival=0.5)
    x = torch.randn(2, 8, 6, 6)
    block.train()
    for module in block.modules():                 # keep BN deterministic for the comparison
        if isinstance(module, torch.nn.BatchNorm2d):
            module.eval()
    dropped = [torch.equal(block(x), torch.relu(x)) for _ in range(200)]
    assert 60 < sum(dropped) < 140                 # about half of the passes skip the branch
    block.eval()
    with torch.no_grad():
        expected = torch.relu(0.5 * block.residual(x) + x)
        torch.testing.assert_close(block(x), expected)


def test_stochastic_depth_survival_decays_linearly_and_the_network_is_random_only_in_training():
    model = models.create("resnet20_cifar", survival_last=0.5)
    survivals = [b.survival for b in model.modules() if type(b).__name__ == "CifarBlock"]
    assert survivals[0] == pytest.approx(1 - 0.5 / 9) and survivals[-1] == pytest.approx(0.5)
    assert all(a > b for a, b in zip(survivals, survivals[1:]))
    # survival of block l is 1 - l/L * 0.5: the expected depth is L - 0.5 (L + 1) / 2 blocks
    assert sum(survivals) == pytest.approx(9 - 0.5 * 10 / 2)
    x = torch.randn(2, 3, 32, 32)
    model.eval()
    torch.testing.assert_close(model(x), model(x))           # deterministic at test time
    model.train()
    torch.manual_seed(0)
    outputs = {tuple(model(x)[0, :3].tolist()) for _ in range(3)}
    assert len(outputs) == 3                                 # a random subnetwork each pass


def count(name, **options):
    return analysis.count_parameters(models.create(name, **options))


def test_preactivation_units_have_no_relu_after_the_addition():
    unit = resnet.PreActBlock(16, 16)
    x = -torch.ones(1, 16, 4, 4) * 5
    out = unit.eval()(x)
    assert (out < 0).any()      # v1 units end in ReLU and cannot output negatives
    v1 = resnet.CifarBlock(16, 16).eval()
    assert (v1(x) >= 0).all()


@pytest.mark.parametrize("name, depth", [("preact_resnet164_cifar", 164), ("resnet164_cifar", 164)])
def test_bottleneck_cifar_resnets(name, depth):
    model = models.create(name).eval()
    assert model(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    weighted = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    shortcuts = 3   # one projection per stage, not counted in the depth
    assert len(weighted) - shortcuts == depth
    with pytest.raises(ValueError, match="9n\\+2"):
        resnet.CifarBottleneckResNet(depth=100)


def test_preact_resnet20_has_the_v1_layout():
    assert abs(count("preact_resnet_small") - count("resnet20_cifar")) < 3_000
    assert models.create("preact_resnet_small", depth=56)(torch.randn(1, 3, 32, 32)).shape == (1, 10)


@pytest.mark.parametrize("name", ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152"])
def test_imagenet_resnet_mult_adds_within_5_percent_of_table_1(name):
    with torch.device("meta"):       # the counter reads shapes only: no weights, no arithmetic
        ours = analysis.mult_adds(models.create(name), (1, 3, 224, 224), device="meta")
    published = references.entry(name).published("mult_adds").value
    assert abs(ours / published - 1) < 0.05


@pytest.mark.parametrize("block", [resnet.BasicBlock(16, 16), resnet.Bottleneck(64, 16),
                                   resnet.PreActBlock(16, 32, 2), resnet.PreActBottleneck(64, 16)])
def test_block_layout_is_the_order_of_forward(block):
    """The diagram's layout attribute must list the residual layers in the order they run."""
    order = []
    names = {m: n for n, m in block.named_children()}
    for module in names:
        module.register_forward_hook(lambda m, i, o: order.append(names[m]))
    block.eval()(torch.randn(1, block.conv1.in_channels if hasattr(block, "conv1") else 16, 8, 8))
    ran = [n for n in order if n != "shortcut"]
    assert ran == [step for step in block.layout if step != "relu"]


# --------------------------------------------------------------------------- block deletion
def test_deleting_a_residual_block_keeps_the_shortcut():
    model = resnet.CifarResNet(20, width=4).eval()
    x = torch.randn(2, 3, 16, 16)
    for stage, index in resnet.blocks(model):
        damaged = resnet.without_block(model, stage, index)
        assert damaged is not None and damaged(x).shape == (2, 10)
    assert len(resnet.blocks(model)) == 9


def test_plain_blocks_that_change_the_shape_cannot_be_deleted():
    model = resnet.CifarResNet(20, residual=False, width=4)
    deletable = [resnet.without_block(model, s, i) is not None for s, i in resnet.blocks(model)]
    assert deletable == [True, True, True, False, True, True, False, True, True]
