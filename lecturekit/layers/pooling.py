"""Max and average pooling from scratch, with ``torch.nn.functional``'s signatures.

Both cut the input into windows with ``Tensor.unfold`` (one window per output position, per
channel) and reduce each window: its maximum, or its mean.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .. import _validate as check
from .conv import IntPair


def _windows(x: torch.Tensor, kernel_size: IntPair, stride: IntPair | None, padding: IntPair,
             fill: float) -> torch.Tensor:
    """(N, C, oH, oW, kH*kW): every pooling window, after padding with ``fill``."""
    check.tensor(x, "x", 4, "(N, C, H, W)")
    (kh, kw) = check.pair(kernel_size, "kernel_size", 1)
    (sh, sw) = check.pair(stride if stride is not None else kernel_size, "stride", 1)
    (ph, pw) = check.pair(padding, "padding", 0)
    if ph > kh // 2 or pw > kw // 2:
        raise ValueError(f"padding={padding!r} must be between 0 and half the kernel size "
                         f"({kh // 2}, {kw // 2}), as in torch")
    if kh > x.shape[2] + 2 * ph or kw > x.shape[3] + 2 * pw:
        raise ValueError(f"kernel_size={kernel_size!r} is larger than the padded input x "
                         f"({x.shape[2] + 2 * ph}x{x.shape[3] + 2 * pw}); use at most that")
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
