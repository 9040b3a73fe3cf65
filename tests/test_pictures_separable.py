"""Slide pictures of the depthwise separable networks (lecturekit.pictures.separable)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from torch import nn  # noqa: E402

from lecturekit.models.mobilenet import InvertedResidual  # noqa: E402
from lecturekit.models.xception import XceptionBlock  # noqa: E402
from lecturekit.pictures import separable  # noqa: E402


def texts(ax):
    return [t.get_text() for t in ax.texts]


def test_the_labels_are_read_off_the_modules_batch_norm_left_out():
    assert separable.layer_labels(InvertedResidual(32, 32, 1, 6).conv) == [
        ("conv 1x1, 192", "1x1"), ("ReLU6", "io"), ("depthwise 3x3, 192", "separable"),
        ("ReLU6", "io"), ("conv 1x1, 32", "1x1")]
    block = XceptionBlock(64, [128, 128], downsample=True, relu_first=False)
    assert [text for text, _ in separable.layer_labels(block.residual)] == [
        "separable 3x3 conv, 128", "ReLU", "separable 3x3 conv, 128", "max pool 3x3, stride 2"]
    assert separable.layer_labels(block.shortcut) == [("conv 1x1, 128, stride 2", "1x1")]
    assert separable.layer_labels(nn.Sequential(nn.BatchNorm2d(4))) == []


def test_the_blocks_show_their_shortcuts_and_counted_parameters():
    fig = separable.residual_blocks()
    entry, middle, mobile = fig.axes
    assert "conv 1x1, 256, stride 2" in texts(entry) and "identity" not in texts(entry)
    assert texts(middle).count("separable 3x3 conv, 728") == 3 and "identity" in texts(middle)
    assert "depthwise 3x3, 192" in texts(mobile) and "identity" in texts(mobile)
    assert "1,613,976 parameters" in middle.get_title()
    assert "14,848 parameters" in mobile.get_title()
    plt.close(fig)
