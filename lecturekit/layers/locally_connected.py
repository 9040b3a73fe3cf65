"""A locally connected layer: a convolution whose filters are *not* shared between
positions (PyTorch has no such layer). Slide 2's middle network."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .. import _validate as check
from ..analysis import Size2d, conv_output_size


class LocallyConnected2d(nn.Module):
    """Like :class:`torch.nn.Conv2d`, but every output position has its own filter.

    ``weight`` has shape ``(out_h*out_w, out_channels, in_channels*k_h*k_w)``: one filter
    bank per output position. The forward pass is vectorized: :func:`torch.nn.functional.unfold`
    cuts out every input patch (im2col), and one ``einsum`` applies to each patch its own
    filters.
    """

    def __init__(self, in_channels: int, out_channels: int, input_size: Size2d,
                 kernel_size: Size2d, stride: Size2d = 1, padding: Size2d = 0,
                 bias: bool = True) -> None:
        super().__init__()
        self.in_channels = check.integer(in_channels, "in_channels", 1)
        self.out_channels = check.integer(out_channels, "out_channels", 1)
        self.input_size = check.pair(input_size, "input_size", 1)
        self.kernel_size = check.pair(kernel_size, "kernel_size", 1)
        self.stride = check.pair(stride, "stride", 1)
        self.padding = check.pair(padding, "padding", 0)
        self.output_size = tuple(
            conv_output_size(n, k, s, p)
            for n, k, s, p in zip(self.input_size, self.kernel_size, self.stride, self.padding)
        )
        positions = self.output_size[0] * self.output_size[1]
        fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
        self.weight = nn.Parameter(torch.empty(positions, out_channels, fan_in))
        self.bias = nn.Parameter(torch.empty(out_channels, *self.output_size)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Uniform in +-1/sqrt(fan_in), the same scale as nn.Conv2d's default."""
        bound = 1 / math.sqrt(self.weight.shape[-1])
        nn.init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if (not isinstance(x, torch.Tensor) or x.dim() != 4 or x.shape[1] != self.in_channels
                or tuple(x.shape[-2:]) != self.input_size):
            check.tensor(x, "x", None, f"(N, {self.in_channels}, {self.input_size[0]}, "
                         f"{self.input_size[1]})")
            raise ValueError(f"LocallyConnected2d was built for {self.in_channels}-channel "
                             f"{self.input_size[0]}x{self.input_size[1]} inputs, so x must have "
                             f"shape (N, {self.in_channels}, {self.input_size[0]}, "
                             f"{self.input_size[1]}), got {tuple(x.shape)}")
        patches = F.unfold(x, self.kernel_size, padding=self.padding, stride=self.stride)
        # patches: (batch, fan_in, positions); weight: (positions, out, fan_in)
        out = torch.einsum("bfp,pof->bop", patches, self.weight)
        out = out.reshape(x.shape[0], self.out_channels, *self.output_size)
        return out if self.bias is None else out + self.bias

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, input_size={self.input_size}, "
                f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"bias={self.bias is not None}")
