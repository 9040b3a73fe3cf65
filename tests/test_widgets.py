"""The demos, driven without a browser: set a control, check what changes."""

import pytest
import torch
from matplotlib.figure import Figure

import lecturekit as lk
from lecturekit import interpret, widgets


def test_convolution_explorer_shows_the_formula_and_reacts():
    box = widgets.convolution_explorer()
    assert "= <b>3</b>" in box.formula.value          # 5x5 image, 3x3 kernel -> 3x3
    first_image = bytes(box.image.value)
    assert first_image.startswith(b"\x89PNG")
    box.controls["padding"].value = 1
    assert "= <b>5</b>" in box.formula.value
    assert box.controls["step"].max == 24
    box.controls["step"].value = 7
    assert "row 1, column 2" in box.formula.value
    box.controls["stride"].value = 2
    assert "= <b>3</b>" in box.formula.value and box.controls["step"].max == 8
    assert bytes(box.image.value) != first_image


def test_convolution_explorer_slide_values():
    box = widgets.convolution_explorer()
    values = []
    for step in range(9):
        box.controls["step"].value = step
        values.append(int(box.formula.value.split("value ")[1].rstrip(")")))
    assert values == [4, 3, 4, 2, 4, 3, 2, 3, 4]    # the slide's convolved feature


def test_convolution_explorer_explains_impossible_settings():
    box = widgets.convolution_explorer(size=3, kernel=3)
    box.controls["dilation"].value = 2
    assert "impossible" in box.formula.value and "dilation=2" in box.formula.value
    box.controls["padding"].value = 1
    assert "impossible" not in box.formula.value


