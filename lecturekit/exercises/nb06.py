"""Checkers for notebook 06 (LeNet-5)."""

from __future__ import annotations

import torch
from torch import nn

from ..analysis import evaluating
from . import Failure, check_function, checker, compare_number, copy_tensors, rebuilds, require_tuple


@checker("06.1", "C3 parameters from the connection table")
def c3_parameters(answer) -> str:
    return compare_number(answer, (6 * 3 + 9 * 4 + 1 * 6) * 25 + 16, "count the connected 5x5 kernels "
                          "(6*3 + 9*4 + 1*6 of them), 25 weights each, then add one bias per C3 map.")


@checker("06.2", "subsample")
def subsample(function) -> str:
    from ..models.lenet import Subsampling

    g = torch.Generator().manual_seed(6)
    cases = []
    for shape in [(1, 1, 2, 2), (2, 6, 28, 28), (3, 16, 10, 10)]:
        x, weight, bias = (torch.randn(size, generator=g) for size in (shape, shape[1], shape[1]))
        layer = Subsampling(shape[1])
        with torch.no_grad():
            layer.weight.copy_(weight)
            layer.bias.copy_(bias)
            cases.append((f"input {shape}", (x, weight, bias), layer(x)))
    return check_function(function, "subsample", cases, "sum (not average) each 2x2 block.")


@checker("06.3", "connections of S2")
def s2_connections(answer) -> str:
    # Section II.B of the paper: "Layer S2 has 12 trainable parameters and 5,880 connections."
    return compare_number(answer, 6 * 14 * 14 * (4 + 1), "S2 has 6 maps of 14x14 units; each "
                          "unit reads a 2x2 block of C1 (4 inputs) and has a bias.")


def distinct_c3_maps(network: nn.Module, atol: float = 1e-4) -> int:
    """How many different C3 feature maps ``network`` (a LeNet-5 of 1998) computes for one fixed
    random 32x32 input: maps that agree to ``atol`` everywhere count once. Maps computed from the
    same kernel and inputs come out equal (to float rounding, about 1e-7); maps of different
    inputs differed by at least 0.03 at seeds 0, 1 and 2."""
    x = torch.rand(1, 1, 32, 32, generator=torch.Generator().manual_seed(1998))
    with evaluating(network), torch.no_grad():
        for layer in ("c1", "c1_act", "s2", "s2_act", "c3"):
            x = getattr(network, layer)(x)
    kinds: list[torch.Tensor] = []
    for m in x[0]:
        if not any(torch.allclose(m, kind, rtol=0, atol=atol) for kind in kinds):
            kinds.append(m)
    return len(kinds)


@rebuilds("lecturekit.models.lenet.LeNet5_1998")
def lenet_from_tensors(tensors: dict):
    """A LeNet-5 of 1998 rebuilt by the grader from the parameters and buffers the student's
    kernel sent: its C3 table from C3's index buffers, then every tensor copied in."""
    from ..models import create
    from ..models.lenet import PartialConv2d

    network = create("lenet5_1998")
    out_index, in_index = tensors.get("c3.out_index"), tensors.get("c3.in_index")
    if isinstance(out_index, torch.Tensor) and isinstance(in_index, torch.Tensor) \
            and out_index.shape == in_index.shape and out_index.dim() == 1:
        table = [sorted({int(i) for o, i in zip(out_index.tolist(), in_index.tolist()) if o == j})
                 for j in range(16)]
        if all(table) and all(0 <= i < 6 for inputs in table for i in inputs):
            network.c3 = PartialConv2d(table, 6)
    return copy_tensors(network, tensors, "lk.models.create('lenet5_1998') for both networks")


@checker("06.5", "predict, then run: C3's table and symmetry", predicted=True)
def c3_symmetry(answer) -> str:
    """(parameters, maps_partial, maps_full, partial, full): the predicted trainable parameters
    of the network with a full C3, the predicted number of different C3 maps with the paper's
    table and with the full table when every C3 kernel starts the same, then the two networks.

    The checker measures both networks itself (parameters; C3 maps of a fixed random input),
    after checking that the change was made: the tables, and every C3 kernel (and bias) equal."""
    from ..analysis import count_parameters
    from ..models.lenet import C3_CONNECTIONS, LeNet5_1998, PartialConv2d

    *predicted, partial, full = require_tuple(
        answer, (int, int, int, LeNet5_1998, LeNet5_1998), "pass (parameters, maps_partial, "
        "maps_full, partial, full): your three predicted numbers, then the two networks, each "
        "made with lk.models.create('lenet5_1998').")
    tables = {"partial": (partial, {(o, i) for o, inputs in enumerate(C3_CONNECTIONS) for i in inputs}),
              "full": (full, {(o, i) for o in range(16) for i in range(6)})}
    for name, (network, table) in tables.items():
        c3 = network.c3
        if not isinstance(c3, PartialConv2d) or set(zip(c3.out_index.tolist(),
                                                        c3.in_index.tolist())) != table:
            raise Failure(f"{name}.c3 should be a PartialConv2d with "
                          + ("the paper's table (leave it as created)." if name == "partial" else
                             "every C3 map reading all six S2 maps: PartialConv2d([range(6)] * 16, 6)."))
        if not ((c3.weight == c3.weight[0]).all() and (c3.bias == c3.bias[0]).all()):
            raise Failure(f"in {name}, set every C3 kernel to the same 5x5 values and every C3 bias "
                          "to the same value (the change of this experiment), in both networks.")
        if not c3.weight[0].any():
            raise Failure(f"in {name}, the common C3 kernel is all zeros, so every map is its bias: "
                          "copy one of the random kernels into the others instead.")
    parameters, maps_partial, maps_full = predicted
    compare_number(parameters, count_parameters(full), "the full table connects 16 x 6 kernels "
                   "of 5x5 where the paper's connects 60; the rest of the network is unchanged.")
    measured = (distinct_c3_maps(partial), distinct_c3_maps(full))
    if (maps_partial, maps_full) != measured:
        raise Failure(f"you predicted {maps_partial} and {maps_full} different C3 maps; the two "
                      "networks compute other numbers (count them in your run). With equal kernels, "
                      "what makes two C3 maps differ is only which S2 maps they read.")
    return ("right: with equal kernels the paper's table still gives every C3 map its own input, "
            "so each extracts a different feature (its \"break of symmetry\"); the full table makes "
            "all 16 maps one. Today random initialization gives the kernels their differences.")
