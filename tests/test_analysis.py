import math

import pytest
import torch
from torch import nn

from lecturekit import analysis, models


def test_the_slides_example():
    assert analysis.fully_connected_params(1000, 1_000_000) == 10**12
    assert analysis.locally_connected_params(1000, 10) == 100_000_000
    assert analysis.conv_params(10, 100) == 10_000


def test_counts_agree_with_real_layers():
    assert analysis.fully_connected_params(8, 5, channels=3, bias=True) == \
        sum(p.numel() for p in nn.Linear(3 * 8 * 8, 5).parameters())
    assert analysis.conv_params(3, 16, in_channels=8, bias=True, groups=2) == \
        sum(p.numel() for p in nn.Conv2d(8, 16, 3, groups=2).parameters())
    from lecturekit.layers import LocallyConnected2d

    layer = LocallyConnected2d(2, 3, (9, 7), (3, 2), stride=2, padding=1)
    assert analysis.locally_connected_params((9, 7), (3, 2), out_channels=3, in_channels=2,
                                             stride=2, padding=1, bias=True) == \
        analysis.count_parameters(layer)


@pytest.mark.parametrize("call, argument", [
    (lambda: analysis.fully_connected_params(-5, 10), "image_size"),
    (lambda: analysis.fully_connected_params(10, 0), "hidden_units"),
    (lambda: analysis.locally_connected_params(8, 10), "kernel_size"),
    (lambda: analysis.locally_connected_params(0, 3), "image_size"),
    (lambda: analysis.conv_params(5, 4, image_size=3), "kernel_size"),
    (lambda: analysis.conv_params(3, -1), "out_channels"),
    (lambda: analysis.conv_params(3, 6, in_channels=4, groups=4), "groups"),
])
def test_bad_input_names_the_argument(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


@pytest.mark.parametrize("size, k, s, p, d, expected", [
    (5, 3, 1, 0, 1, 3), (32, 5, 1, 2, 1, 32), (224, 11, 4, 2, 1, 55), (7, 3, 2, 1, 1, 4),
    (10, 3, 1, 0, 2, 6), (1, 1, 1, 0, 1, 1),
])
def test_conv_output_size_matches_torch(size, k, s, p, d, expected):
    assert analysis.conv_output_size(size, k, s, p, d) == expected
    out = nn.Conv2d(1, 1, k, s, p, d)(torch.zeros(1, 1, size, size))
    assert out.shape[-1] == expected


@pytest.mark.parametrize("kwargs, words", [
    (dict(size=3, kernel_size=5), "kernel_size=5"),
    (dict(size=5, kernel_size=3, dilation=3), "dilation=3"),
    (dict(size=5, kernel_size=3, stride=0), "stride"),
    (dict(size=5, kernel_size=3, padding=-1), "padding"),
    (dict(size=-2, kernel_size=1), "size"),
])
def test_conv_output_size_errors_say_why(kwargs, words):
    with pytest.raises(ValueError, match=words):
        analysis.conv_output_size(**kwargs)


def test_the_stack_formula_is_the_graph_rule_grow_applied_layer_by_layer():
    axis = analysis.INPUT_AXIS
    for kernel, stride in [(3, 1), (2, 2), (3, 1)]:
        axis = analysis.grow(axis, kernel, stride, padding=1)
    jump, lo, hi = axis
    assert (hi - lo + 1, jump) == (analysis.receptive_field([(3, 1), (2, 2), (3, 1)]).size, 2)
    assert analysis.module_window(nn.Conv2d(1, 1, 5, padding="same", dilation=2)) == \
        ((5, 5), (1, 1), (4, 4), (2, 2))
    assert analysis.module_window(nn.MaxPool2d(3, padding=1)) == ((3, 3), (3, 3), (1, 1), (1, 1))
    assert analysis.module_window(nn.ReLU()) is None


def test_receptive_field():
    assert analysis.receptive_field([(3, 1), (3, 1)]).size == 5    # two 3x3 see 5x5
    assert analysis.receptive_field([(3, 1)] * 3).size == 7        # three see 7x7
    stack = nn.Sequential(nn.Conv2d(1, 1, 5), nn.MaxPool2d(2), nn.Conv2d(1, 1, 5), nn.ReLU(),
                          nn.MaxPool2d(2))
    field = analysis.receptive_field(stack)
    assert field.sizes == [5, 6, 14, 16] and field.jumps == [1, 2, 2, 4]
    with pytest.raises(ValueError):
        analysis.receptive_field([nn.ReLU()])


def test_summary_of_lenet():
    table = analysis.summary(models.create("lenet5"), (1, 1, 32, 32))
    assert table.total_parameters == 61_706
    c1 = table.rows[0]
    assert (c1.name, c1.output_shape, c1.parameters, c1.mult_adds) == \
        ("c1", (1, 6, 28, 28), 156, 6 * 28 * 28 * 25)
    text = str(table)
    assert "61,706" in text and "multiply-adds" in text
    assert "<table>" in table._repr_html_()
    assert analysis.mult_adds(models.create("lenet5"), (1, 1, 32, 32)) == table.total_mult_adds


def test_feature_maps_of_each_layer():
    model = models.create("lenet5")
    maps = analysis.feature_maps(model, torch.zeros(1, 1, 32, 32))
    assert maps["c1"].shape == (1, 6, 28, 28) and maps["output"].shape == (1, 10)


def test_feature_maps_keep_the_batch_dimension_and_the_order_asked_for():
    model = models.create("lenet5")
    maps = analysis.feature_maps(model, torch.randn(5, 1, 32, 32), ["s2", "c1"])
    assert list(maps) == ["s2", "c1"] and maps["c1"].shape == (5, 6, 28, 28)


def test_a_layer_before_an_in_place_relu_keeps_its_own_output():
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(inplace=True))
    maps = analysis.feature_maps(model, torch.randn(2, 1, 8, 8, generator=torch.Generator().manual_seed(0)))
    assert (maps["0"] < 0).any() and (maps["1"] >= 0).all()
    assert model[1].inplace                                          # given back as it was


