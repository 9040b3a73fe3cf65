import pytest
import torch

from lecturekit import analysis, models
from lecturekit.models.lenet import C3_CONNECTIONS, connection_table

# Models that take more than a few seconds to build and run a batch on a 2-core CPU: their
# tests are marked slow, so `make quick` leaves them out (`make unit` and `make test` run them).
HEAVY = {
    "alexnet", "alexnet_single", "vgg11", "vgg11_lrn", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16",
    "vgg16_c", "vgg16_bn", "vgg19", "vgg19_bn", "resnet50", "resnet101", "resnet152",
    "wide_resnet50_2", "resnext50_32x4d", "resnext101_32x8d", "resnet1001_cifar",
    "preact_resnet1001_cifar", "resnet1202_cifar", "plain1202_cifar", "wrn28_10", "densenet161",
    "densenet169", "densenet201", "densenet264", "inception_v3", "xception",
}


def by_weight(names):
    """Parameters for a test over models, the heavy ones marked slow."""
    return [pytest.param(n, marks=pytest.mark.slow) if n in HEAVY else n for n in names]


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


@pytest.mark.parametrize("name", by_weight(models.list_models()))
def test_every_model_builds_and_runs_a_batch(name):
    entry = models.entry(name)
    model = models.create(name, num_classes=10).eval()
    with torch.no_grad():
        out = model(torch.randn(2, *entry.input_shape))
    assert out.shape == (2, 10)
    assert entry.summary and entry.paper
    assert "20" in entry.builder.__doc__ or "19" in entry.builder.__doc__  # cites the year


def test_alexnet_two_tower_layout():
    model = models.create("alexnet")
    groups = {name: block.conv.groups for name, block in model.features.named_children()}
    assert groups == {"conv1": 1, "conv2": 2, "conv3": 1, "conv4": 2, "conv5": 2}
    assert analysis.count_parameters(model) == 60_965_224
    assert analysis.count_parameters(model.classifier) > 0.9 * analysis.count_parameters(model)


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


def test_vgg_configurations_have_the_papers_depths():
    from lecturekit.models.vgg import CONFIGURATIONS, WEIGHT_LAYERS

    for configuration, layers in WEIGHT_LAYERS.items():
        convs = [c for c in CONFIGURATIONS[configuration] if c not in ("M", "LRN")]
        assert len(convs) + 3 == layers


def test_class_scale_variants_take_32x32():
    assert analysis.count_parameters(models.create("nin_cifar10")) == 966_986
    for name in ("alexnet_cifar", "nin_cifar", "vgg_cifar", "googlenet_cifar"):
        assert models.entry(name).input_shape == (3, 32, 32)
        assert models.create(name)(torch.zeros(2, 3, 32, 32)).shape == (2, 10)


def test_unknown_model_lists_the_names():
    with pytest.raises(ValueError, match="lenet5"):
        models.create("lenet6")


def test_num_classes_and_channels():
    model = models.create("lenet5", in_channels=3, num_classes=7)
    assert model(torch.zeros(1, 3, 32, 32)).shape == (1, 7)


# --------------------------------------------------------------------------- the ResNet family
@pytest.mark.parametrize("depth", [20, 32, 44, 56, 110, pytest.param(1202, marks=pytest.mark.slow)])
def test_plain_cifar_networks_have_resnets_parameters_and_no_shortcuts(depth):
    ours = analysis.count_parameters(models.create(f"resnet{depth}_cifar"))
    plain = models.create(f"plain{depth}_cifar")
    assert analysis.count_parameters(plain) == ours            # option A shortcuts are free
    assert all(not block.has_shortcut for block in plain.modules()
               if type(block).__name__ == "CifarBlock")


def test_cifar_resnet_depth_must_be_6n_plus_2():
    from lecturekit.models.resnet import CifarResNet

    with pytest.raises(ValueError, match="6n\\+2"):
        CifarResNet(depth=21)


def test_zero_padding_shortcut():
    from lecturekit.models.resnet import ZeroPadShortcut

    x = torch.randn(2, 16, 32, 32)
    y = ZeroPadShortcut(16, 2)(x)
    assert y.shape == (2, 32, 16, 16)
    assert torch.equal(y[:, 8:24], x[:, :, ::2, ::2]) and y[:, :8].abs().sum() == 0


def test_stochastic_depth_drops_blocks_in_training_and_scales_at_test():
    from lecturekit.models.resnet import CifarBlock

    torch.manual_seed(0)
    block = CifarBlock(8, 8, survival=0.5)
    x = torch.randn(2, 8, 6, 6)
    block.train()
    for module in block.modules():                 # keep BN deterministic for the comparison
        if isinstance(module, torch.nn.BatchNorm2d):
            module.eval()
    dropped = [torch.equal(block(x), torch.relu(x)) for _ in range(200)]
    assert 60 < sum(dropped) < 140                 # about half of the passes skip the branch
    block.eval()
    with torch.no_grad():
        expected = torch.relu(0.5 * block.residual(x) + x)
        torch.testing.assert_close(block(x), expected)


def test_stochastic_depth_survival_decays_linearly_and_the_network_is_random_only_in_training():
    model = models.create("resnet20_cifar", survival_last=0.5)
    survivals = [b.survival for b in model.modules() if type(b).__name__ == "CifarBlock"]
    assert survivals[0] == pytest.approx(1 - 0.5 / 9) and survivals[-1] == pytest.approx(0.5)
    assert all(a > b for a, b in zip(survivals, survivals[1:]))
    # survival of block l is 1 - l/L * 0.5: the expected depth is L - 0.5 (L + 1) / 2 blocks
    assert sum(survivals) == pytest.approx(9 - 0.5 * 10 / 2)
    x = torch.randn(2, 3, 32, 32)
    model.eval()
    torch.testing.assert_close(model(x), model(x))           # deterministic at test time
    model.train()
    torch.manual_seed(0)
    outputs = {tuple(model(x)[0, :3].tolist()) for _ in range(3)}
    assert len(outputs) == 3                                 # a random subnetwork each pass
