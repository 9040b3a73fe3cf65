"""LeNet-5 (LeCun, Bottou, Bengio & Haffner, 1998), in the paper's form and in today's.

Paper: "Gradient-based learning applied to document recognition", Proc. IEEE 86(11), 1998.
The paper (section II.B) reads: a 32x32 input; C1, 6 feature maps 28x28 from 5x5
convolutions; S2, 6 maps 14x14, each unit the sum of a 2x2 neighbourhood times a trainable
coefficient plus a trainable bias, through a sigmoid; C3, 16 maps 10x10, each connected to a
subset of S2's maps (Table I); S4, 16 maps 5x5; C5, 120 maps 1x1 from 5x5 convolutions;
F6, 84 units; an output of 10 Euclidean radial basis function units. "LeNet-5 comprises
7 layers, not counting the input", with 60,000 trainable parameters.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn

from .. import recipes
from . import register

#: Table I of the paper: which S2 maps (rows 0-5) each C3 map (0-15) reads.
C3_CONNECTIONS: tuple[tuple[int, ...], ...] = (
    *[tuple((i + j) % 6 for j in range(3)) for i in range(6)],   # maps 0-5: 3 neighbours
    *[tuple((i + j) % 6 for j in range(4)) for i in range(6)],   # maps 6-11: 4 neighbours
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),                    # maps 12-14: 4, not adjacent
    (0, 1, 2, 3, 4, 5),                                          # map 15: all six
)


def connection_table() -> torch.Tensor:
    """Table I as a 6x16 boolean matrix: ``table[s2_map, c3_map]``."""
    table = torch.zeros(6, 16, dtype=torch.bool)
    for c3_map, inputs in enumerate(C3_CONNECTIONS):
        table[list(inputs), c3_map] = True
    return table


class ScaledTanh(nn.Module):
    """The paper's squashing function f(a) = A tanh(S a) with A = 1.7159, S = 2/3
    (appendix A), chosen so that f(1) = 1 and f(-1) = -1."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 1.7159 * torch.tanh(2.0 / 3.0 * x)


