"""2-D convolution from scratch, with :func:`torch.nn.functional.conv2d`'s signature.

``conv2d`` is the vectorized version (im2col): cut every receptive field out of the input
as one row of a matrix, then a single matrix product applies all filters to all fields.
``conv2d_naive`` is the definition written as loops, for reading, not for running.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .. import _validate as check

IntPair = int | tuple[int, int]


def _check(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, stride, padding,
           dilation, groups):
    """Validate like F.conv2d, in one sentence per mistake, and return normalized
    (stride, padding, dilation) pairs."""
    check.tensor(x, "x", 4, "(N, C, H, W)")
    check.tensor(weight, "weight", 4, "(out_channels, in_channels/groups, kH, kW)")
    groups = check.integer(groups, "groups", 1)
    if x.shape[1] % groups or weight.shape[0] % groups:
        raise ValueError(f"groups={groups} must divide the {x.shape[1]} input and "
                         f"{weight.shape[0]} output channels")
    if x.shape[1] // groups != weight.shape[1]:
        raise ValueError(f"weight expects {weight.shape[1] * groups} input channels "
                         f"(with groups={groups}), the input x has {x.shape[1]}: weight must "
                         f"have shape ({weight.shape[0]}, {x.shape[1] // groups}, kH, kW)")
    check.vector(bias, "bias", weight.shape[0], "output channel")
    if x.dtype != weight.dtype:
        raise TypeError(f"x and weight must have the same dtype, got {x.dtype} and "
                        f"{weight.dtype}")
    stride, dilation = check.pair(stride, "stride", 1), check.pair(dilation, "dilation", 1)
    kernel = weight.shape[-2:]
    if isinstance(padding, str):
        if check.choice(padding, ("same", "valid"), "padding", "padding mode") == "valid":
            padding = 0
        else:
            if stride != (1, 1):
                raise ValueError(f"padding='same' needs stride=1, as in torch, got "
                                 f"stride={stride}; pass padding as a number instead")
            totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
            padding = tuple((t // 2, t - t // 2) for t in totals)  # (before, after) per axis
            return stride, padding, dilation
    padding = tuple((p, p) for p in check.pair(padding, "padding", 0))
    for axis, size, k, d, (before, after) in zip(("height", "width"), x.shape[-2:], kernel,
                                                 dilation, padding):
        if d * (k - 1) + 1 > size + before + after:
            raise ValueError(f"weight's kernel {tuple(kernel)} with dilation {dilation} is "
                             f"larger than the padded input x along its {axis} "
                             f"({size + before + after}); use a smaller kernel or more padding")
    return stride, padding, dilation


def _pad(x: torch.Tensor, padding) -> torch.Tensor:
    (top, bottom), (left, right) = padding
    return F.pad(x, (left, right, top, bottom)) if top or bottom or left or right else x


def conv2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
           stride: IntPair = 1, padding: IntPair | str = 0, dilation: IntPair = 1,
           groups: int = 1, images_per_chunk: int = 2) -> torch.Tensor:
    """Vectorized 2-D convolution (cross-correlation, like every deep-learning library).

    1. zero-pad the input and view it channels-last, ``(N, H, W, C)``;
    2. im2col: for each of the ``kH x kW`` kernel offsets take the (strided) shifted view of
       the input that the offset sees, and stack them: every output position gets one row
       holding its whole ``kH x kW x C`` receptive field, ``(N*oH*oW, kH*kW*C)``. (This is
       :func:`torch.nn.functional.unfold`'s matrix, transposed and in channels-last order.)
    3. one matrix product per group applies every filter to every row:
       ``(N*oH*oW, kH*kW*C) @ (kH*kW*C, O)``.

    The work is done ``images_per_chunk`` images at a time so that the unfolded copy,
    ``kH*kW`` times larger than the input, stays in the CPU's cache. Differentiable by autograd.
    """
    stride, padding, dilation = _check(x, weight, bias, stride, padding, dilation, groups)
    x = _pad(x, padding).permute(0, 2, 3, 1)                    # (N, H, W, C), a view
    out_channels, channels_per_group, kh, kw = weight.shape
    (sh, sw), (dh, dw) = stride, dilation
    oh = (x.shape[1] - dh * (kh - 1) - 1) // sh + 1
    ow = (x.shape[2] - dw * (kw - 1) - 1) // sw + 1
    per_group = out_channels // groups
    # (groups, kH*kW*C/groups, O/groups): the filters as columns, in the rows' order
    filters = (weight.view(groups, per_group, channels_per_group, kh, kw)
               .permute(0, 3, 4, 2, 1).reshape(groups, kh * kw * channels_per_group, per_group))
    outputs = []
    for images in x.split(max(1, images_per_chunk)):
        windows = [images[:, i * dh:i * dh + (oh - 1) * sh + 1:sh, j * dw:j * dw + (ow - 1) * sw + 1:sw]
                   for i in range(kh) for j in range(kw)]
        rows = torch.stack(windows, dim=3)                      # (n, oH, oW, kH*kW, C): im2col
        rows = (rows.reshape(-1, kh * kw, groups, channels_per_group).permute(2, 0, 1, 3)
                .reshape(groups, -1, kh * kw * channels_per_group))
        out = rows @ filters                                    # (groups, n*oH*oW, O/groups)
        outputs.append(out.permute(1, 0, 2).reshape(len(images), oh, ow, out_channels))
    out = (torch.cat(outputs) if len(outputs) > 1 else outputs[0]).permute(0, 3, 1, 2)
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def conv2d_naive(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
                 stride: IntPair = 1, padding: IntPair | str = 0, dilation: IntPair = 1,
                 groups: int = 1) -> torch.Tensor:
    """The definition as explicit loops: for every image, output channel and position,
    multiply the kernel with the window under it and add up. Slow; for teaching only."""
    stride, padding, dilation = _check(x, weight, bias, stride, padding, dilation, groups)
    x = _pad(x, padding)
    out_channels, channels_per_group, kh, kw = weight.shape
    (sh, sw), (dh, dw) = stride, dilation
    oh = (x.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (x.shape[3] - dw * (kw - 1) - 1) // sw + 1
    per_group = out_channels // groups
    rows = []
    for n in range(x.shape[0]):
        channels = []
        for o in range(out_channels):
            first = (o // per_group) * channels_per_group     # the input channels of o's group
            image = x[n, first:first + channels_per_group]
            values = []
            for i in range(oh):
                for j in range(ow):
                    window = image[:, i * sh:i * sh + dh * (kh - 1) + 1:dh,
                                   j * sw:j * sw + dw * (kw - 1) + 1:dw]
                    value = (window * weight[o]).sum()
                    values.append(value + bias[o] if bias is not None else value)
            channels.append(torch.stack(values).reshape(oh, ow))
        rows.append(torch.stack(channels))
    return torch.stack(rows)
