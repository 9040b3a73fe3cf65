"""Slide pictures of Network in Network (lecturekit.pictures.nin)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from torch import nn  # noqa: E402

from lecturekit.models import create  # noqa: E402
from lecturekit.pictures import nin  # noqa: E402


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_mlpconv_panel_names_its_first_layer_kxk_and_the_others_1x1():
    fig = nin.linear_vs_mlpconv(hidden=(4, 4))
    labels = texts(fig)
    assert labels.count("k x k conv\n+ ReLU") == 1 and labels.count("1x1 conv\n+ ReLU") == 2
    assert len(fig.axes) == 2
    plt.close(fig)


def test_mlpconv_refuses_an_empty_or_too_wide_hidden_layer():
    for hidden in ((), (12,)):
        with pytest.raises(ValueError, match="hidden"):
            nin.linear_vs_mlpconv(hidden=hidden)


def test_nin_structure_reads_the_three_blocks_and_their_widths_from_the_model():
    fig = nin.nin_structure(create("nin_cifar10"))
    labels = texts(fig)
    assert [t for t in labels if t.startswith("mlpconv")] == ["mlpconv 1", "mlpconv 2", "mlpconv 3"]
    for label in ("5x5 conv, 192", "1x1 conv, 160", "1x1 conv, 96", "3x3 conv, 192", "1x1 conv, 10",
                  "96@32x32", "192@8x8", "10@8x8", "10@1x1"):
        assert label in labels
    plt.close(fig)


def test_nin_structure_follows_a_narrower_model():
    fig = nin.nin_structure(create("nin_cifar10", width=0.5))
    assert "1x1 conv, 80" in texts(fig)
    plt.close(fig)


def test_nin_structure_refuses_a_model_without_mlpconv_blocks():
    with pytest.raises(ValueError, match="mlpconv"):
        nin.nin_structure(nn.Conv2d(3, 8, 3))
