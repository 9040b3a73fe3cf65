"""Batch normalization from scratch (Ioffe & Szegedy 2015, arXiv:1502.03167).

``batch_norm`` has ``torch.nn.functional.batch_norm``'s signature and semantics and follows
the paper's Algorithm 1: mini-batch mean, mini-batch variance, normalize, scale and shift.
In training it uses the statistics of the batch and updates the running averages in place
(with the *unbiased* variance, as torch keeps them); in evaluation it uses the running
averages. ``fold_batch_norm`` merges a trained BN layer into the convolution before it.
"""

from __future__ import annotations

import torch
from torch import nn

from .. import _validate as check


def _reduce_dims(x: torch.Tensor) -> list[int]:
    """Every dimension but the channels: (N,) for (N, C), (N, H, W) for (N, C, H, W)."""
    check.tensor(x, "x", None, "(N, C) or (N, C, ...)")
    if x.dim() < 2:
        raise ValueError(f"x must have shape (N, C) or (N, C, ...), got {tuple(x.shape)}")
    return [0] + list(range(2, x.dim()))


def _per_channel(v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Reshape a (C,) vector so that it broadcasts over x's channel dimension."""
    return v.reshape(1, -1, *([1] * (x.dim() - 2)))


def batch_norm(x: torch.Tensor, running_mean: torch.Tensor | None, running_var: torch.Tensor | None,
               weight: torch.Tensor | None = None, bias: torch.Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> torch.Tensor:
    """Normalize every channel of ``x`` to zero mean and unit variance, then scale by
    ``weight`` (gamma) and shift by ``bias`` (beta)."""
    dims = _reduce_dims(x)
    for name, vector in (("running_mean", running_mean), ("running_var", running_var),
                         ("weight", weight), ("bias", bias)):
        check.vector(vector, name, x.shape[1], "channel of x")
    training = check.flag(training, "training")
    check.number(momentum, "momentum", 0, 1)
    check.number(eps, "eps", 0, low_open=True)
    if training:
        count = x.numel() // x.shape[1]
        if count < 2:
            raise ValueError(f"expected more than 1 value per channel when training, got input "
                             f"of shape {tuple(x.shape)}")
        mean = x.mean(dim=dims)                                  # mini-batch mean
        var = ((x - _per_channel(mean, x)) ** 2).mean(dim=dims)  # mini-batch variance (biased)
        if running_mean is not None and running_var is not None:
            with torch.no_grad():
                unbiased = var * count / (count - 1)
                running_mean.mul_(1 - momentum).add_(momentum * mean)
                running_var.mul_(1 - momentum).add_(momentum * unbiased)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("evaluation mode needs running_mean and running_var")
        mean, var = running_mean, running_var
    x_hat = (x - _per_channel(mean, x)) / torch.sqrt(_per_channel(var, x) + eps)  # normalize
    if weight is not None:
        x_hat = x_hat * _per_channel(weight, x)                                   # scale
    if bias is not None:
        x_hat = x_hat + _per_channel(bias, x)                                     # and shift
    return x_hat


class BatchNorm(nn.Module):
    """``batch_norm`` as a module, a drop-in for ``nn.BatchNorm1d``/``nn.BatchNorm2d``: learned
    gamma (``weight``) and beta (``bias``), running averages as buffers."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        check.integer(num_features, "num_features", 1)
        check.number(eps, "eps", 0, low_open=True)
        check.number(momentum, "momentum", 0, 1)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or x.dim() < 2 or x.shape[1] != self.num_features:
            check.tensor(x, "x", None, f"(N, {self.num_features}, ...)")
            raise ValueError(f"x must have shape (N, {self.num_features}, ...) for {self}: "
                             f"expected {self.num_features} channels, got shape {tuple(x.shape)}")
        return batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                          self.training, self.momentum, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"


def fold_batch_norm(conv: nn.Conv2d, bn: nn.Module) -> nn.Conv2d:
    """A new convolution equal to ``bn(conv(x))`` in evaluation mode.

    BN at inference is an affine map per channel, y = gamma * (z - mean) / sqrt(var + eps) + beta,
    so it folds into the convolution's weights and bias: W' = W * s, b' = (b - mean) * s + beta
    with s = gamma / sqrt(var + eps). One layer less to run at inference."""
    check.instance(conv, nn.Conv2d, "conv", "an nn.Conv2d")
    if not isinstance(getattr(bn, "running_mean", None), torch.Tensor):
        raise TypeError(f"bn must be a batch-norm layer with running statistics (nn.BatchNorm2d "
                        f"or lk.layers.BatchNorm), got {check.describe(bn)}")
    if conv.out_channels != bn.running_mean.numel():
        raise ValueError(f"the convolution has {conv.out_channels} output channels, the batch "
                         f"norm {bn.running_mean.numel()}")
    folded = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                       conv.padding, conv.dilation, conv.groups, bias=True,
                       padding_mode=conv.padding_mode)
    with torch.no_grad():
        gamma = bn.weight if bn.weight is not None else torch.ones_like(bn.running_var)
        beta = bn.bias if bn.bias is not None else torch.zeros_like(bn.running_mean)
        scale = gamma / torch.sqrt(bn.running_var + bn.eps)
        bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
        folded.weight.copy_(conv.weight * scale.reshape(-1, 1, 1, 1))
        folded.bias.copy_((bias - bn.running_mean) * scale + beta)
    return folded.to(conv.weight.device)


def fold_batch_norms(model: nn.Module) -> nn.Module:
    """Fold every ``Conv2d`` directly followed by a ``BatchNorm2d`` inside ``nn.Sequential``
    containers of ``model`` (in place; the BN becomes ``nn.Identity``). Call it on a model in
    evaluation mode: the folded model only computes the same function at inference."""
    check.instance(model, nn.Module, "model", "an nn.Module")
    for module in model.modules():
        if not isinstance(module, nn.Sequential):
            continue
        names = list(module._modules)
        for first, second in zip(names, names[1:]):
            conv, bn = module._modules[first], module._modules[second]
            if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
                module._modules[first] = fold_batch_norm(conv, bn)
                module._modules[second] = nn.Identity()
    return model
