"""MobileNetV2 (lecturekit/models/mobilenet.py) against the paper's Tables 1 and 2 and
torchvision's twin."""

import pytest
import torch

from lecturekit import analysis, models
from lecturekit.models import mobilenet
from lecturekit.models.blocks import ConvNormAct


def test_table_2_has_seventeen_bottlenecks_from_32_to_320_channels():
    assert sum(stage.n for stage in mobilenet.TABLE_2) == 17
    assert [stage.c for stage in mobilenet.TABLE_2] == [16, 24, 32, 64, 96, 160, 320]
    model = models.create("mobilenet_v2")
    blocks = [m for m in model.features if isinstance(m, mobilenet.InvertedResidual)]
    assert len(blocks) == 17 and len(model.features) == 19      # stem, 17 blocks, 1x1 to 1280


def test_the_block_expands_filters_depthwise_and_projects_without_relu():
    block = mobilenet.InvertedResidual(24, 24, stride=1, expansion=6)
    expand, depthwise, project, norm = block.conv
    assert isinstance(expand, ConvNormAct) and isinstance(expand[2], torch.nn.ReLU6)
    assert depthwise[0].groups == depthwise[0].in_channels == 144      # one filter per channel
    assert isinstance(project, torch.nn.Conv2d) and isinstance(norm, torch.nn.BatchNorm2d)
    assert block.use_residual and block(torch.zeros(1, 24, 8, 8)).shape == (1, 24, 8, 8)
    assert not mobilenet.InvertedResidual(24, 32, stride=2, expansion=6).use_residual


def test_torchvisions_imagenet_layout_loads_and_computes_the_same():
    import torchvision

    torch.manual_seed(0)
    theirs = torchvision.models.mobilenet_v2().eval()
    ours = models.create("mobilenet_v2").eval()
    ours.load_state_dict(theirs.state_dict(), strict=True)
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.allclose(ours(x), theirs(x), atol=1e-5)
    assert analysis.count_parameters(ours) == 3_504_872


@pytest.mark.parametrize("width", [0.35, 1.4])
def test_the_width_multiplier_matches_torchvisions(width):
    import torchvision

    with torch.device("meta"):
        ours = models.create("mobilenet_v2", width=width)
        theirs = torchvision.models.mobilenet_v2(width_mult=width)
    assert analysis.count_parameters(ours) == analysis.count_parameters(theirs)


def test_width_must_be_positive():
    with pytest.raises(ValueError, match="width must be a positive number"):
        models.create("mobilenet_v2", width=0)
