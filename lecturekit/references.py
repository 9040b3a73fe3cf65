"""Published figures the notebooks compare against, each with its source.

A notebook never hard-codes a published number: it takes it from here and prints it next to
the figure our code computes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paper:
    key: str
    authors: str
    year: int
    title: str
    venue: str
    arxiv: str | None = None

    def cite(self) -> str:
        arxiv = f", arXiv:{self.arxiv}" if self.arxiv else ""
        return f"{self.authors} ({self.year}). {self.title}. {self.venue}{arxiv}."


PAPERS: dict[str, Paper] = {p.key: p for p in [
    Paper("lenet", "LeCun, Bottou, Bengio, Haffner", 1998,
          "Gradient-based learning applied to document recognition", "Proc. IEEE 86(11)"),
    Paper("alexnet", "Krizhevsky, Sutskever, Hinton", 2012,
          "ImageNet classification with deep convolutional neural networks", "NeurIPS"),
    Paper("nin", "Lin, Chen, Yan", 2013, "Network in network", "ICLR 2014", "1312.4400"),
    Paper("vgg", "Simonyan, Zisserman", 2014,
          "Very deep convolutional networks for large-scale image recognition", "ICLR 2015",
          "1409.1556"),
    Paper("googlenet", "Szegedy et al.", 2014, "Going deeper with convolutions", "CVPR 2015",
          "1409.4842"),
    Paper("batchnorm", "Ioffe, Szegedy", 2015, "Batch normalization: accelerating deep network "
          "training by reducing internal covariate shift", "ICML", "1502.03167"),
    Paper("inception_v3", "Szegedy et al.", 2015,
          "Rethinking the Inception architecture for computer vision", "CVPR 2016", "1512.00567"),
    Paper("resnet", "He, Zhang, Ren, Sun", 2015, "Deep residual learning for image recognition",
          "CVPR 2016", "1512.03385"),
    Paper("inception_v4", "Szegedy, Ioffe, Vanhoucke, Alemi", 2016, "Inception-v4, "
          "Inception-ResNet and the impact of residual connections on learning", "AAAI 2017",
          "1602.07261"),
    Paper("resnet_v2", "He, Zhang, Ren, Sun", 2016, "Identity mappings in deep residual networks",
          "ECCV", "1603.05027"),
    Paper("densenet", "Huang, Liu, van der Maaten, Weinberger", 2016,
          "Densely connected convolutional networks", "CVPR 2017", "1608.06993"),
    Paper("xception", "Chollet", 2016,
          "Xception: deep learning with depthwise separable convolutions", "CVPR 2017",
          "1610.02357"),
    Paper("mobilenet_v2", "Sandler, Howard, Zhu, Zhmoginov, Chen", 2018, "MobileNetV2: "
          "inverted residuals and linear bottlenecks", "CVPR", "1801.04381"),
    Paper("wide_resnet", "Zagoruyko, Komodakis", 2016, "Wide residual networks", "BMVC",
          "1605.07146"),
    Paper("resnext", "Xie, Girshick, Dollar, Tu, He", 2016, "Aggregated residual "
          "transformations for deep neural networks", "CVPR 2017", "1611.05431"),
    Paper("stochastic_depth", "Huang, Sun, Liu, Sedra, Weinberger", 2016,
          "Deep networks with stochastic depth", "ECCV", "1603.09382"),
    Paper("santurkar2018", "Santurkar, Tsipras, Ilyas, Madry", 2018, "How does batch "
          "normalization help optimization?", "NeurIPS", "1805.11604"),
    Paper("veit2016", "Veit, Wilber, Belongie", 2016, "Residual networks behave like ensembles "
          "of relatively shallow networks", "NeurIPS", "1605.06431"),
    Paper("ranzato2014", "Ranzato", 2014, "Deep learning for vision: tricks of the trade "
          "(source of the CNN vs DNN parameter example)", "CVPR 2014 tutorial"),
]}


@dataclass(frozen=True)
class Milestone:
    name: str
    year: int
    paper: str
    idea: str


#: Slide 8, the timeline of Part 2.
TIMELINE: list[Milestone] = [
    Milestone("LeNet-5", 1998, "lenet", "convolution + subsampling, trained end to end"),
    Milestone("AlexNet", 2012, "alexnet", "GPUs, ReLU, dropout, data augmentation"),
    Milestone("NIN", 2013, "nin", "1x1 convolutions, global average pooling"),
    Milestone("VGGNet", 2014, "vgg", "stacks of small 3x3 kernels"),
    Milestone("GoogLeNet", 2014, "googlenet", "Inception modules with 1x1 reductions"),
    Milestone("ResNet", 2015, "resnet", "identity shortcut connections"),
    Milestone("Inception-ResNet", 2016, "inception_v4", "Inception modules with shortcuts"),
    Milestone("DenseNet", 2016, "densenet", "every layer connected to every later one"),
]


@dataclass(frozen=True)
class Published:
    """A published figure and where it is printed."""

    value: float
    unit: str
    paper: str
    where: str
    note: str = ""


#: Published parameter counts, multiply-adds and ImageNet errors, keyed by model name.
PUBLISHED: dict[str, dict[str, Published]] = {
    "alexnet": {
        "parameters": Published(60e6, "parameters", "alexnet", "section 1 and 3",
                                "'60 million parameters'"),
        "top1": Published(40.7, "% top-1 error", "alexnet", "Table 2 (1 CNN, validation)"),
        "top5": Published(18.2, "% top-5 error", "alexnet", "Table 2 (1 CNN, validation)"),
    },
    "googlenet": {
        "parameters": Published(6.8e6, "parameters", "googlenet",
                                "Table 1 (sum of the params column)"),
        "mult_adds": Published(1.5e9, "multiply-adds", "googlenet",
                               "section 5 ('1.5 billion multiply-adds at inference time')"),
        "top5": Published(10.07, "% top-5 error", "googlenet",
                          "Table 3 (1 model, 1 crop, validation)"),
    },
    "inception_v3": {
        "parameters": Published(23_626_728, "parameters", "xception", "Table 3 (Inception V3)"),
        "top1_accuracy": Published(78.2, "% top-1 accuracy", "xception", "Table 1 (single crop)"),
        "top5_accuracy": Published(94.1, "% top-5 accuracy", "xception", "Table 1 (single crop)"),
    },
    "xception": {
        "parameters": Published(22_855_952, "parameters", "xception", "Table 3"),
        "top1_accuracy": Published(79.0, "% top-1 accuracy", "xception", "Table 1 (single crop)"),
        "top5_accuracy": Published(94.5, "% top-5 accuracy", "xception", "Table 1 (single crop)"),
    },
}

#: VGG (Simonyan & Zisserman 2014): Table 2's parameter counts (millions) and Table 3's
#: single-scale errors (%) of each configuration: (model, Table 2's column, millions, top-1,
#: top-5, Table 3's row).
VGG_TABLES_2_AND_3 = [
    ("vgg11", "A", 133, 29.6, 10.4, "A, single scale"), ("vgg11_lrn", "A-LRN", 133, 29.7, 10.5, "A-LRN"),
    ("vgg13", "B", 133, 28.7, 9.9, "B, single scale"), ("vgg16_c", "C", 134, 28.1, 9.4, "C, S=256"),
    ("vgg16", "D", 138, 27.0, 8.8, "D, S=256"), ("vgg19", "E", 144, 27.3, 9.0, "E, S=256"),
]
for _name, _column, _millions, _top1, _top5, _row in VGG_TABLES_2_AND_3:
    PUBLISHED[_name] = {
        "parameters": Published(_millions * 1e6, "parameters", "vgg", f"Table 2 ({_column})"),
        "top1": Published(_top1, "% top-1 error", "vgg", f"Table 3 ({_row})"),
        "top5": Published(_top5, "% top-5 error", "vgg", f"Table 3 ({_row})")}

_RESNET_TABLE_3 = {"resnet34": (24.52, 7.46), "resnet50": (22.85, 6.71), "resnet101": (21.75, 6.05),
                   "resnet152": (21.43, 5.71)}
for _name, _gflops in [("resnet18", 1.8), ("resnet34", 3.6), ("resnet50", 3.8), ("resnet101", 7.6),
                       ("resnet152", 11.3)]:
    PUBLISHED[_name] = {"mult_adds": Published(_gflops * 1e9, "multiply-adds", "resnet",
                                               "Table 1 (FLOPs, counted as multiply-adds)")}
    if _name in _RESNET_TABLE_3:
        _top1, _top5 = _RESNET_TABLE_3[_name]
        PUBLISHED[_name]["top1"] = Published(_top1, "% top-1 error", "resnet", "Table 3 (10-crop)")
        PUBLISHED[_name]["top5"] = Published(_top5, "% top-5 error", "resnet", "Table 3 (10-crop)")
for _name in ("inception_v3", "xception"):
    for _k in ("1", "5"):
        _accuracy = PUBLISHED[_name][f"top{_k}_accuracy"]
        PUBLISHED[_name][f"top{_k}"] = Published(round(100 - _accuracy.value, 1), f"% top-{_k} error",
                                                 "xception", _accuracy.where, "100 - accuracy")
PUBLISHED["resnet18"]["top1"] = Published(27.88, "% top-1 error", "resnet", "Table 2 (10-crop)")
for _name, (_top1, _top5) in {"densenet121": (25.02, 7.71), "densenet169": (23.80, 6.85),
                              "densenet201": (22.58, 6.34), "densenet264": (22.15, 6.12)}.items():
    PUBLISHED[_name] = {"top1": Published(_top1, "% top-1 error", "densenet", "Table 3 (single crop)"),
                        "top5": Published(_top5, "% top-5 error", "densenet", "Table 3 (single crop)")}
PUBLISHED["resnext50_32x4d"] = {"top1": Published(22.2, "% top-1 error", "resnext",
                                                  "Table 3 (224x224 single crop)")}
PUBLISHED["wide_resnet50_2"] = {"top1": Published(21.9, "% top-1 error", "wide_resnet",
                                                  "Table 8 (WRN-50-2-bottleneck, single crop)"),
                                "top5": Published(6.03, "% top-5 error", "wide_resnet",
                                                  "Table 8 (WRN-50-2-bottleneck, single crop)")}

# Parameter counts the papers print for networks torchvision does not build. (Where torchvision
# builds the same network, its exact count is the reference: ``lk.models.entry(name).torchvision``
# names the twin, and tests/models/test_registry.py checks that the counts are equal.)
def _parameters(name: str, value: float, paper: str, where: str, note: str = "") -> None:
    PUBLISHED.setdefault(name, {})["parameters"] = Published(value, "parameters", paper, where, note)


_parameters("lenet5_1998", 60_000, "lenet", "section II.B ('only 60,000 trainable parameters')")
for _depth, _value in [(20, 0.27e6), (32, 0.46e6), (44, 0.66e6), (56, 0.85e6), (110, 1.7e6),
                       (1202, 19.4e6)]:
    _parameters(f"resnet{_depth}_cifar", _value, "resnet", "Table 6 (# params)")
for _depth, _value in [(164, 1.7e6), (1001, 10.2e6)]:
    for _name in (f"preact_resnet{_depth}_cifar", f"resnet{_depth}_cifar"):
        _parameters(_name, _value, "resnet_v2", "Table 3 (#params)")
for _name, _value, _where in [("wrn40_4", 8.9e6, "Table 3"), ("wrn16_8", 11.0e6, "Table 3"),
                              ("wrn28_10", 36.5e6, "Table 3"), ("wrn16_4", 2.7e6, "Table 4")]:
    _parameters(_name, _value, "wide_resnet", f"{_where} (# params)")
_parameters("densenet40_cifar", 1.0e6, "densenet", "Table 2 (DenseNet, L=40, k=12)")
_parameters("densenet_bc100_cifar", 0.8e6, "densenet", "Table 2 (DenseNet-BC, L=100, k=12)")


#: GoogLeNet's Table 1: parameters (thousands) and operations (millions) per Inception module.
GOOGLENET_TABLE_1 = {
    "3a": (159, 128), "3b": (380, 304), "4a": (364, 73), "4b": (437, 88), "4c": (463, 100),
    "4d": (580, 119), "4e": (840, 170), "5a": (1072, 54), "5b": (1388, 71),
}


@dataclass(frozen=True)
class IlsvrcResult:
    year: int
    entry: str
    top5_error: float
    depth: str
    source: str
    single_model: bool


#: Slide 9, "the revolution of depth": ILSVRC classification top-5 error by year.
ILSVRC: list[IlsvrcResult] = [
    IlsvrcResult(2010, "NEC-UIUC (shallow)", 28.2, "shallow", "ILSVRC 2010 results", False),
    IlsvrcResult(2011, "XRCE (shallow)", 25.8, "shallow", "ILSVRC 2011 results", False),
    IlsvrcResult(2012, "AlexNet", 16.4, "8 layers", "Krizhevsky et al. 2012, Table 2 (5 CNNs)",
                 False),
    IlsvrcResult(2013, "ZFNet / Clarifai", 11.7, "8 layers", "ILSVRC 2013 results", False),
    IlsvrcResult(2014, "VGG", 7.3, "19 layers", "Simonyan & Zisserman 2014, Table 7 (ILSVRC "
                 "submission, 7 nets)", False),
    IlsvrcResult(2014, "GoogLeNet", 6.7, "22 layers", "Szegedy et al. 2014, Table 2 (7 models)",
                 False),
    IlsvrcResult(2015, "ResNet", 3.57, "152 layers", "He et al. 2015, Table 5 (ensemble)", False),
]


#: Batch normalization paper, Figure 3: steps to reach Inception's best accuracy (72.2%) and
#: the best validation accuracy reached (ImageNet, single crop). None: never reached 72.2%.
BATCHNORM_FIGURE_3 = {
    "Inception": (31.0e6, 72.2), "BN-Baseline": (13.3e6, 72.7), "BN-x5": (2.1e6, 73.0),
    "BN-x30": (2.7e6, 74.8), "BN-x5-Sigmoid": (None, 69.8),
}


#: CIFAR-10 test error (%, with standard augmentation) of the ResNet family, as published.
CIFAR10_ERRORS: dict[str, Published] = {
    "resnet20_cifar": Published(8.75, "% test error", "resnet", "Table 6"),
    "resnet32_cifar": Published(7.51, "% test error", "resnet", "Table 6"),
    "resnet44_cifar": Published(7.17, "% test error", "resnet", "Table 6"),
    "resnet56_cifar": Published(6.97, "% test error", "resnet", "Table 6"),
    "resnet110_cifar": Published(6.43, "% test error", "resnet", "Table 6 (best of 5 runs)"),
    "resnet1202_cifar": Published(7.93, "% test error", "resnet", "Table 6"),
    "resnet1001_cifar (original units)": Published(7.61, "% test error", "resnet_v2",
                                                   "Table 3 and Figure 1 (original units)"),
    "preact_resnet1001_cifar": Published(4.92, "% test error", "resnet_v2", "Table 3 (pre-activation)"),
    "preact_resnet164_cifar": Published(5.46, "% test error", "resnet_v2", "Table 3"),
    "wrn40_4": Published(4.97, "% test error", "wide_resnet", "Table 5"),
    "wrn16_8": Published(4.81, "% test error", "wide_resnet", "Table 5"),
    "wrn28_10": Published(4.17, "% test error", "wide_resnet", "Table 5"),
    "resnet110_cifar (constant depth)": Published(6.41, "% test error", "stochastic_depth", "Table 1"),
    "resnet110_cifar (stochastic depth)": Published(5.25, "% test error", "stochastic_depth", "Table 1"),
    "densenet40_cifar": Published(5.24, "% test error", "densenet", "Table 2 (C10+)"),
    "densenet_bc100_cifar": Published(4.51, "% test error", "densenet", "Table 2 (C10+)"),
}


#: The depth of each paper configuration as its paper counts it (weight layers on the longest
#: path; Inception v3: "42 layers deep"; Xception: 36 convolutional layers plus the classifier).
DEPTH: dict[str, int] = {
    "alexnet": 8, "vgg16": 16, "vgg19": 19, "googlenet": 22, "inception_v3": 42, "xception": 37,
    "resnet18": 18, "resnet34": 34, "resnet50": 50, "resnet101": 101, "resnet152": 152,
    "wide_resnet50_2": 50, "resnext50_32x4d": 50, "resnext101_32x8d": 101, "densenet121": 121,
    "densenet169": 169, "densenet201": 201, "densenet161": 161, "densenet264": 264,
}


@dataclass(frozen=True)
class DesignIdea:
    idea: str
    architecture: str
    year: int
    paper: str


#: The closing summary of Part 2: which architecture introduced (or made standard) each idea.
DESIGN_IDEAS: list[DesignIdea] = [
    DesignIdea("convolution + pooling, trained end to end by backpropagation", "LeNet-5", 1998, "lenet"),
    DesignIdea("made ReLU and dropout standard (introduced by Nair & Hinton 2010 and Hinton et al. "
               "2012); data augmentation, GPU training, group convolution", "AlexNet", 2012, "alexnet"),
    DesignIdea("1x1 convolutions, global average pooling instead of fully connected layers", "NIN",
               2013, "nin"),
    DesignIdea("depth from stacks of small 3x3 kernels", "VGG", 2014, "vgg"),
    DesignIdea("multi-branch modules with 1x1 reductions", "GoogLeNet", 2014, "googlenet"),
    DesignIdea("normalization of layer inputs over the mini-batch", "Batch Normalization", 2015,
               "batchnorm"),
    DesignIdea("factorized convolutions (n x n -> 1 x n, n x 1), label smoothing", "Inception v3",
               2015, "inception_v3"),
    DesignIdea("identity shortcuts: residual learning", "ResNet", 2015, "resnet"),
    DesignIdea("pre-activation units, a clean identity path", "ResNet v2", 2016, "resnet_v2"),
    DesignIdea("width instead of depth", "Wide ResNet", 2016, "wide_resnet"),
    DesignIdea("dropping whole blocks in training", "Stochastic depth", 2016, "stochastic_depth"),
    DesignIdea("depthwise separable convolutions", "Xception", 2016, "xception"),
    DesignIdea("cardinality: grouped convolutions in residual blocks", "ResNeXt", 2016, "resnext"),
    DesignIdea("dense connections: concatenate all earlier feature maps", "DenseNet", 2016, "densenet"),
]


# ----------------------------------------------------------------- notebooks 09-12 additions
#: VGG section 4.1: net B against a "shallow net" with each pair of 3x3 layers replaced by one
#: 5x5 layer (same receptive field): "the top-1 error of the shallow net was measured to be 7%
#: higher than that of B (on a center crop)".
PUBLISHED["vgg13"]["shallow_5x5_top1_increase"] = Published(
    7.0, "% higher top-1 error", "vgg", "section 4.1 (B with each pair of 3x3 layers replaced by "
    "one 5x5 layer, center crop)")
#: GoogLeNet section 1: "12x fewer parameters than the winning architecture of Krizhevsky et al."
PUBLISHED["googlenet"]["fewer_than_alexnet"] = Published(
    12, "times fewer parameters than AlexNet", "googlenet", "section 1 ('uses 12x fewer parameters "
    "than the winning architecture of Krizhevsky et al.')")
#: Inception-v4 and Inception-ResNet (arXiv:1602.07261), Table 2: single-model, single-crop
#: ILSVRC 2012 validation errors. The paper prints no parameter counts; the counts given are
#: those of timm's ports of the authors' released networks (inception_v4, inception_resnet_v2).
for _name, (_top1, _top5) in {"inception_v3": (21.2, 5.6), "inception_resnet_v1": (21.3, 5.5),
                              "inception_v4": (20.0, 5.0), "inception_resnet_v2": (19.9, 4.9)}.items():
    PUBLISHED.setdefault(_name, {}).update({
        "v4_table2_top1": Published(_top1, "% top-1 error", "inception_v4", "Table 2 (single crop, "
                                    "single model)"),
        "v4_table2_top5": Published(_top5, "% top-5 error", "inception_v4", "Table 2 (single crop, "
                                    "single model)")})
PUBLISHED["inception_v4"]["parameters"] = Published(
    42.7e6, "parameters", "inception_v4", "timm's inception_v4 (the paper prints no count)")
PUBLISHED["inception_resnet_v2"]["parameters"] = Published(
    55.8e6, "parameters", "inception_v4", "timm's inception_resnet_v2 (the paper prints no count)")
#: Inception v3's own paper (Szegedy et al. 2015, arXiv:1512.00567), Table 3: the full Inception-v3
#: (with BN-auxiliary), single model, single crop, ILSVRC 2012 validation. (The "top1"/"top5"
#: entries above are the figures Chollet's Xception paper measured for Inception V3.)
PUBLISHED["inception_v3"]["top1_own_paper"] = Published(
    21.2, "% top-1 error", "inception_v3", "Table 3 (single model, single crop)")
PUBLISHED["inception_v3"]["top5_own_paper"] = Published(
    5.6, "% top-5 error", "inception_v3", "Table 3 (single model, single crop)")
#: DenseNet's Table 2 lists the pre-activation ResNet-1001 on C10+ at 4.62%, the row that
#: DenseNet-BC (L=100, k=12, 4.51%) is compared with.
CIFAR10_ERRORS["preact_resnet1001_cifar (DenseNet's Table 2)"] = Published(
    4.62, "% test error", "densenet", "Table 2 (C10+, pre-activation ResNet-1001)")


#: AlexNet, Figure 1 and its caption (Krizhevsky, Sutskever, Hinton 2012): a four-layer CNN on
#: CIFAR-10, learning rates chosen independently for each network, no regularization. The
#: speed-up is the caption's; the epochs are read off the plot (approximate).
ALEXNET_FIGURE_1 = {
    "target training error (%)": 25,
    "ReLU vs tanh speed-up (caption: 'six times faster')": 6,
    "ReLU: epochs to 25% (read off the plot, about)": 6,
    "tanh: epochs to 25% (read off the plot, about)": 36,
}