class Subsampling(nn.Module):
    """S2/S4: the sum of each non-overlapping 2x2 block, times a trainable coefficient, plus a
    trainable bias; one coefficient and one bias per map (2 parameters a map)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        block_sum = 4 * F.avg_pool2d(x, 2)
        return block_sum * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)


class PartialConv2d(nn.Module):
    """C3: a 5x5 convolution in which output map ``j`` reads only the input maps listed in
    ``connections[j]``. Only the 60 connected 5x5 kernels exist as parameters; they are
    scattered into a full weight tensor (zeros elsewhere) so one conv2d does the work."""

    def __init__(self, connections, in_channels: int, kernel_size: int = 5) -> None:
        super().__init__()
        pairs = [(out, inp) for out, inputs in enumerate(connections) for inp in inputs]
        self.out_channels, self.in_channels = len(connections), in_channels
        self.register_buffer("out_index", torch.tensor([o for o, _ in pairs]), persistent=False)
        self.register_buffer("in_index", torch.tensor([i for _, i in pairs]), persistent=False)
        self.weight = nn.Parameter(torch.empty(len(pairs), kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.empty(len(connections)))
        fan_in = torch.bincount(self.out_index).float() * kernel_size ** 2
        self.register_buffer("fan_in", fan_in[self.out_index], persistent=False)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = (2.4 / self.fan_in).view(-1, 1, 1)  # the paper's +-2.4/F_i (appendix A)
        with torch.no_grad():
            self.weight.uniform_(-1, 1).mul_(bound)
            self.bias.uniform_(-0.1, 0.1)

    def full_weight(self) -> torch.Tensor:
        k = self.weight.shape[-1]
        full = self.weight.new_zeros(self.out_channels, self.in_channels, k, k)
        return full.index_put((self.out_index, self.in_index), self.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.full_weight(), self.bias)


class EuclideanRBF(nn.Module):
    """The output layer: unit i computes y_i = sum_j (x_j - w_ij)^2, the squared distance of
    F6's output to a fixed prototype ("Gaussian connections").

    In the paper the prototypes are stylized 7x12 bitmaps of the characters, entries -1/+1,
    chosen by hand and kept fixed. Here they are fixed random +-1 codes (a buffer, not a
    parameter), and the layer returns -y so that the *smallest* distance is the largest
    logit: cross-entropy on -y is close to the paper's MAP criterion (its equation 9).
    """

    def __init__(self, in_features: int = 84, num_classes: int = 10, seed: int = 1998) -> None:
        super().__init__()
        codes = torch.randint(0, 2, (num_classes, in_features),
                              generator=torch.Generator().manual_seed(seed))
        self.register_buffer("prototypes", codes.float() * 2 - 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return -torch.cdist(x, self.prototypes).pow(2)


def _init_like_paper(module: nn.Module) -> None:
    """Uniform in +-2.4/F_i, F_i the fan-in (the paper's appendix A)."""
    if isinstance(module, (nn.Conv2d, nn.Linear)):
        fan_in = module.weight[0].numel()
        nn.init.uniform_(module.weight, -2.4 / fan_in, 2.4 / fan_in)
        nn.init.uniform_(module.bias, -2.4 / fan_in, 2.4 / fan_in)


class LeNet5_1998(nn.Sequential):
    """LeNet-5 as described in 1998 (layer names as in the paper's Figure 2)."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__(OrderedDict([
            ("c1", nn.Conv2d(in_channels, 6, 5)), ("c1_act", ScaledTanh()),
            ("s2", Subsampling(6)), ("s2_act", ScaledTanh()),
            ("c3", PartialConv2d(C3_CONNECTIONS, 6)), ("c3_act", ScaledTanh()),
            ("s4", Subsampling(16)), ("s4_act", ScaledTanh()),
            ("c5", nn.Conv2d(16, 120, 5)), ("c5_act", ScaledTanh()),
            ("flatten", nn.Flatten()),
            ("f6", nn.Linear(120, 84)), ("f6_act", ScaledTanh()),
            ("output", EuclideanRBF(84, num_classes)),
        ]))
        for module in (self.c1, self.c5, self.f6):
            _init_like_paper(module)


class LeNet5(nn.Sequential):
    """LeNet-5 as it is usually written today: ReLU, max pooling, C3 fully connected to S2,
    a plain linear output trained with softmax cross-entropy."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__(OrderedDict([
            ("c1", nn.Conv2d(in_channels, 6, 5)), ("c1_act", nn.ReLU()),
            ("s2", nn.MaxPool2d(2)),
            ("c3", nn.Conv2d(6, 16, 5)), ("c3_act", nn.ReLU()),
            ("s4", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()),
            ("c5", nn.Linear(16 * 5 * 5, 120)), ("c5_act", nn.ReLU()),
            ("f6", nn.Linear(120, 84)), ("f6_act", nn.ReLU()),
            ("output", nn.Linear(84, num_classes)),
        ]))


@register("lenet5_1998", family="lenet", paper="lenet", input_shape=(1, 32, 32),
          recipe=recipes.MNIST_LENET_1998)
def lenet5_1998(*, num_classes: int = 10, in_channels: int = 1) -> nn.Module:
    """LeNet-5, faithful to LeCun et al. 1998 (Proc. IEEE); "60,000 trainable parameters".

    Scaled tanh activations, trainable 2x2 subsampling, C3's partial connections (Table I)
    and a Euclidean RBF output with fixed prototypes. Input 32x32 (MNIST's 28x28 padded).
    Exactly 60,000 trainable parameters for 10 classes.
    """
    return LeNet5_1998(in_channels, num_classes)


@register("lenet5", family="lenet", paper="lenet", input_shape=(1, 32, 32),
          recipe=recipes.MNIST_LENET)
def lenet5(*, num_classes: int = 10, in_channels: int = 1) -> nn.Module:
    """LeNet-5 as commonly written today (LeCun et al. 1998, modernized): ReLU, max pooling,
    full C3, linear output; 61,706 parameters for 10 classes."""
    return LeNet5(in_channels, num_classes)