def test_pooling_explorer():
    box = widgets.pooling_explorer()
    assert "4x4 &rarr; <b>2x2</b>" in box.formula.value
    before = box.formula.value
    box.controls["mode"].value = "average"
    assert box.formula.value != before and "avg pooling" in box.formula.value
    box.controls["stride"].value = 1
    assert "<b>3x3</b>" in box.formula.value


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_activation_explorer(name):
    box = widgets.activation_explorer(name)
    assert bytes(box.image.value).startswith(b"\x89PNG")
    largest = float(box.formula.value.split("<b>")[1].split("</b>")[0])
    assert largest == pytest.approx({"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}[name], abs=1e-3)


def test_activation_explorer_reports_saturation():
    box = widgets.activation_explorer("sigmoid")
    box.controls["range"].value = [-20, 20]
    saturated = float(box.formula.value.split("<b>")[2].split("%")[0])
    assert saturated > 50
    box.controls["name"].value = "relu"
    assert box.formula.value.startswith("relu:")


# --------------------------------------------------------------------------- network explorer
def _image(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def test_network_explorer_shows_a_layer_and_reacts_to_the_layer_and_unit_controls():
    box = widgets.network_explorer(lk.models.create("lenet5"), _image(1, 32, 32))
    assert box.message.value == "" and box.controls["layer"].value == "c1"
    assert "output <b>1x6x28x28</b>" in box.formula.value and "<b>5x5</b>" in box.formula.value
    assert "rows 14&ndash;18, columns 14&ndash;18" in box.unit.value      # the centre unit
    first = bytes(box.image.value)
    assert first.startswith(b"\x89PNG")
    box.controls["layer"].value = "s4"
    assert "1x16x5x5" in box.formula.value and "<b>16x16</b>" in box.formula.value
    assert box.controls["channel"].max == 15 and box.controls["row"].max == 4
    box.controls["col"].value = 0
    assert "columns 0&ndash;" in box.unit.value
    assert bytes(box.image.value) != first
    box.controls["layer"].value = "f6"                  # a vector: one unit index, no position
    assert box.controls["row"].disabled and box.controls["channel"].max == 83
    assert "whole input" in box.formula.value
    assert len(box.timings) >= 3 and all(len(t) == 2 for t in box.timings)


def test_network_explorer_puts_bad_input_in_one_sentence():
    lenet = lk.models.create("lenet5")
    box = widgets.network_explorer(lenet, _image(3, 32, 32))
    assert "image has 3 channel(s)" in box.message.value and not box.controls
    box = widgets.network_explorer(lenet, _image(1, 20, 20))
    assert "does not fit LeNet5" in box.message.value and "Traceback" not in box.message.value
    box = widgets.network_explorer(lenet, _image(1, 32, 32), layer="conv9")
    assert "&#x27;conv9&#x27; is not a layer of LeNet5; choose one of" in box.message.value
    assert box.image.value                             # the explorer still works, on c1


def test_network_figure_draws_a_report_without_a_widget():
    report = interpret.layer_report(lk.models.create("resnet20_cifar"), _image(3, 32, 32), "stage2")
    figure = widgets.network_figure(report, _image(3, 32, 32), channel=31, row=3, col=4)
    assert isinstance(figure, Figure)
    assert "maps 0-31 of 32" in figure.axes[1].get_title()
    assert "row 3, column 4" in figure.axes[2].get_title()


@pytest.mark.slow
def test_network_explorer_works_on_torchvision_densenet121():
    torchvision = pytest.importorskip("torchvision")
    box = widgets.network_explorer(torchvision.models.densenet121(), _image(1, 3, 224, 224))
    assert box.message.value == "" and box.controls["layer"].value == "features.conv0"
    box.controls["layer"].value = "features.transition1"
    assert "1x128x28x28" in box.formula.value and box.image.value


# --------------------------------------------------------------------------- several channels
def test_multichannel_explorer_sums_the_channels_and_the_bias():
    box = widgets.multichannel_conv_explorer()
    assert "output <b>2x3x3</b>" in box.formula.value            # 5x5x3, stride 2, padding 1
    assert box.controls["step"].max == 8 and "input channel G" in box.tables.value
    x = widgets._demo_input()
    weight, bias = widgets.kernel_presets()["random -1/0/1 (CS231n demo)"]
    expected = torch.nn.functional.conv2d(x[None], weight, bias, stride=2, padding=1)[0]
    for step in (0, 4, 8):
        box.controls["step"].value = step
        box.controls["filter"].value = 1
        total = float(box.formula.value.rsplit("<b>", 1)[1].split("</b>")[0])
        assert total == pytest.approx(expected[1, step // 3, step % 3].item())
        terms = box.formula.value.split("bias = ")[1].split(" = ")[0].split(" + ")
        assert sum(map(float, terms)) == pytest.approx(total)


def test_multichannel_explorer_takes_kernels_as_text_and_explains_mistakes():
    box = widgets.multichannel_conv_explorer(preset="edges: vertical, horizontal")
    assert box.kernels[0][0].value == "1 0 -1; 2 0 -2; 1 0 -1"
    before = box.formula.value
    box.kernels[0][0].value = "0 0 0; 0 5 0; 0 0 0"
    assert box.formula.value != before and box.message.value == ""
    box.kernels[0][1].value = "1 x; 2 3"
    assert "kernel 0: G: could not read" in box.message.value
    box.kernels[0][1].value = "1 1; 1 1"
    assert "same size" in box.message.value
    with pytest.raises(ValueError, match="square kernel"):
        widgets.parse_kernel("1 2 3; 4 5")


def test_multichannel_explorer_on_a_real_image_draws_pictures():
    box = widgets.multichannel_conv_explorer(image=_image(3, 32, 32))
    box.controls["input"].value = "your image"
    assert "output <b>2x16x16</b>" in box.formula.value and box.tables.value == ""
    assert bytes(box.image.value).startswith(b"\x89PNG")
    box = widgets.multichannel_conv_explorer(image=_image(1, 32, 32))
    box.controls["input"].value = "your image"
    assert "image must have 3 channels" in box.message.value
