"""Checkers for notebook 02 (the convolutional layer)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..grading import REFERENCES, Forbidden
from . import Failure, check_function, checker, compare_number


@checker("02.1", "output width")
def output_width(answer) -> str:
    return compare_number(answer, (63 + 2 * 1 - 3) // 2 + 1,
                          "floor((n + 2p - k) / s) + 1 with n=63, k=3, s=2, p=1; mind the floor.")


@checker("02.2", "conv1d", forbid=[Forbidden("conv1d", "F.conv1d"), Forbidden("conv2d", "F.conv2d"),
                                    REFERENCES])
def conv1d(function) -> str:
    g = torch.Generator().manual_seed(2)
    inputs = [(torch.tensor([0., 1, 2, 3, 0, 0]), torch.tensor([1., 0, -1]))]
    inputs += [(torch.randn(n, generator=g), torch.randn(k, generator=g))
               for n, k in [(10, 3), (7, 1), (5, 5), (20, 4)]]

    def shown(v, most):                 # short vectors in full, long ones by their length
        return v.tolist() if len(v) <= most else f"random, length {len(v)}"

    cases = [(f"conv1d({shown(x, 7)}, {shown(w, 3)})", (x, w),
              F.conv1d(x.view(1, 1, -1), w.view(1, 1, -1))[0, 0]) for x, w in inputs]
    return check_function(function, "conv1d", cases, "did you flip the kernel? Libraries do not.")


@checker("02.3", "predict, then run: output shape", predicted=True)
def output_shape(answer) -> str:
    """(batch, channels, height, width, output): the predicted shape, then the layer's output
    for the batch; the checker reads the output's shape itself."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 5 or not isinstance(answer[4], torch.Tensor):
        raise Failure("predict the shape as a tuple of 4 numbers (batch, channels, height, width), "
                      "then pass the layer's output tensor.")
    expected = (8, 16, 32, 32)
    if tuple(answer[4].shape) != expected:
        raise Failure("the tensor you passed is not the output of nn.Conv2d(3, 16, kernel_size=3, "
                      "stride=2, padding=1) on a batch of 8 RGB images of 64x64.")
    predicted = tuple(int(a) for a in answer[:4])
    wrong = [name for name, a, e in zip(("batch", "channels", "height", "width"), predicted, expected)
             if a != e]
    if wrong:
        raise Failure(f"your prediction is not what the layer gave: the {', '.join(wrong)} "
                      f"{'is' if len(wrong) == 1 else 'are'} not right.")
    return "your prediction matches the output."


@checker("02.5", "windows per pixel with 'same' padding")
def windows_per_pixel(answer) -> str:
    """9x9 image, 5x5 kernel, padding 2: the corner is in 3x3 windows, the centre in 5x5."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Failure("give a pair: (windows containing the corner, windows containing the centre).")
    corner, centre = answer
    if centre != 25:
        raise Failure("the centre pixel: how many positions of a 5x5 window contain it, "
                      "when none of them runs off the padded image?")
    if corner != 9:
        raise Failure("the corner pixel: along one axis, the window can start 2 cells before it "
                      "(in the padding) up to the corner itself; how many starts is that, in 2-D?")
    return "correct: padding lets border pixels into more windows, but still fewer than the centre."


def conv2d_gradients(x: torch.Tensor, w: torch.Tensor, grad_out: torch.Tensor):
    """The reference for 02.6, by autograd: the gradients of sum(grad_out * F.conv2d(x, w))
    with respect to x and w (what backpropagation hands a layer is ``grad_out``)."""
    x, w = x.detach().requires_grad_(), w.detach().requires_grad_()
    return torch.autograd.grad((grad_out * F.conv2d(x, w)).sum(), (x, w))


@checker("02.6", "conv2d_backward", forbid=[
    Forbidden("backward", "Tensor.backward"), Forbidden("grad", "torch.autograd.grad"),
    Forbidden("conv_transpose2d", "F.conv_transpose2d"), REFERENCES])
def conv2d_backward(function) -> str:
    """Recomputes both gradients by autograd on the checker's own random cases (float64):
    several images and channels, non-square inputs, 1x1 and 5x5 kernels."""
    g = torch.Generator().manual_seed(6)
    cases = []
    for n, c_in, c_out, h, w_side, k in [(1, 1, 1, 4, 4, 2), (2, 3, 4, 6, 6, 3), (3, 2, 5, 7, 9, 3),
                                        (2, 4, 3, 5, 5, 1), (1, 2, 2, 8, 6, 5)]:
        x = torch.randn(n, c_in, h, w_side, generator=g, dtype=torch.float64)
        w = torch.randn(c_out, c_in, k, k, generator=g, dtype=torch.float64)
        grad_out = torch.randn(n, c_out, h - k + 1, w_side - k + 1, generator=g, dtype=torch.float64)
        what = f"x of shape {tuple(x.shape)}, w of shape {tuple(w.shape)}"
        cases.append((what, (x, w, grad_out), conv2d_gradients(x, w, grad_out)))
    hints = ("grad_x: every output position sends grad_out, times the kernel, back to the input "
             "pixels of its window; pixels in several windows collect from each.",
             "grad_w: each kernel weight meets one input pixel per output position; add "
             "grad_out times that pixel over every image and position.")
    for part, (name, hint) in enumerate(zip(("grad_x", "grad_w"), hints)):
        def one_part(x, w, grad_out, part=part):
            returned = function(x, w, grad_out)
            if not (isinstance(returned, (tuple, list)) and len(returned) == 2):
                raise Failure("conv2d_backward must return a pair (grad_x, grad_w).")
            return returned[part]
        cases_of_part = [(f"{what}, {name}", args, expected[part]) for what, args, expected in cases]
        check_function(one_part, "conv2d_backward", cases_of_part, hint, atol=1e-9, rtol=1e-9)
    return f"all {len(cases)} test cases agree, for grad_x and for grad_w."
