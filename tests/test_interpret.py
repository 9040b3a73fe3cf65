"""lk.interpret: layer reports of any network, receptive fields along the graph, what a
trained network learned (filters, feature maps) and class activation maps."""

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure
from torch import nn

import lecturekit as lk
from lecturekit import interpret
from lecturekit.analysis import receptive_field


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _image(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def _gradient_box(model, x, layer, channel, row, col):
    """Bounding box (top, left, bottom, right) of the input pixels with a non-zero gradient
    of one unit: the pixels that unit actually depends on."""
    x = x[None].clone().requires_grad_(True)
    outputs = {}
    handle = model.get_submodule(layer).register_forward_hook(lambda m, i, o: outputs.update(o=o))
    model.eval()
    model(x)
    handle.remove()
    unit = outputs["o"][0, :, row, col]
    unit[unit.argmax() if channel is None else channel].backward()   # default: an active unit
    rows, cols = torch.nonzero(x.grad[0].abs().sum(0), as_tuple=True)
    return rows.min().item(), cols.min().item(), rows.max().item(), cols.max().item()


class Branches(nn.Module):
    """Two branches with different windows, added and concatenated (a tiny Inception/ResNet)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(2, 4, 3, stride=2, padding=1)
        self.wide = nn.Conv2d(4, 4, 5, padding=2)
        self.narrow = nn.Conv2d(4, 4, 3, padding=2, dilation=2)
        self.pool = nn.AvgPool2d(2)
        self.head = nn.Conv2d(8, 3, 3)

    def forward(self, x):
        x = self.stem(x)
        a, b = self.wide(x), self.narrow(x)
        return self.head(self.pool(torch.cat([a + b, b], 1)))


def test_layer_report_counts_shape_parameters_and_mult_adds_of_lenet5():
    report = interpret.layer_report(lk.models.create("lenet5"), _image(1, 32, 32), "c1")
    assert report.output_shape == (1, 6, 28, 28) and report.kind == "Conv2d"
    assert report.parameters == 6 * 25 + 6
    assert report.mult_adds == 6 * 28 * 28 * 25
    assert report.activation.shape == (6, 28, 28)
    assert "receptive field <b>5x5</b>" in report.html()


def test_receptive_fields_agree_with_the_formula_for_a_plain_stack():
    model = lk.models.create("lenet5")
    probe = interpret.NetworkProbe(model, _image(1, 32, 32))
    stack = [model.c1, model.s2, model.c3, model.s4]
    expected = receptive_field(stack)
    for name, size, jump in zip(["c1", "s2", "c3", "s4"], expected.sizes, expected.jumps):
        report = probe.report(name)
        assert report.receptive_field == (size, size) and report.jump == (jump, jump)
    assert probe.report("f6").receptive_field == (32, 32)     # after flattening: everything
    assert probe.report("f6").jump == (0, 0)


def test_receptive_field_through_branches_is_exactly_what_the_gradient_reaches():
    torch.manual_seed(0)
    model, x = Branches(), _image(2, 24, 24)
    probe = interpret.NetworkProbe(model, x)
    for layer, (row, col) in [("wide", (5, 6)), ("narrow", (0, 0)), ("head", (2, 1)), ("head", (3, 3))]:
        report = probe.report(layer)
        assert report.region(row, col) == _gradient_box(model, x, layer, 0, row, col), layer


def test_receptive_field_of_a_resnet_contains_every_pixel_the_unit_depends_on():
    torch.manual_seed(0)
    model, x = lk.models.create("resnet20_cifar"), _image(3, 32, 32)
    probe = interpret.NetworkProbe(model, x)
    for layer, (row, col) in [("stage1.0", (3, 4)), ("stage2.0", (5, 2)), ("stage2.2.conv2", (8, 8))]:
        top, left, bottom, right = probe.report(layer).region(row, col)
        g_top, g_left, g_bottom, g_right = _gradient_box(model, x, layer, None, row, col)
        assert top <= g_top and left <= g_left and bottom >= g_bottom and right >= g_right
    assert probe.report("stage3").receptive_field[0] > 32     # larger than the image


def test_layer_report_names_the_argument_and_the_choices_for_bad_input():
    model = lk.models.create("lenet5")
    with pytest.raises(ValueError, match=r"layer 'conv9' is not a layer of LeNet5; choose one of: c1"):
        interpret.layer_report(model, _image(1, 32, 32), "conv9")
    with pytest.raises(ValueError, match=r"image has 3 channel\(s\) but .*'c1' expects 1"):
        interpret.layer_report(model, _image(3, 32, 32), "c1")
    with pytest.raises(ValueError, match=r"image of shape \(1, 1, 20, 20\) does not fit LeNet5"):
        interpret.layer_report(model, _image(1, 20, 20), "c1")
    with pytest.raises(ValueError, match="image must be one image"):
        interpret.layer_report(model, _image(2, 1, 32, 32), "c1")


def test_a_model_that_cannot_be_traced_still_gets_shapes_and_feature_maps(untraceable_model):
    report = interpret.layer_report(untraceable_model, _image(1, 8, 8), "conv")
    assert report.output_shape == (1, 2, 6, 6) and report.activation.shape == (2, 6, 6)
    assert report.receptive_field is None and report.region(0, 0) is None
    assert "torch.fx could not trace" in report.html()


def test_layer_outputs_are_the_feature_maps_of_one_image_without_the_batch_dimension():
    model, image = lk.models.create("resnet20_cifar"), _image(3, 32, 32)
    one = interpret.layer_outputs(model, image, ["stem.0", "stage1.0.add"])
    batch = lk.analysis.feature_maps(model, image[None], ["stem.0", "stage1.0.add"])
    assert one.keys() == batch.keys() and all(torch.equal(one[k], batch[k][0]) for k in one)


def test_first_layer_filters_and_feature_maps_are_labelled_figures():
    model = lk.models.create("resnet20_cifar")
    figure = interpret.first_layer_filters_figure(model)
    assert isinstance(figure, Figure) and "16 filters 3x3x3" in figure.get_suptitle()
    figure = interpret.first_layer_filters_figure(lk.models.create("lenet5"))
    assert len(figure.axes) == 6 + 1                                   # six filters, a colour bar
    figure = interpret.feature_maps_figure(model, _image(3, 32, 32), max_maps=4)
    labels = [ax.get_ylabel() for ax in figure.axes if ax.get_ylabel()]
    assert labels[0].startswith("stem.0\n16@32x32") and labels[-1].endswith("64@8x8")  # low to high
    with pytest.raises(ValueError, match="layers: 'nope' is not a layer of CifarResNet"):
        interpret.feature_maps_figure(model, _image(3, 32, 32), layers=["nope"])


def test_cam_equals_grad_cam_up_to_scale_for_global_average_pooling_and_a_linear_layer():
    torch.manual_seed(0)
    model, x = lk.models.create("resnet20_cifar"), _image(3, 32, 32)
    cam = interpret.class_activation_map(model, x, target=3)
    grad = interpret.grad_cam(model, x, target=3)
    assert cam.layer == grad.layer and cam.map.shape == grad.map.shape == (8, 8)
    positions = cam.map.numel()
    # Grad-CAM's weights are W[c] / (h*w): the two maps differ by that factor (and the ReLU)
    assert torch.allclose(cam.map.clamp(min=0), grad.map * positions, atol=1e-5)
    # the CAM's mean plus the bias is the logit itself
    assert cam.map.mean().item() + model.head[2].bias[3].item() == pytest.approx(cam.score, abs=1e-4)


def test_cam_for_a_network_whose_last_maps_are_the_class_scores():
    model, x = lk.models.create("nin_small"), _image(3, 32, 32)
    cam = interpret.class_activation_map(model, x)
    assert cam.map.mean().item() == pytest.approx(cam.score, abs=1e-4)


def test_cam_refuses_a_network_without_global_average_pooling_and_grad_cam_works():
    model, x = lk.models.create("lenet5"), _image(1, 32, 32)
    with pytest.raises(ValueError, match="use grad_cam"):
        interpret.class_activation_map(model, x)
    result = interpret.grad_cam(model, x, target=2)
    assert result.layer == "s4" and result.map.shape == (5, 5) and (result.map >= 0).all()
    assert result.upsampled().shape == (32, 32)
    with pytest.raises(ValueError, match="target must be a class index from 0 to 9"):
        interpret.grad_cam(model, x, target=10)
    with pytest.raises(ValueError, match="layer: 'f6' has output shape"):
        interpret.grad_cam(model, x, layer="f6")
    figure = interpret.overlay_figure(x, result, classes=[str(i) for i in range(10)])
    assert "Grad-CAM for '2'" in figure.get_suptitle()


def test_grad_cam_leaves_in_place_activations_and_training_mode_as_they_were():
    model = lk.models.create("resnet20_cifar").train()
    inplace = [m for m in model.modules() if getattr(m, "inplace", False)]
    interpret.grad_cam(model, _image(3, 32, 32))
    assert model.training and all(m.inplace for m in inplace)


@pytest.mark.slow
def test_densenet121_layer_report_and_grad_cam():
    torchvision = pytest.importorskip("torchvision")
    model, x = torchvision.models.densenet121(), _image(3, 224, 224)
    probe = interpret.NetworkProbe(model, x)
    report = probe.report("features.denseblock4.denselayer16.conv2")
    assert report.output_shape == (1, 32, 7, 7) and report.parameters == 32 * 128 * 9
    assert report.receptive_field[0] > 224
    assert probe.report("features.conv0").receptive_field == (7, 7)
    result = interpret.grad_cam(model, x)
    assert result.layer == "relu" and result.map.shape == (7, 7)


class Sliced(nn.Module):
    """Calls a slice of a Sequential, a module made during the forward pass (as WRN does)."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Conv2d(2, 2, 3))

    def forward(self, x):
        return self.body[1:](self.body[0](x))


def test_receptive_field_through_a_sequential_sliced_in_forward():
    probe = interpret.NetworkProbe(Sliced(), _image(1, 9, 9))
    assert probe.note == "" and probe.report("body.2").receptive_field == (5, 5)
    assert interpret.NetworkProbe(lk.models.create("wrn16_4"), _image(3, 32, 32)).report(
        "stage3").receptive_field == (53, 53)


def test_the_probe_keeps_every_layers_maps_from_its_one_pass_and_they_equal_a_fresh_run():
    """Choosing a layer then needs no forward pass (the redraw stays fast on DenseNet-121)."""
    from lecturekit import models
    from lecturekit.interpret import NetworkProbe

    torch.manual_seed(0)
    probe = NetworkProbe(models.create("resnet20_cifar").eval(), torch.randn(3, 32, 32))
    assert set(probe._cache) == set(probe.layers)
    for layer in (probe.layers[2], probe.layers[len(probe.layers) // 2], probe.layers[-2]):
        torch.testing.assert_close(probe.activation(layer), probe._run_to(layer)[0], rtol=0, atol=1e-5)


def test_the_cam_grid_titles_each_image_with_its_true_and_its_seen_class_and_marks_mistakes():
    torch.manual_seed(0)
    model, images = lk.models.create("resnet20_cifar"), torch.stack([_image(3, 32, 32) for _ in range(3)])
    with torch.no_grad():
        predicted = model.eval()(images).argmax(1)
    labels = predicted.clone()
    labels[1] = (predicted[1] + 1) % 10                          # a forged mistake
    classes = [f"c{i}" for i in range(10)]
    figure = interpret.cam_grid_figure(model, images, labels, classes)
    top, bottom = figure.axes[:3], figure.axes[3:]
    assert [ax.get_title() for ax in top] == [f"true: c{int(label)}" for label in labels]
    assert [ax.title.get_color() for ax in bottom] == ["black", "#c0392b", "black"]
    with pytest.raises(ValueError, match="method must be one of"):
        interpret.cam_grid_figure(model, images, labels, classes, method="saliency")
