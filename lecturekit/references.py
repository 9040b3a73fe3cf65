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
