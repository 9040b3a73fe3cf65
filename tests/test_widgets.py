"""The demos, driven without a browser: set a control, check what changes."""

import pytest

from lecturekit import widgets


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
