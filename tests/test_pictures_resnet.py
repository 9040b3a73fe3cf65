"""Slide pictures of the ResNet family and DenseNet (lecturekit.pictures.resnet)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lecturekit.pictures import resnet as pictures  # noqa: E402


def curves(*names):
    return {name: dict(step=[0, 10, 20], train_error=[90, 60, 40], test_step=[10, 20], test_error=[70, 55])
            for name in names}


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_degradation_draws_training_dashed_and_test_solid_for_every_network():
    fig = pictures.degradation(curves("plain-20", "plain-56", "ResNet-20", "ResNet-56"))
    train, test = fig.axes
    drawn = [line for line in train.lines if line.get_label().startswith(("plain", "ResNet"))]
    assert [line.get_linestyle() for line in drawn] == ["--"] * 4
    assert [line.get_label() for line in test.lines if line.get_linestyle() == "-"] == [
        "plain-20", "plain-56", "ResNet-20", "ResNet-56"]
    plt.close(fig)


def test_degradation_names_the_missing_curve_keys():
    with pytest.raises(ValueError, match="test_error"):
        pictures.degradation({"plain-20": dict(step=[1], train_error=[1], test_step=[1])})


def test_three_blocks_unravel_into_eight_paths_of_binomial_lengths():
    paths = pictures.unraveled_paths(3)
    assert len(paths) == 8 and len(set(paths)) == 8
    assert sorted(len(p) for p in paths) == [0, 1, 1, 1, 2, 2, 2, 3]


def test_the_unraveled_view_draws_one_row_per_path():
    fig = pictures.unraveled_view(3)
    assert isinstance(fig, Figure)
    assert sum(t.endswith(("block", "blocks")) for t in texts(fig)) == 8
    plt.close(fig)


def test_stochastic_depth_labels_the_linear_decay_of_survival():
    fig = pictures.stochastic_depth(blocks=4, survival_last=0.5)
    shown = texts(fig)
    assert {"0.88", "0.75", "0.62", "0.50"} <= set(shown)
    assert any("(expected: 2.75)" in t for t in shown)
    plt.close(fig)


def test_the_drawn_training_pass_is_a_typical_one_unless_a_seed_is_given():
    survival = [1 - (layer / 15) * 0.5 for layer in range(1, 16)]
    seed, kept = pictures._typical_draw(survival)
    assert sum(kept) == round(sum(survival)) == 11
    fig = pictures.stochastic_depth(blocks=15)
    assert any(t.startswith("11 of 15 blocks used") for t in texts(fig))
    plt.close(fig)


def test_the_resnext_block_counts_the_weights_of_the_built_modules():
    fig = pictures.resnext_block()
    titles = [ax.get_title() for ax in fig.axes]
    assert "69,632" in titles[0] and "70,144" in titles[1]
    plt.close(fig)


def test_every_dense_layer_reads_all_earlier_outputs():
    fig = pictures.dense_connectivity(layers=4, growth_rate=4, in_channels=6)
    shown = " ".join(texts(fig))
    for channels in (6, 10, 14, 18):
        assert f"reads {channels} ch" in shown
    assert "15 connections" in shown
    plt.close(fig)


@pytest.mark.parametrize("call", [lambda: pictures.unraveled_view(0),
                                  lambda: pictures.stochastic_depth(survival_last=0),
                                  lambda: pictures.dense_connectivity(layers=0),
                                  lambda: pictures.degradation({})])
def test_bad_arguments_are_refused_with_one_sentence(call):
    with pytest.raises(ValueError):
        call()
