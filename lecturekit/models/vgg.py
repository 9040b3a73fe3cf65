"""VGG (Simonyan & Zisserman, 2014), arXiv:1409.1556.

Table 1 of the paper: six configurations, A to E, of 11 to 19 weight layers. Every
convolution is 3x3 with stride 1 and padding 1 (configuration C also has 1x1 layers), five
2x2/2 max poolings divide the network into stages of 64, 128, 256, 512 and 512 channels, and
three fully connected layers (4096, 4096, 1000) end it; A-LRN adds local response
normalization after the first layer. Table 2: 133, 133, 133, 134, 138 and 144 million
parameters for A, A-LRN, B, C, D and E.
"""

from __future__ import annotations

from torch import nn

from .. import recipes
from . import register
from .blocks import ConvNormAct, lrn

M = "M"         # 2x2 max pooling
LRN = "LRN"     # local response normalization (A-LRN only)

#: Table 1 of the paper, one list per configuration: channels of 3x3 convolutions,
#: (channels, 1) for C's 1x1 convolutions, "M" for pooling, "LRN" for A-LRN's normalization.
CONFIGURATIONS: dict[str, list] = {
    "A": [64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
    "A-LRN": [64, LRN, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
    "B": [64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
    "C": [64, 64, M, 128, 128, M, 256, 256, (256, 1), M, 512, 512, (512, 1), M,
          512, 512, (512, 1), M],
    "D": [64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M],
    "E": [64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M,
          512, 512, 512, 512, M],
}
WEIGHT_LAYERS = {"A": 11, "A-LRN": 11, "B": 13, "C": 16, "D": 16, "E": 19}


def make_features(configuration: list, batch_norm: bool = False, in_channels: int = 3,
                  width: float = 1.0) -> nn.Sequential:
    """The convolutional part of a VGG from one configuration list."""
    layers: list[nn.Module] = []
    channels = in_channels
    for item in configuration:
        if item == M:
            layers.append(nn.MaxPool2d(2, 2))
        elif item == LRN:
            layers.append(lrn())    # AlexNet's parameters (the paper, section 2.1)
        else:
            out, kernel = item if isinstance(item, tuple) else (item, 3)
            out = max(4, int(round(out * width)))
            # the convolutions keep their bias even before batch norm, as torchvision's vgg*_bn
            layers += ConvNormAct(channels, out, kernel, padding=kernel // 2, norm=batch_norm,
                                  bias=True)
            channels = out
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """The paper's network: features, then FC-4096, FC-4096, FC-classes with dropout 0.5."""

    def __init__(self, configuration: str = "D", batch_norm: bool = False,
                 num_classes: int = 1000, in_channels: int = 3) -> None:
        super().__init__()
        self.features = make_features(CONFIGURATIONS[configuration], batch_norm, in_channels)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))  # a no-op at 224x224, as in torchvision
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5),
            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5),
            nn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


class VGGSmall(nn.Module):
    """Class-scale VGG for 32x32 inputs: the same configuration of 3x3 stages, channels
    multiplied by ``width``, batch norm after every convolution, and (after five poolings
    leave a 1x1 map) a single linear classifier instead of the 4096-unit layers."""

    def __init__(self, configuration: str = "A", width: float = 0.25, num_classes: int = 10,
                 in_channels: int = 3, batch_norm: bool = True) -> None:
        super().__init__()
        self.features = make_features(CONFIGURATIONS[configuration], batch_norm, in_channels,
                                      width)
        last = [m for m in self.features if isinstance(m, nn.Conv2d)][-1].out_channels
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(last, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def _register(name: str, configuration: str, batch_norm: bool, twin: str | None) -> None:
    def build(*, num_classes: int = 1000, in_channels: int = 3) -> nn.Module:
        return VGG(configuration, batch_norm, num_classes, in_channels)

    layers = WEIGHT_LAYERS[configuration]
    with_bn = " with batch normalization after every convolution (not in the paper)" \
        if batch_norm else ""
    doc = (f"VGG configuration {configuration} ({layers} weight layers; Simonyan & Zisserman "
           f"2014, arXiv:1409.1556){with_bn}.")
    register(name, family="vgg", paper="vgg", input_shape=(3, 224, 224), torchvision=twin,
             doc=doc)(build)


# Table 2's counts (millions) are in lecturekit.references; torchvision builds A, B, D and E
# (not A-LRN, nor C with its 1x1 layers).
for _name, _configuration, _twin in [
    ("vgg11", "A", "vgg11"), ("vgg11_lrn", "A-LRN", None), ("vgg13", "B", "vgg13"),
    ("vgg16_c", "C", None), ("vgg16", "D", "vgg16"), ("vgg19", "E", "vgg19"),
]:
    _register(_name, _configuration, False, _twin)
for _name, _configuration in [("vgg11_bn", "A"), ("vgg13_bn", "B"), ("vgg16_bn", "D"),
                              ("vgg19_bn", "E")]:
    _register(_name, _configuration, True, _name)


@register("vgg_small", family="vgg", paper="vgg", input_shape=(3, 32, 32),
          recipe=recipes.CIFAR_SMALL)
def vgg_small(*, num_classes: int = 10, in_channels: int = 3, configuration: str = "A",
              width: float = 0.25) -> nn.Module:
    """Class-scale VGG for CIFAR-10 (after Simonyan & Zisserman 2014): configuration A's
    stages at a quarter of the width (16-32-64-128-128), batch norm, one linear classifier."""
    return VGGSmall(configuration, width, num_classes, in_channels)