class _Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3, padding=1)

    def forward(self, x):
        return x + self.conv(x)


def test_feature_maps_reach_graph_nodes_that_are_not_modules_and_pairs_name_them():
    model, x = _Residual(), torch.randn(1, 2, 5, 5)
    maps = analysis.feature_maps(model, x, ["add", ("the conv", model.conv)])
    assert torch.allclose(maps["add"], x + maps["the conv"])


def test_a_model_torch_fx_cannot_trace_gets_its_feature_maps_from_hooks(untraceable_model):
    model = untraceable_model
    maps = analysis.feature_maps(model, torch.randn(1, 1, 6, 6))
    assert maps["conv"].shape == (1, 2, 4, 4)
    with pytest.raises(ValueError, match="modules: 'relu' is neither a layer that torch.fx finds"):
        analysis.feature_maps(model, torch.randn(1, 1, 6, 6), ["relu"])


def test_feature_maps_reject_modules_that_are_neither_names_nor_pairs():
    with pytest.raises(TypeError, match="modules must be layer names or \\(name, module\\) pairs"):
        analysis.feature_maps(_Residual(), torch.randn(1, 2, 5, 5), [3])


def test_evaluating_switches_to_evaluation_mode_and_gives_back_the_mode_it_had():
    import lecturekit as lk

    model = nn.Sequential(nn.Dropout(), nn.BatchNorm1d(3))
    with lk.evaluating(model) as same:
        assert same is model and not model.training and not model[1].training
    assert model.training and model[1].training
    model.eval()
    with analysis.evaluating(model):
        pass
    assert not model.training


def test_evaluating_restores_training_mode_after_an_exception():
    model = nn.Sequential(nn.Dropout())
    with pytest.raises(ZeroDivisionError), analysis.evaluating(model):
        assert not model.training
        raise ZeroDivisionError("the block fails")
    assert model.training and model[0].training


def test_evaluating_names_its_argument_when_given_no_model():
    with pytest.raises(TypeError, match="model must be an nn.Module"):
        with analysis.evaluating("lenet5"):
            pass


def test_counting_and_feature_maps_leave_a_training_model_training():
    model = models.create("lenet5").train()
    analysis.feature_maps(model, torch.zeros(1, 1, 32, 32))
    analysis.summary(model, (1, 1, 32, 32))
    assert model.training


def test_binomial_margin_is_three_standard_errors_of_two_independent_rates():
    margin = analysis.binomial_margin(0.2, 0.3, 1000)
    assert margin == pytest.approx(3 * math.sqrt(0.2 * 0.8 / 1000 + 0.3 * 0.7 / 1000))
    assert analysis.binomial_margin(0.2, 0.3, 1000, z=2) < margin
    with pytest.raises(ValueError, match="p2"):
        analysis.binomial_margin(0.2, 30, 1000)


def test_paired_margin_counts_only_the_images_the_networks_disagree_on():
    a = torch.tensor([True] * 60 + [False] * 40)
    same = analysis.paired_margin(a, a)
    assert same == 0                                   # identical answers: no noise in the gap
    b = a.clone()
    b[:10] = False                                     # 10 of 100 images discordant
    assert analysis.paired_margin(a, b) == pytest.approx(3 * math.sqrt(10) / 100)
    # far smaller than two independent test sets of the same size
    assert analysis.paired_margin(a, b) < analysis.binomial_margin(0.6, 0.5, 100)
    with pytest.raises(ValueError, match="right_a and right_b"):
        analysis.paired_margin(a, b[:50])
