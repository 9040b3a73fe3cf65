"""Slide pictures of Part 1 (lecturekit.pictures.basics)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lecturekit.pictures import basics  # noqa: E402


def test_the_three_networks_have_the_slides_weight_counts():
    counts = {kind: len({w for _, _, w in basics.connections(kind, 8, 3)}) for kind in basics.KINDS}
    assert counts == {"fully connected": 8 * 6, "locally connected": 6 * 3, "convolutional": 3}


def test_locally_connected_and_convolutional_units_see_the_same_windows():
    local = {(i, o) for i, o, _ in basics.connections("locally connected")}
    conv = {(i, o) for i, o, _ in basics.connections("convolutional")}
    assert local == conv and all(o <= i < o + 3 for i, o in conv)


def test_an_unknown_kind_is_refused_with_the_valid_choices():
    with pytest.raises(ValueError, match="convolutional"):
        basics.connections("dense")


def test_three_networks_is_one_figure_with_three_titled_panels():
    fig = basics.three_networks()
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert [ax.get_title().split("\n")[1] for ax in fig.axes] == ["48 weights", "18 weights", "3 weights"]
    plt.close(fig)


def test_padding_stride_grids_print_the_formulas_output_sizes():
    fig = basics.padding_stride_grids()
    titles = [ax.get_title() for ax in fig.axes]
    assert [t.split("output ")[1] for t in titles] == ["3x3", "5x5", "3x3", "7x7"]
    plt.close(fig)


def test_the_multichannel_output_is_the_sum_of_the_partial_maps_plus_the_bias():
    ex = basics.multichannel_example()
    summed = ex["partial"].sum(dim=1) + ex["bias"].view(-1, 1, 1)
    assert torch.equal(summed, ex["output"])
    assert torch.equal(ex["output"], F.conv2d(ex["input"][None], ex["weight"], ex["bias"])[0])


def test_multichannel_convolution_draws_every_output_map():
    fig = basics.multichannel_convolution()
    titles = [ax.get_title() for ax in fig.axes]
    assert sum(t.startswith("output map") for t in titles) == 2
    assert sum(t.startswith("input channel") for t in titles) == 3
    plt.close(fig)


def test_lenet5_stages_have_figure_2s_shapes_and_labels():
    stages = basics.lenet5_stages()
    assert [shape for _, shape, _ in stages] == [(1, 32, 32), (6, 28, 28), (6, 14, 14), (16, 10, 10),
                                                 (16, 5, 5), (120, 1, 1), (84,), (10,)]
    assert [c for _, _, c in stages][-3:] == ["Full\nconnection", "Full\nconnection", "Gaussian\nconnections"]


def test_lenet5_figure_writes_the_windows_one_unit_reads():
    fig = basics.lenet5_figure()
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert [t for t in texts if "x" in t and "\n" not in t] == ["5x5", "2x2", "5x5", "2x2"]
    assert "C1: feature maps\n6@28x28" in texts
    plt.close(fig)


def test_lenet5_stages_refuse_a_model_without_lenets_layers():
    with pytest.raises(ValueError, match="c1"):
        basics.lenet5_stages(torch.nn.Sequential(torch.nn.Conv2d(1, 6, 5)))


def test_max_and_average_pooling_writes_what_f_max_pool2d_and_f_avg_pool2d_give():
    fig = basics.max_and_average_pooling()
    written = [[t.get_text() for t in ax.texts] for ax in fig.axes]
    assert written[1] == ["6", "8", "3", "4"] and written[2] == ["3.25", "5.25", "2", "2"]
    assert len(written[0]) == 16
    plt.close(fig)


def test_max_and_average_pooling_refuses_a_map_the_windows_do_not_tile():
    with pytest.raises(ValueError, match="window=2"):
        basics.max_and_average_pooling(torch.zeros(5, 4))
