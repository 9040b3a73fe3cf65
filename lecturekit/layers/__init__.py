"""Layers written from scratch for teaching, with the same signatures as their
``torch.nn`` / ``torch.nn.functional`` counterparts so one can be swapped for the other."""

from .activations import (
    ACTIVATIONS,
    elu,
    gelu,
    leaky_relu,
    relu,
    sigmoid,
    silu,
    tanh,
)
from .conv import conv2d, conv2d_naive
from .locally_connected import LocallyConnected2d
from .normalization import BatchNorm, batch_norm, fold_batch_norm, fold_batch_norms
from .pooling import avg_pool2d, max_pool2d

__all__ = [
    "ACTIVATIONS", "BatchNorm", "LocallyConnected2d", "avg_pool2d", "batch_norm", "conv2d",
    "conv2d_naive", "elu", "fold_batch_norm", "fold_batch_norms", "gelu", "leaky_relu", "max_pool2d",
    "relu", "sigmoid",
    "silu", "tanh",
]
