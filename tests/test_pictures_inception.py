"""Slide pictures of the GoogLeNet family (lecturekit.pictures.inception)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lecturekit import references  # noqa: E402
from lecturekit.pictures import inception  # noqa: E402


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title() for ax in fig.axes]


def test_the_module_with_reductions_shows_table_1s_widths_and_the_counted_cost():
    fig = inception.inception_module(reductions=True)
    labels = texts(fig)
    for label in ("1x1 conv, 64", "1x1 conv, 96", "3x3 conv, 128", "1x1 conv, 16", "5x5 conv, 32",
                  "1x1 conv, 32", "filter concatenation: 256 maps"):
        assert label in labels
    assert "163,696 parameters, 128.0M multiply-adds" in fig.axes[0].get_title()
    plt.close(fig)


def test_the_naive_module_passes_all_192_input_maps_on_to_416_output_maps():
    fig = inception.inception_module(reductions=False)
    assert "filter concatenation: 416 maps" in texts(fig)
    assert "303.5M multiply-adds" in fig.axes[0].get_title()
    plt.close(fig)


def test_a_reduction_sits_before_each_3x3_and_5x5_and_after_the_pooling():
    columns = inception.inception_module_columns(reductions=True)
    assert [[kind for _, kind in c] for c in columns] == [["1x1"], ["1x1", "conv"], ["1x1", "conv"],
                                                          ["pool", "1x1"]]


def test_an_unknown_table_row_is_refused_with_the_valid_rows():
    with pytest.raises(ValueError, match="3a"):
        inception.inception_module(key="6a")


def test_the_factorized_modules_are_three_titled_panels():
    fig = inception.factorized_modules()
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert [ax.get_title().split(":")[0] for ax in fig.axes] == ["Figure 5", "Figure 6", "Figure 7"]
    plt.close(fig)


def test_the_family_runs_from_v1_to_xception_with_the_published_figures():
    generations = inception.family()
    assert [g.year for g in generations] == sorted(g.year for g in generations)
    assert generations[0].name.startswith("Inception v1") and generations[-1].name == "Xception"
    v4 = next(g for g in generations if g.name == "Inception-v4")
    assert v4.parameters == references.entry("inception_v4").published("parameters").value
    assert v4.top1_error == 20.0
    fig = inception.googlenet_family()
    assert any("Inception-ResNet-v2 (2016)" in t and "55.8M parameters" in t for t in texts(fig))
    plt.close(fig)


def test_googlenet_is_drawn_with_each_modules_branch_widths_and_the_two_auxiliary_heads():
    from lecturekit.models.googlenet import TABLE_1

    fig = inception.googlenet_modules()
    labels = texts(fig)
    for key, (_, c1, c3r, c3, c5r, c5, pool) in TABLE_1.items():
        out = c1 + c3 + c5 + pool
        assert f"inception ({key}): {out} maps" in labels
        for text in (f"1x1\n{c1}", f"1x1\n{c3r}", f"3x3\n{c3}", f"1x1\n{c5r}", f"5x5\n{c5}", f"1x1\n{pool}"):
            assert text in labels
    heads = [t for t in labels if t.startswith("auxiliary classifier on")]
    assert [h.split("(")[1][:2] for h in heads] == ["4a", "4d"]
    plt.close(fig)
