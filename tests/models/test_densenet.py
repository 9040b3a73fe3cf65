"""DenseNet (lecturekit/models/densenet.py)."""

import pytest
import torch

from lecturekit import analysis, models
from lecturekit.models import densenet


def count(name, **options):
    return analysis.count_parameters(models.create(name, **options))


@pytest.mark.slow
def test_densenet264_follows_table_1():
    model = models.create("densenet264")
    blocks = [m for m in model.features if isinstance(m, densenet.DenseBlock)]
    assert [len(b.layers) for b in blocks] == [6, 12, 64, 48]
    assert count("densenet264") == 33_337_704


def test_dense_block_channels_grow_by_k_per_layer():
    block = densenet.DenseBlock(24, layers=16, growth_rate=12)
    assert block.out_channels == 24 + 16 * 12
    assert [layer.reduce[2].in_channels for layer in block.layers[:3]] == [24, 36, 48]
    assert block(torch.randn(2, 24, 8, 8)).shape == (2, 216, 8, 8)


def test_memory_efficient_densenet_computes_the_same_gradients():
    torch.manual_seed(0)
    plain = models.create("densenet_bc100_cifar", depth=40)
    efficient = models.create("densenet_bc100_cifar", depth=40, memory_efficient=True)
    efficient.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 16, 16)
    grads = []
    for model in (plain, efficient):
        model.zero_grad()
        model(x).sum().backward()
        grads.append(model.features[0][0].weight.grad.clone())
    torch.testing.assert_close(grads[0], grads[1], atol=1e-4, rtol=1e-4)
