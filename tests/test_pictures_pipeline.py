"""The slide pictures of the fully connected layer, end-to-end learning, the ILSVRC chart and
AlexNet's two towers are drawn from the layer, the references and the model."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lecturekit import models, references  # noqa: E402
from lecturekit.pictures import pipeline  # noqa: E402


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts + [ax.title]] + \
        [fig._suptitle.get_text() if fig._suptitle else ""]


def test_fully_connected_layer_counts_its_weights_and_shows_the_matrix():
    fig = pipeline.fully_connected_layer(inputs=5, outputs=3)
    assert isinstance(fig, Figure)
    words = " ".join(texts(fig))
    assert "15 weights + 3 biases" in words and "18 parameters" in words
    image = fig.axes[1].images[0]
    low, high = image.get_clim()
    assert low == pytest.approx(-high)            # symmetric colour limits for signed weights
    assert image.get_array().shape == (3, 5)      # (out_features, in_features)
    assert len(fig.axes) == 3                     # two panels and a colour bar
    plt.close(fig)


def test_fully_connected_layer_rejects_sizes_it_cannot_draw():
    with pytest.raises(ValueError, match="inputs and outputs"):
        pipeline.fully_connected_layer(inputs=0)


def test_pipeline_vs_hierarchy_marks_what_is_designed_and_what_is_learned():
    fig = pipeline.pipeline_vs_hierarchy()
    words = " ".join(texts(fig))
    for stage in ("hand-crafted", "low-level", "mid-level", "high-level", "trainable", "end to end"):
        assert stage in words
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["designed by hand", "learned from data"]
    plt.close(fig)


def test_ilsvrc_chart_draws_the_published_errors():
    fig = pipeline.ilsvrc_top5(last_year=2012)
    bars = fig.axes[0].patches
    expected = [r.top5_error for r in references.ILSVRC if r.year <= 2012]
    assert [b.get_height() for b in bars] == expected
    plt.close(fig)
    fig = pipeline.ilsvrc_top5()
    assert len(fig.axes[0].patches) == len(references.ILSVRC)
    plt.close(fig)


def test_alexnet_towers_reads_kernels_and_groups_from_the_model():
    fig = pipeline.alexnet_towers(models.create("alexnet"))
    words = texts(fig)
    assert "conv1\n11x11, 48" in words and "conv3\n3x3, 192" in words and "fc6\n4096" in words
    red = [p for p in fig.axes[0].patches if hasattr(p, "get_edgecolor")
           and type(p).__name__ == "FancyArrowPatch" and p.get_edgecolor()[:3] != (0.3, 0.3, 0.3)]
    assert red                                     # conv3 and the fc layers cross the towers
    plt.close(fig)
