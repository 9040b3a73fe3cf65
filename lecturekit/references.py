"""Published figures the notebooks compare against, each with its source.

A notebook never hard-codes a published number: it takes it from here and prints it next to
the figure our code computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import _deprecation
from . import _validate as check


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
    """A published figure and where it is printed: ``kind`` is one of :data:`KINDS`;
    ``setting`` names the training condition when one paper prints the figure twice for the
    same network (stochastic depth's 'constant depth' and 'stochastic depth')."""

    value: float
    unit: str
    paper: str
    where: str
    note: str = ""
    kind: str = ""
    setting: str = ""


#: The kinds of published figure, one key each, with the unit each is in. Errors are in percent;
#: where a paper prints an accuracy, the error is 100 minus it (the note says so).
KINDS: dict[str, str] = {
    "parameters": "parameters",
    "mult_adds": "multiply-adds",                   # per image, at the paper's input size
    "top1_error": "% top-1 error",                  # ImageNet (ILSVRC 2012) validation
    "top5_error": "% top-5 error",
    "cifar10_error": "% test error",                # CIFAR-10 with standard augmentation
    "shallow_5x5_top1_increase": "% higher top-1 error",
    "fewer_parameters_than_alexnet": "times fewer parameters than AlexNet",
}


def _figure(name: str, kind: str, value: float, paper: str, where: str, note: str = "",
            setting: str = "") -> tuple[str, Published]:
    return name, Published(value, KINDS[kind], paper, where, note, kind, setting)


#: VGG (Simonyan & Zisserman 2014): Table 2's parameter counts (millions) and Table 3's
#: single-scale errors (%) of each configuration: (model, Table 2's column, millions, top-1,
#: top-5, Table 3's row).
VGG_TABLES_2_AND_3 = [
    ("vgg11", "A", 133, 29.6, 10.4, "A, single scale"), ("vgg11_lrn", "A-LRN", 133, 29.7, 10.5, "A-LRN"),
    ("vgg13", "B", 133, 28.7, 9.9, "B, single scale"), ("vgg16_c", "C", 134, 28.1, 9.4, "C, S=256"),
    ("vgg16", "D", 138, 27.0, 8.8, "D, S=256"), ("vgg19", "E", 144, 27.3, 9.0, "E, S=256"),
]
#: He et al. 2015: Table 1's FLOPs (billions, counted as multiply-adds) and Table 3's 10-crop
#: errors (Table 2's for ResNet-18, which Table 3 does not list).
_RESNET_TABLES = {"resnet18": (1.8, 27.88, None, "Table 2"), "resnet34": (3.6, 24.52, 7.46, "Table 3"),
                  "resnet50": (3.8, 22.85, 6.71, "Table 3"), "resnet101": (7.6, 21.75, 6.05, "Table 3"),
                  "resnet152": (11.3, 21.43, 5.71, "Table 3")}
#: DenseNet (Huang et al. 2016), Table 3: single-crop ImageNet errors.
_DENSENET_TABLE_3 = {"densenet121": (25.02, 7.71), "densenet169": (23.80, 6.85),
                     "densenet201": (22.58, 6.34), "densenet264": (22.15, 6.12)}
#: Inception-v4 and Inception-ResNet (arXiv:1602.07261), Table 2: single-model, single-crop
#: ILSVRC 2012 validation errors.
_INCEPTION_V4_TABLE_2 = {"inception_v3": (21.2, 5.6), "inception_resnet_v1": (21.3, 5.5),
                         "inception_v4": (20.0, 5.0), "inception_resnet_v2": (19.9, 4.9)}
#: Xception (Chollet 2016), Table 1: single-crop ImageNet accuracies (%), and Table 3's counts.
_XCEPTION_TABLES = {"inception_v3": (78.2, 94.1, 23_626_728), "xception": (79.0, 94.5, 22_855_952)}
_WHERE_V4 = "Table 2 (single crop, single model)"

#: Every published figure, one row each: (model name, figure). Built in this one pass.
_FIGURES: list[tuple[str, Published]] = [
    # ImageNet networks
    _figure("alexnet", "parameters", 60e6, "alexnet", "section 1 and 3", "'60 million parameters'"),
    _figure("alexnet", "top1_error", 40.7, "alexnet", "Table 2 (1 CNN, validation)"),
    _figure("alexnet", "top5_error", 18.2, "alexnet", "Table 2 (1 CNN, validation)"),
    *[row for name, column, millions, top1, top5, table_3_row in VGG_TABLES_2_AND_3 for row in (
        _figure(name, "parameters", millions * 1e6, "vgg", f"Table 2 ({column})"),
        _figure(name, "top1_error", top1, "vgg", f"Table 3 ({table_3_row})"),
        _figure(name, "top5_error", top5, "vgg", f"Table 3 ({table_3_row})"))],
    #: VGG section 4.1: net B against a "shallow net" with each pair of 3x3 layers replaced by
    #: one 5x5 layer (same receptive field): "the top-1 error of the shallow net was measured to
    #: be 7% higher than that of B (on a center crop)".
    _figure("vgg13", "shallow_5x5_top1_increase", 7.0, "vgg", "section 4.1 (B with each pair of "
            "3x3 layers replaced by one 5x5 layer, center crop)"),
    _figure("googlenet", "parameters", 6.8e6, "googlenet", "Table 1 (sum of the params column)"),
    _figure("googlenet", "mult_adds", 1.5e9, "googlenet",
            "section 1 ('a computational budget of 1.5 billion multiply-adds at inference time')"),
    _figure("googlenet", "top5_error", 10.07, "googlenet", "Table 3 (1 model, 1 crop, validation)"),
    _figure("googlenet", "fewer_parameters_than_alexnet", 12, "googlenet", "section 1 ('uses 12x "
            "fewer parameters than the winning architecture of Krizhevsky et al.')"),
    *[row for name, (top1, top5, count) in _XCEPTION_TABLES.items() for row in (
        _figure(name, "parameters", count, "xception",
                "Table 3 (Inception V3)" if name == "inception_v3" else "Table 3"),
        _figure(name, "top1_error", round(100 - top1, 1), "xception", "Table 1 (single crop)",
                f"100 - the printed {top1}% top-1 accuracy"),
        _figure(name, "top5_error", round(100 - top5, 1), "xception", "Table 1 (single crop)",
                f"100 - the printed {top5}% top-5 accuracy"))],
    #: Inception v3's own paper (Szegedy et al. 2015, arXiv:1512.00567), Table 3: the full
    #: Inception-v3 (with BN-auxiliary), single model, single crop, ILSVRC 2012 validation.
    _figure("inception_v3", "top1_error", 21.2, "inception_v3", "Table 3 (single model, single crop)"),
    _figure("inception_v3", "top5_error", 5.6, "inception_v3", "Table 3 (single model, single crop)"),
    *[row for name, (top1, top5) in _INCEPTION_V4_TABLE_2.items() for row in (
        _figure(name, "top1_error", top1, "inception_v4", _WHERE_V4),
        _figure(name, "top5_error", top5, "inception_v4", _WHERE_V4))],
    #: The Inception-v4 paper prints no parameter counts: these are timm's ports of the
    #: authors' released networks.
    _figure("inception_v4", "parameters", 42.7e6, "inception_v4",
            "timm's inception_v4 (the paper prints no count)"),
    _figure("inception_resnet_v2", "parameters", 55.8e6, "inception_v4",
            "timm's inception_resnet_v2 (the paper prints no count)"),
    *[row for name, (gflops, top1, top5, table) in _RESNET_TABLES.items() for row in (
        _figure(name, "mult_adds", gflops * 1e9, "resnet", "Table 1 (FLOPs, counted as multiply-adds)"),
        _figure(name, "top1_error", top1, "resnet", f"{table} (10-crop)"),
        *([_figure(name, "top5_error", top5, "resnet", f"{table} (10-crop)")] if top5 else []))],
    *[row for name, (top1, top5) in _DENSENET_TABLE_3.items() for row in (
        _figure(name, "top1_error", top1, "densenet", "Table 3 (single crop)"),
        _figure(name, "top5_error", top5, "densenet", "Table 3 (single crop)"))],
    _figure("resnext50_32x4d", "top1_error", 22.2, "resnext", "Table 3 (224x224 single crop)"),
    _figure("wide_resnet50_2", "top1_error", 21.9, "wide_resnet", "Table 8 (WRN-50-2-bottleneck, single crop)"),
    _figure("wide_resnet50_2", "top5_error", 6.03, "wide_resnet", "Table 8 (WRN-50-2-bottleneck, single crop)"),
    # Parameter counts the papers print for networks torchvision does not build. (Where
    # torchvision builds the same network, its exact count is the reference:
    # ``lk.models.entry(name).torchvision`` names the twin, and tests/models/test_registry.py
    # checks that the counts are equal.)
    _figure("lenet5_1998", "parameters", 60_000, "lenet", "section II.B ('only 60,000 trainable parameters')"),
    *[_figure(f"resnet{depth}_cifar", "parameters", value, "resnet", "Table 6 (# params)")
      for depth, value in [(20, 0.27e6), (32, 0.46e6), (44, 0.66e6), (56, 0.85e6), (110, 1.7e6),
                           (1202, 19.4e6)]],
    *[_figure(name, "parameters", value, "resnet_v2", "Table 3 (#params)")
      for depth, value in [(164, 1.7e6), (1001, 10.2e6)]
      for name in (f"preact_resnet{depth}_cifar", f"resnet{depth}_cifar")],
    *[_figure(name, "parameters", value, "wide_resnet", f"{where} (# params)")
      for name, value, where in [("wrn40_4", 8.9e6, "Table 3"), ("wrn16_8", 11.0e6, "Table 3"),
                                 ("wrn28_10", 36.5e6, "Table 3"), ("wrn16_4", 2.7e6, "Table 4")]],
    _figure("densenet40_cifar", "parameters", 1.0e6, "densenet", "Table 2 (DenseNet, L=40, k=12)"),
    _figure("densenet_bc100_cifar", "parameters", 0.8e6, "densenet", "Table 2 (DenseNet-BC, L=100, k=12)"),
    # CIFAR-10 test errors, with standard augmentation
    *[_figure(f"resnet{depth}_cifar", "cifar10_error", value, "resnet", where)
      for depth, value, where in [(20, 8.75, "Table 6"), (32, 7.51, "Table 6"), (44, 7.17, "Table 6"),
                                  (56, 6.97, "Table 6"), (110, 6.43, "Table 6 (best of 5 runs)"),
                                  (1202, 7.93, "Table 6")]],
    _figure("resnet1001_cifar", "cifar10_error", 7.61, "resnet_v2", "Table 3 and Figure 1 (original units)"),
    _figure("preact_resnet1001_cifar", "cifar10_error", 4.92, "resnet_v2", "Table 3 (pre-activation)"),
    #: DenseNet's Table 2 lists the pre-activation ResNet-1001 on C10+ at 4.62%, the row that
    #: DenseNet-BC (L=100, k=12, 4.51%) is compared with.
    _figure("preact_resnet1001_cifar", "cifar10_error", 4.62, "densenet",
            "Table 2 (C10+, pre-activation ResNet-1001)"),
    _figure("preact_resnet164_cifar", "cifar10_error", 5.46, "resnet_v2", "Table 3"),
    #: WRN's Table 5 in the final paper (BMVC 2016, arXiv v4): mean/std preprocessing, the same
    #: as the pre-activation ResNets' rows it is compared with (median of 5 runs for WRN-28-10).
    #: The first arXiv version printed 4.97, 4.81 and 4.17 with ZCA whitening.
    *[_figure(name, "cifar10_error", value, "wide_resnet", "Table 5 (mean/std preprocessing)")
      for name, value in [("wrn40_4", 4.53), ("wrn16_8", 4.27), ("wrn28_10", 4.00)]],
    #: NIN's own Table 1 (CIFAR-10): NIN with dropout and data augmentation (translations and flips).
    _figure("nin_cifar10", "cifar10_error", 8.81, "nin", "Table 1 (NIN + dropout + augmentation)"),
    *[_figure("resnet110_cifar", "cifar10_error", value, "stochastic_depth", "Table 1", setting=setting)
      for setting, value in [("constant depth", 6.41), ("stochastic depth", 5.25)]],
    _figure("densenet40_cifar", "cifar10_error", 5.24, "densenet", "Table 2 (C10+)"),
    _figure("densenet_bc100_cifar", "cifar10_error", 4.51, "densenet", "Table 2 (C10+)"),
]

#: Where several papers print the same kind of figure for one network, the network's own
#: paper is the default source.
OWN_PAPER = {"inception_v3": "inception_v3", "resnet110_cifar": "resnet",
             "preact_resnet1001_cifar": "resnet_v2"}
_RAISE = object()


@dataclass(frozen=True)
class Entry:
    """The published figures of one network: ``entry(name).published(kind)``."""

    name: str
    figures: tuple[Published, ...] = ()

    @property
    def kinds(self) -> list[str]:
        """The kinds of figure published for this network, in :data:`KINDS` order."""
        return [kind for kind in KINDS if any(f.kind == kind for f in self.figures)]

    def published(self, kind: str, paper: str | None = None, setting: str | None = None,
                  default: Any = _RAISE) -> Published:
        """The figure of ``kind`` (a key of :data:`KINDS`); ``paper`` (a key of
        :data:`PAPERS`) picks a source where several papers print it (else the network's own
        paper), ``setting`` a training condition where one paper prints two. ``default`` is
        returned instead of an error when nothing is published."""
        check.choice(kind, KINDS, "kind", "kind of published figure")
        found = [f for f in self.figures if f.kind == kind and paper in (None, f.paper)
                 and (f.setting == setting if setting is not None else True)]
        if setting is None and any(not f.setting for f in found):
            found = [f for f in found if not f.setting]
        if len(found) > 1 and paper is None:
            found = [f for f in found if f.paper == OWN_PAPER.get(self.name)] or found
        if len(found) == 1:
            return found[0]
        if found:
            choices = "; ".join(f"paper={f.paper!r}" + (f", setting={f.setting!r}" if f.setting else "")
                                for f in found)
            raise ValueError(f"{self.name} has {len(found)} published {kind} figures: choose one "
                             f"with {choices}")
        if default is not _RAISE:
            return default
        if not self.figures:
            near = check.closest(self.name, ENTRIES)
            raise ValueError(f"no published figures for {self.name!r}"
                             + (f"; closest names: {', '.join(near)}" if near else ""))
        source = f" by paper {paper!r}" if paper else ""
        setting_text = f" in setting {setting!r}" if setting else ""
        raise ValueError(f"no {kind} figure published for {self.name}{source}{setting_text}; "
                         f"published: {', '.join(self.kinds)}")


def _entries(rows: list[tuple[str, Published]]) -> dict[str, Entry]:
    grouped: dict[str, list[Published]] = {}
    for name, figure in rows:
        grouped.setdefault(name, []).append(figure)
    return {name: Entry(name, tuple(figures)) for name, figures in grouped.items()}


#: The published figures of every network, by model name.
ENTRIES: dict[str, Entry] = _entries(_FIGURES)


def entry(name: str) -> Entry:
    """The published figures of network ``name``: ``entry("resnet50").published("top1_error")``.
    A network no paper gives figures for has an empty entry (its ``published`` raises, or
    returns its ``default``)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a model name (a string), got {check.describe(name)}")
    return ENTRIES.get(name, Entry(name))


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
    DesignIdea("residual connections inside Inception modules", "Inception-ResNet", 2016,
               "inception_v4"),
    DesignIdea("depthwise separable convolutions", "Xception", 2016, "xception"),
    DesignIdea("cardinality: grouped convolutions in residual blocks", "ResNeXt", 2016, "resnext"),
    DesignIdea("dense connections: concatenate all earlier feature maps", "DenseNet", 2016, "densenet"),
]


#: AlexNet, Figure 1 and its caption (Krizhevsky, Sutskever, Hinton 2012): a four-layer CNN on
#: CIFAR-10, learning rates chosen independently for each network, no regularization. The
#: speed-up is the caption's; the epochs are read off the plot (approximate).
ALEXNET_FIGURE_1 = {
    "target training error (%)": 25,
    "ReLU vs tanh speed-up (caption: 'six times faster')": 6,
    "ReLU: epochs to 25% (read off the plot, about)": 6,
    "tanh: epochs to 25% (read off the plot, about)": 36,
}


# --------------------------------------------------------------------------- the old access
def _old_key(name: str, figure: Published) -> str:
    if figure.kind in ("top1_error", "top5_error"):
        short = figure.kind[:4]
        if figure.paper == "inception_v4":
            return f"v4_table2_{short}"
        return f"{short}_own_paper" if (name, figure.paper) == ("inception_v3", "inception_v3") else short
    return {"fewer_parameters_than_alexnet": "fewer_than_alexnet"}.get(figure.kind, figure.kind)


def _published_by_old_keys() -> dict[str, dict[str, Published]]:
    """The old ``PUBLISHED[name][key]`` table, made from :data:`ENTRIES`."""
    table: dict[str, dict[str, Published]] = {}
    for name, figure in _FIGURES:
        if figure.kind == "cifar10_error":
            continue
        figures = table.setdefault(name, {})
        figures[_old_key(name, figure)] = figure
        if figure.note.startswith("100 - the printed"):
            short = figure.kind[:4]
            figures[f"{short}_accuracy"] = Published(round(100 - figure.value, 1),
                                                     f"% top-{short[3]} accuracy", figure.paper,
                                                     figure.where)
    return table


_OLD_CIFAR_NAMES = {("resnet1001_cifar", "resnet_v2"): "resnet1001_cifar (original units)",
                    ("preact_resnet1001_cifar", "densenet"): "preact_resnet1001_cifar (DenseNet's Table 2)"}


def _cifar10_errors_by_old_names() -> dict[str, Published]:
    """The old ``CIFAR10_ERRORS[name]`` table, made from :data:`ENTRIES`."""
    return {_OLD_CIFAR_NAMES.get((name, f.paper), f"{name} ({f.setting})" if f.setting else name): f
            for name, f in _FIGURES if f.kind == "cifar10_error"}


__getattr__ = _deprecation.module_getattr(__name__, {
    "PUBLISHED": ("lecturekit.references.entry(name).published(kind)", _published_by_old_keys),
    "CIFAR10_ERRORS": ("lecturekit.references.entry(name).published('cifar10_error')",
                       _cifar10_errors_by_old_names),
})
