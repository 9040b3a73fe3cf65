"""The shared building blocks (lecturekit/models/blocks.py)."""

import ast
from pathlib import Path

import pytest
import torch
from torch import nn

from lecturekit import models
from lecturekit.models import blocks, resnet
from lecturekit.models.blocks import ConvNormAct, DropPath, SeparableConv2d


def test_conv_norm_act_drops_the_bias_only_when_batch_norm_follows():
    unit = ConvNormAct(8, 16, 3, padding=1)
    assert [type(m) for m in unit] == [nn.Conv2d, nn.BatchNorm2d, nn.ReLU]
    assert unit[0].bias is None and unit(torch.zeros(1, 8, 5, 5)).shape == (1, 16, 5, 5)
    plain = ConvNormAct(8, 16, 1, norm=False, act=None)
    assert [type(m) for m in plain] == [nn.Conv2d] and plain[0].bias is not None


def test_conv_norm_act_numbers_its_layers_like_a_plain_sequential():
    unit = ConvNormAct(8, 16, 3)
    reference = nn.Sequential(nn.Conv2d(8, 16, 3, bias=False), nn.BatchNorm2d(16), nn.ReLU())
    assert list(unit.state_dict()) == list(reference.state_dict())
    named = ConvNormAct(8, 16, 3, norm=False, names=dict(conv="conv", act="relu"))
    assert [name for name, _ in named.named_children()] == ["conv", "relu"]
    with pytest.raises(ValueError, match="names maps the roles"):
        ConvNormAct(8, 16, 3, names=dict(bn="bn"))


def test_separable_conv_costs_k2_cin_plus_cin_cout_parameters():
    conv = SeparableConv2d(32, 64)
    assert sum(p.numel() for p in conv.parameters()) == 3 * 3 * 32 + 32 * 64
    unit = ConvNormAct(32, 64, 3, separable=True)
    assert isinstance(unit[0], SeparableConv2d) and unit(torch.zeros(1, 32, 7, 7)).shape == (1, 64, 7, 7)


def test_lrn_takes_the_papers_alpha_and_passes_n_times_it_to_pytorch():
    norm = blocks.lrn()
    assert (norm.size, norm.alpha, norm.beta, norm.k) == (5, 5e-4, 0.75, 2.0)
    x = torch.randn(1, 7, 3, 3)
    squares = torch.nn.functional.pad(x ** 2, (0, 0, 0, 0, 2, 2))
    window = sum(squares[:, i:i + 7] for i in range(5))
    assert torch.allclose(norm(x), x / (2.0 + 1e-4 * window) ** 0.75, atol=1e-6)


def test_drop_path_drops_whole_batches_in_training_and_scales_at_test_time():
    torch.manual_seed(0)
    drop = DropPath(0.5)
    branch = torch.ones(4, 2, 3, 3)
    outcomes = {drop(branch).sum().item() for _ in range(40)}
    assert outcomes == {0.0, branch.sum().item()}
    assert torch.equal(drop.eval()(branch), 0.5 * branch)
    per_sample = DropPath(0.5, per_sample=True).train()
    kept = per_sample(torch.ones(64, 1, 1, 1)).flatten()
    assert set(kept.tolist()) == {0.0, 1.0}
    with pytest.raises(ValueError, match="survival"):
        DropPath(1.5)


def test_cifar_resnets_take_stochastic_depth_from_drop_path():
    model = models.create("resnet20_cifar", survival_last=0.5)
    block = model.stage3[2]
    assert isinstance(block.drop_path, DropPath) and block.survival == 0.5


def test_basic_block_rejects_groups_and_width_it_cannot_use():
    with pytest.raises(ValueError, match="groups=1 and width_per_group=64"):
        resnet.BasicBlock(64, 64, groups=32)
    with pytest.raises(ValueError, match="groups=1 and width_per_group=64"):
        resnet.ResNet(resnet.BasicBlock, [2, 2, 2, 2], width_per_group=128)


def test_no_model_file_builds_its_own_batch_norm_after_a_convolution_helper():
    """The conv-BN-activation unit lives in blocks.py only: no other model file defines a
    function that builds a Conv2d followed by a BatchNorm2d (DenseNet's BN-ReLU-conv
    pre-activation layers are another unit)."""
    folder = Path(blocks.__file__).parent
    for path in folder.glob("*.py"):
        if path.name in ("blocks.py", "__init__.py", "pretrained.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.col_offset == 0:
                source = ast.get_source_segment(path.read_text(), node) or ""
                conv, norm = source.find("nn.Conv2d("), source.find("nn.BatchNorm2d(")
                assert not (0 <= conv < norm), (
                    f"{path.name}: {node.name} builds a conv-BN unit; use blocks.ConvNormAct")
