"""GoogLeNet (lecturekit/models/googlenet.py)."""

import torch

from lecturekit import analysis, models


def test_googlenet_auxiliary_classifiers():
    model = models.create("googlenet", aux_logits=True).train()
    main, aux1, aux2 = model(torch.randn(2, 3, 224, 224))
    assert main.shape == aux1.shape == aux2.shape == (2, 1000)
    assert model.eval()(torch.randn(1, 3, 224, 224)).shape == (1, 1000)


def test_inception_module_output_channels():
    from lecturekit.models.googlenet import TABLE_1, Inception, NaiveInception

    block = Inception(*TABLE_1["3a"])
    assert block(torch.zeros(1, 192, 28, 28)).shape == (1, 256, 28, 28)
    naive = NaiveInception(192, 64, 128, 32)
    assert naive(torch.zeros(1, 192, 28, 28)).shape == (1, 64 + 128 + 32 + 192, 28, 28)
    assert analysis.count_parameters(naive) > analysis.count_parameters(block)
