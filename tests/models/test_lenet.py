"""LeNet-5 (lecturekit/models/lenet.py): the 1998 network's counts and C3's connection table."""

import torch

from lecturekit import analysis, models
from lecturekit.models.lenet import C3_CONNECTIONS, connection_table


def test_lenet5_1998_has_the_papers_60000_trainable_parameters():
    model = models.create("lenet5_1998")
    per_layer = {name: analysis.count_parameters(m) for name, m in model.named_children()}
    assert per_layer["c1"] == 156 and per_layer["s2"] == 12 and per_layer["c3"] == 1_516
    assert per_layer["s4"] == 32 and per_layer["c5"] == 48_120 and per_layer["f6"] == 10_164
    assert per_layer["output"] == 0          # fixed prototypes, as in the paper
    assert analysis.count_parameters(model) == 60_000


def test_modern_lenet5_has_61706_parameters():
    assert analysis.count_parameters(models.create("lenet5")) == 61_706


def test_c3_connection_table_is_table_one():
    table = connection_table()
    assert table.sum() == 60
    assert table[:, 15].all()
    assert [tuple(table[:, j].nonzero().flatten().tolist()) for j in (0, 6, 12, 13, 14)] == \
        [(0, 1, 2), (0, 1, 2, 3), (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5)]
    assert len(C3_CONNECTIONS) == 16


def test_c3_only_reads_connected_maps():
    c3 = models.create("lenet5_1998").c3
    x = torch.zeros(1, 6, 14, 14)
    x[0, 5] = 1.0                              # only S2 map 5 is active
    out = c3(x) - c3(torch.zeros_like(x))
    reads_5 = {j for j, inputs in enumerate(C3_CONNECTIONS) if 5 in inputs}
    for j in range(16):
        assert (out[0, j].abs().sum() > 0) == (j in reads_5)
