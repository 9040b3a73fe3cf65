"""AlexNet (lecturekit/models/alexnet.py)."""

from lecturekit import analysis, models


def test_alexnet_two_tower_layout():
    model = models.create("alexnet")
    groups = {name: block.conv.groups for name, block in model.features.named_children()}
    assert groups == {"conv1": 1, "conv2": 2, "conv3": 1, "conv4": 2, "conv5": 2}
    assert analysis.count_parameters(model) == 60_965_224
    assert analysis.count_parameters(model.classifier) > 0.9 * analysis.count_parameters(model)
