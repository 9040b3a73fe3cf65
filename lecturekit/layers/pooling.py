"""Max and average pooling from scratch, with ``torch.nn.functional``'s signatures.

Both cut the input into windows with ``Tensor.unfold`` (one window per output position, per
channel) and reduce each window: its maximum, or its mean.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .conv import IntPair, _pair


def _windows(x: torch.Tensor, kernel_size: IntPair, stride: IntPair | None, padding: IntPair,
             fill: float) -> torch.Tensor:
    """(N, C, oH, oW, kH*kW): every pooling window, after padding with ``fill``."""
    if x.dim() != 4:
        raise ValueError(f"expected input (N, C, H, W), got shape {tuple(x.shape)}")
    (kh, kw) = _pair(kernel_size, "kernel_size")
    (sh, sw) = _pair(stride if stride is not None else kernel_size, "stride")
    (ph, pw) = _pair(padding, "padding")
    if min(kh, kw, sh, sw) <= 0:
        raise ValueError("kernel_size and stride must be positive")
    if ph > kh // 2 or pw > kw // 2 or min(ph, pw) < 0:
        raise ValueError(f"padding {padding} must be between 0 and half the kernel size, as in torch")
    if kh > x.shape[2] + 2 * ph or kw > x.shape[3] + 2 * pw:
        raise ValueError(f"kernel_size {kernel_size} is larger than the padded input "
                         f"{tuple(x.shape[2:])}")
    if ph or pw:
        x = F.pad(x, (pw, pw, ph, ph), value=fill)
    windows = x.unfold(2, kh, sh).unfold(3, kw, sw)
    return windows.reshape(*windows.shape[:4], kh * kw)


def max_pool2d(x: torch.Tensor, kernel_size: IntPair, stride: IntPair | None = None,
               padding: IntPair = 0) -> torch.Tensor:
    """The largest value in each window (padding counts as minus infinity)."""
    return _windows(x, kernel_size, stride, padding, float("-inf")).amax(dim=-1)


def avg_pool2d(x: torch.Tensor, kernel_size: IntPair, stride: IntPair | None = None,
               padding: IntPair = 0) -> torch.Tensor:
    """The mean of each window (padding counts as zeros, like torch's default
    ``count_include_pad=True``)."""
    return _windows(x, kernel_size, stride, padding, 0.0).mean(dim=-1)
