"""Every mistake a user can type is one clear sentence: the table below holds bad calls to the
public functions (lk.data, lk.models, lk.train, lk.layers, lk.analysis) with the exception
each must raise and a pattern its message must match, naming the argument and the valid
choices (for an unknown name, the closest matches). The command line prints the same sentence
on stderr and exits with status 2."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

import lecturekit
from lecturekit import analysis, data, models, train
from lecturekit.__main__ import main
from lecturekit.layers import (
    BatchNorm,
    LocallyConnected2d,
    avg_pool2d,
    batch_norm,
    conv2d,
    conv2d_naive,
    fold_batch_norm,
    fold_batch_norms,
    leaky_relu,
    max_pool2d,
    relu,
    sigmoid,
)

PACKAGE = Path(lecturekit.__file__).parent


def images(n=8, classes=2):
    """n 1x4x4 uint8 images with labels 0..classes-1."""
    return data.ImageDataset(torch.zeros(n, 1, 4, 4, dtype=torch.uint8), torch.arange(n) % classes,
                             [str(c) for c in range(classes)], "tiny", True, "a test", (0.5,),
                             (0.25,))


def linear(classes=2):
    return nn.Sequential(nn.Flatten(), nn.Linear(16, classes))


def fit(model=None, train_data=None, **kwargs):
    options = dict(epochs=1, device="cpu", progress=False, live_plot=False) | kwargs
    return train.fit(linear() if model is None else model,
                     images() if train_data is None else train_data, **options)


X = torch.zeros(1, 3, 5, 5)
W = torch.zeros(2, 3, 3, 3)

# per module: (what is wrong, the call, the exception, a pattern naming the argument and what
# is valid)
BAD_CALLS_BY_MODULE = {"lk.data": [
    ("misspelt data set", lambda: data.load("mnst"), ValueError,
     r"name='mnst': unknown data set; choose one of mnist, fashion_mnist, cifar10 "
     r"\(closest matches: mnist\)"),
    ("unknown data set", lambda: data.load("imagenet"), ValueError,
     r"name='imagenet'.*choose one of mnist, fashion_mnist, cifar10"),
    ("data set name not a string", lambda: data.load(10), TypeError,
     r"name must be the name of a data set.*got 10.*mnist"),
    ("split as a string", lambda: data.load("mnist", "test"), TypeError,
     r"train must be True or False, got 'test'"),
    ("empty subset", lambda: data.load("mnist", limit=0), ValueError,
     r"limit must be a positive integer, got 0"),
    ("fractional subset", lambda: data.load("mnist", limit=2.5), TypeError,
     r"limit must be a positive integer, got 2\.5"),
    ("image size as a string", lambda: data.load("mnist", image_size="32"), TypeError,
     r"image_size must be a positive integer, got '32'"),
    ("padding to a smaller size", lambda: data.pad_to(images(), 2), ValueError,
     r"image_size=2 is smaller than the images \(4x4\); use at least 4"),
    ("empty batches", lambda: data.Loader(images(), batch_size=0), ValueError,
     r"batch_size must be a positive integer, got 0"),
    ("a tensor instead of a data set", lambda: data.Loader(torch.zeros(4, 1, 4, 4)), TypeError,
     r"data must be an ImageDataset from lk\.data\.load, got a tensor of shape \(4, 1, 4, 4\)"),
    ("unknown device", lambda: data.Loader(images(), device="gpu"), ValueError,
     r"device='gpu' is not a device; use 'cpu', 'cuda'"),
    ("negative crop padding", lambda: data.Loader(images(), pad=-1), ValueError,
     r"pad must be a non-negative integer, got -1"),
    ("subset size as a string", lambda: images().subset("4"), TypeError,
     r"size must be a positive integer or None, got '4'"),
], "lk.models": [
    ("misspelt model", lambda: models.create("resnet5"), ValueError,
     r"name='resnet5': unknown model; closest matches: resnet50.*lk\.models\.list_models\(\)"),
    ("model one digit off", lambda: models.create("lenet6"), ValueError,
     r"name='lenet6'.*closest matches: lenet5"),
    ("model in capitals", lambda: models.entry("VGG16"), ValueError,
     r"name='VGG16'.*closest matches: vgg16,"),
    ("model name not a string", lambda: models.create(None), TypeError,
     r"name must be the name of a model \(a string\), got None"),
    ("misspelt builder argument", lambda: models.create("lenet5", num_clases=3), TypeError,
     r"lenet5 has no argument 'num_clases' \(closest: num_classes\); it takes num_classes, "
     r"in_channels"),
    ("no classes", lambda: models.create("lenet5", num_classes=0), ValueError,
     r"num_classes must be a positive integer, got 0"),
    ("channels as a string", lambda: models.create("lenet5", in_channels="3"), TypeError,
     r"in_channels must be a positive integer, got '3'"),
    ("unknown family", lambda: models.list_models("resnets"), ValueError,
     r"family='resnets': unknown model family; choose one of .*closest matches: resnet,"),
], "lk.train": [
    ("learning rate as a string", lambda: fit(lr="0.1"), TypeError,
     r"lr must be a positive number, got '0\.1'"),
    ("zero learning rate", lambda: fit(lr=0), ValueError, r"lr must be a positive number, got 0"),
    ("misspelt optimizer", lambda: fit(optimizer="adma"), ValueError,
     r"optimizer='adma': unknown optimizer; choose one of sgd, adam, adamw "
     r"\(closest matches: adam"),
    ("misspelt schedule", lambda: fit(schedule="cosin"), ValueError,
     r"schedule='cosin'.*choose one of constant, step, multistep, cosine, onecycle "
     r"\(closest matches: cosine\)"),
    ("fractional epochs", lambda: fit(epochs=1.5), TypeError,
     r"epochs must be a positive integer, got 1\.5"),
    ("empty batches in fit", lambda: fit(batch_size=0), ValueError,
     r"batch_size must be a positive integer, got 0"),
    ("momentum above 1", lambda: fit(momentum=1.5), ValueError,
     r"momentum must be a number in \[0, 1\], got 1\.5"),
    ("label smoothing of 1", lambda: fit(label_smoothing=1.0), ValueError,
     r"label_smoothing must be a number in \[0, 1\), got 1\.0"),
    ("unknown precision", lambda: fit(amp="fp32"), ValueError,
     r"amp='fp32': unknown mixed-precision mode; choose one of auto, bf16, fp16"),
    ("unknown device in fit", lambda: fit(device="gpu"), ValueError,
     r"device='gpu' is not a device"),
    ("a milestone at epoch 0", lambda: fit(schedule="multistep", milestones=[0]), ValueError,
     r"each of milestones must be a positive integer, got 0"),
    ("negative gradient clip", lambda: fit(clip_grad=-1), ValueError,
     r"clip_grad must be a positive number or None, got -1"),
    ("a tensor as training data", lambda: fit(train_data=torch.zeros(8, 16)), TypeError,
     r"train_data must be an ImageDataset from lk\.data\.load, a Loader or an iterable of "
     r"\(images, labels\) batches.*TensorDataset"),
    ("an (images, labels) pair as training data",
     lambda: fit(train_data=(torch.zeros(8, 1, 4, 4), torch.zeros(8).long())), TypeError,
     r"train_data must be an ImageDataset.*DataLoader"),
    ("a generator as training data",
     lambda: fit(train_data=((torch.zeros(2, 1, 4, 4), torch.zeros(2).long()) for _ in range(2))),
     TypeError, r"train_data must have a length \(a DataLoader or a list of batches"),
    ("a model name instead of a model", lambda: fit(model="lenet5"), TypeError,
     r"model must be a torch\.nn\.Module, got 'lenet5'"),
    ("too few classes in the model", lambda: fit(linear(2), images(classes=3)), ValueError,
     r"train_data has class label 2 but the model scores 2 classes; build it with "
     r"num_classes=3 or more"),
    ("a model whose output is not (N, classes)",
     lambda: fit(nn.Conv2d(1, 2, 3), images()), ValueError,
     r"the model must return class scores of shape \(N, classes\) = \(8, classes\) for a "
     r"batch of train_data, got shape \(8, 2, 2, 2\)"),
    ("a model that cannot take the images",
     lambda: fit(nn.Sequential(nn.Flatten(), nn.Linear(9, 2)), images()), ValueError,
     r"the model cannot take train_data's images of shape \(1, 4, 4\) \(.*\); load the data "
     r"with a matching image_size"),
    ("evaluation with negative batches", lambda: train.evaluate(linear(), images(), -1),
     ValueError, r"batch_size must be a positive integer, got -1"),
    ("evaluation of a model with too few classes",
     lambda: train.evaluate(linear(2), images(classes=4)), ValueError,
     r"data has class label 3 but the model scores 2 classes; build it with num_classes=4"),
], "lk.layers": [
    ("conv weight for other input channels", lambda: conv2d(X, torch.zeros(2, 4, 3, 3)),
     ValueError, r"weight expects 4 input channels \(with groups=1\), the input x has 3: weight "
     r"must have shape \(2, 3, kH, kW\)"),
    ("conv input without a batch dimension", lambda: conv2d(X[0], W), ValueError,
     r"x must have shape \(N, C, H, W\), got \(3, 5, 5\)"),
    ("conv input not a tensor", lambda: conv2d(X.numpy(), W), TypeError,
     r"x must be a torch\.Tensor of shape \(N, C, H, W\), got ndarray"),
    ("conv bias of the wrong size", lambda: conv2d(X, W, torch.zeros(3)), ValueError,
     r"bias must have shape \(2,\), one value per output channel, got \(3,\)"),
    ("misspelt padding mode", lambda: conv2d(X, W, padding="smae"), ValueError,
     r"padding='smae': unknown padding mode; choose one of same, valid \(closest matches: same\)"),
    ("stride with one number in a tuple", lambda: conv2d_naive(X, W, stride=(1,)), TypeError,
     r"stride must be a positive int or a pair of them, got \(1,\)"),
    ("conv kernel larger than the input", lambda: conv2d(X, torch.zeros(2, 3, 7, 7)), ValueError,
     r"weight's kernel \(7, 7\) with dilation \(1, 1\) is larger than the padded input x along "
     r"its height \(5\); use a smaller kernel or more padding"),
    ("conv with mixed dtypes", lambda: conv2d(X.double(), W), TypeError,
     r"x and weight must have the same dtype, got torch\.float64 and torch\.float32"),
    ("pooling window larger than the input", lambda: max_pool2d(torch.zeros(1, 1, 4, 4), 5),
     ValueError, r"kernel_size=5 is larger than the padded input x \(4x4\); use at most that"),
    ("empty pooling window", lambda: avg_pool2d(torch.zeros(1, 1, 4, 4), 0), ValueError,
     r"kernel_size must be a positive int or a pair of them, got 0"),
    ("pooling padding over half the window",
     lambda: max_pool2d(torch.zeros(1, 1, 4, 4), 2, padding=2), ValueError,
     r"padding=2 must be between 0 and half the kernel size \(1, 1\)"),
    ("activation of a number", lambda: relu(3.0), TypeError,
     r"relu's x must be a torch\.Tensor, got float"),
    ("activation of a list", lambda: sigmoid([1.0, 2.0]), TypeError,
     r"sigmoid's x must be a torch\.Tensor, got list"),
    ("slope as a string", lambda: leaky_relu(torch.zeros(3), "0.1"), TypeError,
     r"negative_slope must be a number, got '0\.1'"),
    ("batch-norm gamma of the wrong size",
     lambda: batch_norm(torch.randn(4, 3), None, None, torch.ones(5), training=True), ValueError,
     r"weight must have shape \(3,\), one value per channel of x, got \(5,\)"),
    ("batch-norm running mean of the wrong size",
     lambda: batch_norm(torch.randn(4, 3), torch.zeros(2), torch.ones(3)), ValueError,
     r"running_mean must have shape \(3,\), one value per channel of x, got \(2,\)"),
    ("batch-norm momentum above 1",
     lambda: batch_norm(torch.randn(4, 3), None, None, training=True, momentum=2), ValueError,
     r"momentum must be a number in \[0, 1\], got 2"),
    ("batch norm of no channels", lambda: BatchNorm(0), ValueError,
     r"num_features must be a positive integer, got 0"),
    ("batch norm for other channels", lambda: BatchNorm(5)(torch.randn(2, 4, 3, 3)), ValueError,
     r"x must have shape \(N, 5, \.\.\.\) for BatchNorm\(5.*expected 5 channels, got shape "
     r"\(2, 4, 3, 3\)"),
    ("folding something that is not batch norm",
     lambda: fold_batch_norm(nn.Conv2d(1, 2, 3), nn.ReLU()), TypeError,
     r"bn must be a batch-norm layer with running statistics \(nn\.BatchNorm2d or "
     r"lk\.layers\.BatchNorm\)"),
    ("folding the batch norms of a name", lambda: fold_batch_norms("resnet20_cifar"), TypeError,
     r"model must be an nn\.Module, got 'resnet20_cifar'"),
    ("locally connected layer on other channels",
     lambda: LocallyConnected2d(3, 4, 8, 3)(torch.zeros(1, 1, 8, 8)), ValueError,
     r"x must have shape \(N, 3, 8, 8\), got \(1, 1, 8, 8\)"),
    ("locally connected layer with an empty kernel", lambda: LocallyConnected2d(3, 4, 8, 0),
     ValueError, r"kernel_size must be a positive int or a pair of them, got 0"),
], "lk.analysis": [
    ("kernel larger than the input", lambda: analysis.conv_output_size(3, 5), ValueError,
     r"kernel_size=5 with dilation=1 spans 5 pixels, more than the padded input"),
    ("zero stride", lambda: analysis.conv_output_size(32, 3, stride=0), ValueError,
     r"stride must be a positive integer, got 0"),
    ("fractional size", lambda: analysis.conv_output_size(32.0, 3), TypeError,
     r"size must be a positive integer, got 32\.0"),
    ("channel count as a string", lambda: analysis.conv_params(3, "16"), TypeError,
     r"out_channels must be a positive integer, got '16'"),
    ("groups that do not divide", lambda: analysis.conv_params(3, 6, in_channels=4, groups=4),
     ValueError, r"groups=4 must divide in_channels=4 and out_channels=6"),
    ("image size with one number", lambda: analysis.fully_connected_params((28,), 10),
     TypeError, r"image_size must be a positive int or a pair of them, got \(28,\)"),
    ("unknown padding mode", lambda: analysis.locally_connected_params(8, 3, padding="valid"),
     ValueError, r"padding must be 'same' or a non-negative int, got 'valid'"),
    ("a layer given by one number", lambda: analysis.receptive_field([(3,)]), ValueError,
     r"each layer must be a conv or pooling module or a tuple \(kernel_size, stride"
     r"\[, dilation\]\), got \(3,\)"),
    ("a layer with zero stride", lambda: analysis.receptive_field([(3, 0)]), ValueError,
     r"each layer's kernel_size, stride and dilation must be a positive integer, got 0"),
    ("one module instead of a stack", lambda: analysis.receptive_field(nn.Conv2d(1, 1, 3)),
     TypeError, r"layers must be a list of conv/pooling modules \(or an nn\.Sequential\)"),
    ("a stack with no window", lambda: analysis.receptive_field([nn.ReLU()]), ValueError,
     r"layers has no convolution or pooling layer \(nn\.Conv2d, nn\.MaxPool2d"),
    ("input size without the batch dimension",
     lambda: analysis.summary(models.create("lenet5"), (1, 32, 32)), ValueError,
     r"the model cannot run on input_size=\(1, 32, 32\) \(.*\); give the shape it was "
     r"built for, batch dimension first"),
    ("a tensor instead of an input size",
     lambda: analysis.summary(models.create("lenet5"), torch.zeros(1, 1, 32, 32)), TypeError,
     r"input_size must be a shape with the batch dimension first, e.g\. \(1, 3, 32, 32\), got "
     r"a tensor of shape \(1, 1, 32, 32\); pass x\.shape"),
    ("a model name instead of a model", lambda: analysis.mult_adds("lenet5", (1, 1, 32, 32)),
     TypeError, r"model must be an nn\.Module, got 'lenet5'"),
    ("an empty axis in the input size",
     lambda: analysis.mult_adds(models.create("lenet5"), (1, 0, 32, 32)), ValueError,
     r"each entry of input_size must be a positive integer, got 0"),
    ("activations of a list", lambda: analysis.feature_maps(linear(), [1.0, 2.0]), TypeError,
     r"x must be a torch\.Tensor, got list"),
    ("activations of images the model cannot take",
     lambda: analysis.feature_maps(linear(), torch.zeros(1, 3, 4, 4)), ValueError,
     r"the model cannot run on x of shape \(1, 3, 4, 4\) \(.*\); give the shape it was built for"),
    ("parameters of a number", lambda: analysis.count_parameters(5), TypeError,
     r"model must be an nn\.Module or an iterable of parameters, got 5"),
]}
BAD_CALLS = [row for rows in BAD_CALLS_BY_MODULE.values() for row in rows]


def test_the_table_tries_at_least_40_bad_calls_across_the_public_modules():
    assert len(BAD_CALLS) >= 40
    assert all(len(rows) >= 8 for rows in BAD_CALLS_BY_MODULE.values())


@pytest.mark.parametrize("wrong, call, error, pattern", BAD_CALLS,
                         ids=[row[0] for row in BAD_CALLS])
def test_a_bad_call_is_one_sentence_naming_the_argument_and_the_valid_choices(wrong, call, error,
                                                                              pattern):
    with pytest.raises(error) as raised:
        call()
    message = str(raised.value)
    assert re.search(pattern, message), message
    assert "\n" not in message and "Traceback" not in message
    assert not re.search(r"[.!?] +[A-Z]", message), f"more than one sentence: {message}"
    # raised by lecturekit's own checks, not by torch deep inside
    assert Path(str(raised.traceback[-1].path)).is_relative_to(PACKAGE), raised.traceback[-1]


def test_an_unknown_model_shows_the_closest_names_not_all_of_them():
    with pytest.raises(ValueError) as raised:
        models.create("resnet5")
    named = [m for m in models.list_models() if re.search(rf"\b{m}\b", str(raised.value))]
    assert 1 <= len(named) <= 4 and len(models.list_models()) > 40


def test_good_calls_still_work():
    assert data.spec("Fashion-MNIST").name == "fashion_mnist"
    assert models.create("lenet5", num_classes=3)(torch.zeros(2, 1, 32, 32)).shape == (2, 3)
    assert conv2d(X, W, torch.zeros(2), padding="same").shape == (1, 2, 5, 5)
    assert conv2d(X, W, stride=(1, 2), padding=(1, 0)).shape == (1, 2, 5, 2)
    assert max_pool2d(torch.zeros(1, 1, 4, 4), (2, 2), padding=1).shape == (1, 1, 3, 3)
    assert analysis.conv_output_size(224, 11, 4, 2) == 55
    assert analysis.receptive_field(nn.Sequential(nn.Conv2d(1, 1, 3), nn.MaxPool2d(2))).size == 4
    history = fit(epochs=1, time_budget=0)
    assert history.epoch == [1]
    assert train.evaluate(linear(), images(), batch_size=3).accuracy == 0.5


@pytest.mark.parametrize("argv, pattern", [
    (["train", "resnet5", "--dataset", "mnist"], r"model='resnet5': unknown model; closest "
                                                 r"matches: resnet50"),
    (["train", "lenet5", "--dataset", "mnst"], r"--dataset='mnst': unknown data set; choose one "
                                               r"of mnist, fashion_mnist, cifar10"),
    (["train", "lenet5", "--dataset", "mnist", "--epochs", "0"],
     r"--epochs must be a positive integer, got 0"),
    (["train", "lenet5", "--dataset", "mnist", "--lr", "-1"], r"--lr must be a positive number"),
    (["train", "lenet5", "--dataset", "mnist", "--optimizer", "sgdd"],
     r"argument --optimizer: invalid choice: 'sgdd'"),
    (["train", "lenet5"], r"the following arguments are required: --dataset"),
    (["execute", "missing.ipynb"], r"notebooks must be existing \.ipynb files, got "
                                   r"'missing\.ipynb'"),
])
def test_the_command_line_prints_one_sentence_and_exits_2(argv, pattern, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert re.search(pattern, err), err
    assert err.startswith("python -m lecturekit") and err.count("\n") == 1
    assert "Traceback" not in err and out == ""


def test_the_command_line_shows_no_traceback_in_a_real_run():
    result = subprocess.run([sys.executable, "-m", "lecturekit", "train", "resnet5", "--dataset",
                             "mnist"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "python -m lecturekit train: error: model='resnet5': unknown model; closest matches: "
        "resnet50, resnet56_cifar, wide_resnet50_2, resnet152 "
        "(see lecturekit.models.list_models())"]
