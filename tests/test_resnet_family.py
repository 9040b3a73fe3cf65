"""ResNet v2, Wide ResNet, ResNeXt's three forms, stochastic depth and DenseNet: shapes of
every variant, behaviour. (Counts against the papers and torchvision: tests/models/test_registry.py.)"""

import pytest
import torch
from torch import nn

from lecturekit import analysis, models
from lecturekit.models import densenet, resnet, resnext, wide_resnet


def count(name, **options):
    return analysis.count_parameters(models.create(name, **options))


@pytest.mark.slow
def test_densenet264_follows_table_1():
    model = models.create("densenet264")
    blocks = [m for m in model.features if isinstance(m, densenet.DenseBlock)]
    assert [len(b.layers) for b in blocks] == [6, 12, 64, 48]
    assert count("densenet264") == 33_337_704


def test_dense_block_channels_grow_by_k_per_layer():
    block = densenet.DenseBlock(24, layers=16, growth_rate=12)
    assert block.out_channels == 24 + 16 * 12
    assert [layer.reduce[2].in_channels for layer in block.layers[:3]] == [24, 36, 48]
    assert block(torch.randn(2, 24, 8, 8)).shape == (2, 216, 8, 8)


def test_memory_efficient_densenet_computes_the_same_gradients():
    torch.manual_seed(0)
    plain = models.create("densenet_bc100_cifar", depth=40)
    efficient = models.create("densenet_bc100_cifar", depth=40, memory_efficient=True)
    efficient.load_state_dict(plain.state_dict())
    x = torch.randn(4, 3, 32, 32)
    grads = []
    for model in (plain, efficient):
        model.zero_grad()
        model(x).sum().backward()
        grads.append(model.features[0][0].weight.grad.clone())
    torch.testing.assert_close(grads[0], grads[1], atol=1e-4, rtol=1e-4)


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


@pytest.mark.parametrize("block", list(wide_resnet.BLOCK_TYPES))
def test_wide_resnet_block_types(block):
    model = models.create("wrn16_4", block=block, num_classes=10).eval()
    assert model(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    has_dropout = any(isinstance(m, nn.Dropout) for m in model.modules())
    assert has_dropout == (block == "wide-dropout")


def test_wide_dropout_sits_after_the_relu_and_before_the_second_convolution():
    block = wide_resnet.WideBlock(64, 64, dropout=0.3)
    kinds = [type(m).__name__ for m in block.residual]
    assert kinds == ["BatchNorm2d", "ReLU", "Conv2d", "BatchNorm2d", "ReLU", "Dropout", "Conv2d"]


def test_wide_resnet_widths_and_errors():
    model = models.create("wrn28_10")
    assert [model.stage1[0].residual[2].out_channels, model.stage2[0].residual[2].out_channels,
            model.stage3[0].residual[2].out_channels] == [160, 320, 640]
    assert len(model.stage1) == 4
    with pytest.raises(ValueError, match="6n\\+4"):
        wide_resnet.WideResNet(depth=27)
    with pytest.raises(ValueError, match="unknown block"):
        wide_resnet.WideResNet(block="huge")


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
    assert abs(count("preact_resnet20_cifar") - count("resnet20_cifar")) < 3_000
    assert models.create("preact_resnet20_cifar", depth=56)(torch.randn(1, 3, 32, 32)).shape == (1, 10)


@pytest.mark.parametrize("name", ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152"])
def test_imagenet_resnet_mult_adds_within_5_percent_of_table_1(name):
    from lecturekit.references import PUBLISHED

    ours = analysis.mult_adds(models.create(name), (1, 3, 224, 224))
    published = PUBLISHED[name]["mult_adds"].value
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


def test_residual_diagram_draws_every_step():
    from lecturekit import viz

    for block in (resnet.BasicBlock(16, 16), resnet.PreActBlock(16, 32, 2)):
        fig = viz.residual_diagram(block)
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert sum("ReLU" in t for t in texts) == block.layout.count("relu") + bool(block.after_add)
        assert any(t.startswith("shortcut:") for t in texts)
