"""Wide ResNet (lecturekit/models/wide_resnet.py): block types, widths, dropout."""

import pytest
import torch
from torch import nn

from lecturekit import models
from lecturekit.models import wide_resnet


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
