"""Every checker passes the notebook's solution, fails wrong answers with a hint, never
raises, and never prints the answer of a compute-by-hand exercise."""

import torch

from lecturekit import exercises
from lecturekit.exercises import evaluate, nb04


def conv_layer_params(kernel_size, in_channels, out_channels):
    return out_channels * (in_channels * kernel_size * kernel_size + 1)


def subsample(x, weight, bias):
    n, c, h, w = x.shape
    sums = x.reshape(n, c, h // 2, 2, w // 2, 2).sum(dim=(3, 5))
    return sums * weight.view(1, c, 1, 1) + bias.view(1, c, 1, 1)


def normalize(images, mean, std):
    return (images.float() / 255 - torch.tensor(mean).view(1, -1, 1, 1)) / \
        torch.tensor(std).view(1, -1, 1, 1)


def conv1d(x, w):
    return x.unfold(0, len(w), 1) @ w


def max_pool1d(x, k):
    return x.unfold(0, k, k).amax(dim=1)


def conv2d_backward(x, w, grad_out):
    """02.6: the gradients of sum(grad_out * F.conv2d(x, w)), one kernel offset at a time."""
    k, (rows, cols) = w.shape[-1], grad_out.shape[-2:]
    grad_x, grad_w = torch.zeros_like(x), torch.zeros_like(w)
    for a in range(k):
        for b in range(k):
            grad_w[:, :, a, b] = torch.einsum("nohw,nchw->oc", grad_out, x[:, :, a:a + rows, b:b + cols])
            grad_x[:, :, a:a + rows, b:b + cols] += torch.einsum("nohw,oc->nchw", grad_out, w[:, :, a, b])
    return grad_x, grad_w


def equals_some_shift(layer, x, pixels):
    """01.5: does layer(x shifted by pixels, down and right) equal some circular shift of layer(x)?"""
    def shift(t, a, b):
        return torch.roll(t, shifts=(a, b), dims=(-2, -1))

    with torch.no_grad():
        y, y_shifted = layer(x), layer(shift(x, pixels, pixels))
    return any(torch.allclose(y_shifted, shift(y, a, b), atol=1e-5)
               for a in range(y.shape[-2]) for b in range(y.shape[-1]))


def commutes(m, k):
    """03.5: does 2x2/2 max pooling of m shifted by k equal some circular shift of its pooling?"""
    import torch.nn.functional as F

    moved, pooled = F.max_pool2d(torch.roll(m, k, dims=-1), 2), F.max_pool2d(m, 2)
    return any(torch.equal(moved, torch.roll(pooled, j, dims=-1)) for j in range(pooled.shape[-1]))


def exercises_models_ratio(a, b):
    from lecturekit import analysis, models

    shape = (1, 3, 224, 224)
    return analysis.mult_adds(models.create(a), shape) / analysis.mult_adds(models.create(b), shape)


def softmax(z):
    e = torch.exp(z - z.max(dim=1, keepdim=True).values)
    return e / e.sum(dim=1, keepdim=True)


def lenet_history(peak_lr, test_accuracies):
    """A History as lk.train.fit returns it (05.5): the learning rate and test accuracy per epoch."""
    from lecturekit.train import History

    epochs = list(range(1, len(test_accuracies) + 1))
    return History(epoch=epochs, lr=[peak_lr / 10 ** e for e in epochs],
                   test_accuracy=list(test_accuracies))


def resnet20_with_new_head(train_mode_steps=0):
    """16.5: the shipped ResNet-20 with a new last layer (the shipped one, slightly moved, so it
    is new and good); ``train_mode_steps`` forward passes in training mode move the batch-norm
    statistics, which the checker must catch."""
    from lecturekit import models

    network = models.create("resnet20_cifar", pretrained=True)
    with torch.no_grad():
        network.head[2].weight.add_(1e-3)
    network.train()
    for _ in range(train_mode_steps):
        network(torch.randn(8, 3, 32, 32))
    return network.eval()


def lenets_with_equal_c3_kernels():
    """(partial, full) for 06.5: LeNet-5 of 1998 with the paper's and with a full C3 table,
    every C3 kernel and bias a copy of the first."""
    from lecturekit import models
    from lecturekit.models.lenet import PartialConv2d

    partial, full = models.create("lenet5_1998"), models.create("lenet5_1998")
    full.c3 = PartialConv2d([range(6)] * 16, 6)
    for net in (partial, full):
        with torch.no_grad():
            net.c3.weight[:] = net.c3.weight[0]
            net.c3.bias[:] = net.c3.bias[0]
    return partial, full


def _bn_backward(dy, x, gamma, eps):
    """BN's backward pass for a batch (N, D), the three terms of dx written out."""
    n, x_hat = x.shape[0], (x - x.mean(0)) / torch.sqrt(x.var(0, unbiased=False) + eps)
    dx_hat = dy * gamma
    std = torch.sqrt(x.var(0, unbiased=False) + eps)
    dx = (n * dx_hat - dx_hat.sum(0) - x_hat * (dx_hat * x_hat).sum(0)) / (n * std)
    return dx, (dy * x_hat).sum(0), dy.sum(0)


RIGHT = {
    "00.1": torch.zeros(8, 3, 32, 32),
    "00.2": normalize,
    "00.4": (1, 30, 2000, 1, 30, 2000),          # the prediction, then the measurement
    "01.1": 78_500,
    "01.2": conv_layer_params,
    "01.3": (1_216, 953_344, 1_216, 953_344),          # the prediction, then the count
    "01.5": (True, False, equals_some_shift),
    "02.1": 32,
    "02.2": conv1d,
    "02.3": (8, 16, 32, 32, torch.zeros(8, 16, 32, 32)),
    "02.5": (9, 25),
    "02.6": conv2d_backward,
    "03.1": ([4, 5], [7, 9], torch.tensor([[[[4., 5], [7, 9]]]])),
    "03.2": max_pool1d,
    "03.3": (2048 * 1000 + 1000, 2048 * 49 * 1000 + 1000),
    "07.5": (0.0, 4 / 3),
    "08.5": (False, 2_304_000),
    "03.5": (True, False, commutes),
    "04.1": 0.25 ** 10,
    "04.2": lambda x: 4 / (torch.exp(x) + torch.exp(-x)) ** 2,
    "04.3": 0.4995,
    "04.5": (nb04.gradient_ratio(10), nb04.gradient_ratio(20)),     # the measurement
    "05.1": 102_764_544,
    "07.1": 34_944,
    "07.2": lambda c_in, c_out, k, g: c_out * (c_in // g) * k * k,
    "07.3": 27_265_024,
    "08.1": 16_448,
    "08.2": lambda x, w, b: torch.einsum("nchw,oc->nohw", x, w) + b.view(1, -1, 1, 1),
    "08.3": (16, 10),
    "09.1": 590_080,
    "09.2": lambda n, k: n * (k - 1) + 1,
    "09.3": 49 / 27,
    "09.5": ("about 2x, like the number of layers", {"two 3x3 per stage": 14_336,
                                                      "one 5x5 per stage": 7_168}),
    "10.1": 120_422_400,
    "10.2": (lambda c, r, o, k, s: s * s * (c * r + r * k * k * o), 26),
    "10.3": 512,
    "10.5": ("about 10%", 140_492_800),
    "11.1": lambda x, eps=1e-5: (x - x.mean((0, 2, 3), keepdim=True))
    / (x.var((0, 2, 3), unbiased=False, keepdim=True) + eps).sqrt(),
    "11.2": 0.58,
    "11.3": (0.75, -2.0),
    "11.5": (False, [0.1, 0.09]),
    "11.6": lambda dy, x, gamma, eps=1e-5: _bn_backward(dy, x, gamma, eps),
    "12.1": 33_920,
    "12.2": lambda c_in, c_out, k, g: (c_in // g) * k * k * c_out,
    "12.3": 0.9001,
    "12.5": lambda x, w, g: torch.cat([torch.nn.functional.conv2d(xi, wi, padding=w.shape[-1] // 2)
                                       for xi, wi in zip(x.chunk(g, 1), w.chunk(g, 0))], 1),
    "12.6": (True, 3.0, 7.9),
    "13.1": 295_424,
    "13.2": lambda x, c1, b1, c2, b2: torch.relu(b2(c2(torch.relu(b1(c1(x))))) + x),
    "13.3": 54,
    "14.1": 252,
    "14.2": lambda n, p: sum(1 - i / n * (1 - p) for i in range(1, n + 1)),
    "14.3": 4_608,
    "14.5": lambda x, bn1, c1, bn2, c2: c2(torch.relu(bn2(c1(torch.relu(bn1(x)))))) + x,
    "14.6": lambda x, f, p, training, keep: (x + f(x) if keep else x) if training else x + p * f(x),
    "15.1": 216,
    "15.2": lambda n: n * (n + 1) // 2,
    "15.3": (23_328, 16),
    "15.5": lambda x, b1, c1, b2, c2: torch.cat([x, c2(torch.relu(b2(c1(torch.relu(b1(x))))))], 1),
    "16.1": 16.4 / 3.57,
    "16.2": {"1x1 convolutions": "NIN", "identity shortcuts": "ResNet",
             "depthwise separable convolutions": "xception", "dense connections": "DenseNet"},
    "16.3": lambda a, b: (exercises_models_ratio(a, b)),
    "16.5": resnet20_with_new_head(),
    "05.2": softmax,
    "05.3": 2.303,
    "06.1": 1_516,
    "06.2": subsample,
    "06.3": 5_880,
    "05.5": ("lower", lenet_history(0.01, [0.97, 0.985]),
             lenet_history(0.1, [0.1135, 0.1135])),
    "06.5": (60_900, 16, 1, *lenets_with_equal_c3_kernels()),
}
WRONG = {
    "00.1": torch.zeros(8, 32, 32, 3),
    "00.2": lambda images, mean, std: images.float(),
    "00.4": (1, 3, 2000, 1, 30, 2000),           # predicted the class profile's value
    "01.1": 78_400,
    "01.2": lambda k, i, o: k * k * i * o,
    "01.3": (1_200, 940_800, 1_216, 953_344),   # biases left out: the ratio would still be right
    "01.5": (True, True, equals_some_shift),
    "02.1": 65,
    "02.2": lambda x, w: x.unfold(0, len(w), 1) @ w.flip(0),
    "02.3": (8, 16, 64, 64, torch.zeros(8, 16, 32, 32)),
    "02.5": (4, 25),
    "02.6": lambda x, w, g: (conv2d_backward(x, w.flip(-2, -1), g)[0], conv2d_backward(x, w, g)[1]),
    "03.1": ([4, 5], [2, 9], torch.tensor([[[[4., 5], [7, 9]]]])),
    "03.2": lambda x, k: x.unfold(0, k, 1).amax(dim=1),
    "03.3": (2048 * 1000, 2048 * 49 * 1000),  # biases forgotten
    "07.5": (0.0, 1.0),
    "08.5": (True, 3_149_442),        # a wrong prediction, and the count at 32x32, not what it gains
    "03.5": (False, False, commutes),
    "04.1": 0.25,
    "04.2": lambda x: torch.tanh(x),
    "04.3": 0.25,
    "04.5": (1.3e-13, 2e-7),
    "05.1": 102_760_448,
    "07.1": 34_848,
    "07.2": lambda c_in, c_out, k, g: c_out * c_in * k * k // g // g,
    "07.3": 18_876_416,
    "08.1": 16_384,
    "08.2": lambda x, w, b: torch.einsum("nchw,oc->nohw", x, w),
    "08.3": (16, 10, 1, 1),
    "09.1": 589_824,
    "09.2": lambda n, k: n * k,
    "09.3": 27 / 49,
    "09.5": ("about 1.3x, like the multiply-adds", {"two 3x3 per stage": 14_336,
                                                     "one 5x5 per stage": 7_168}),
    "10.1": 4_816_896,
    "10.2": (lambda c, r, o, k, s: s * s * (c * r + r * k * k * o), 40),
    "10.3": 416,
    "10.5": ("about 100%", 140_492_800),
    "11.1": lambda x, eps=1e-5: (x - x.mean((0, 2, 3), keepdim=True))
    / (x.var((0, 2, 3), keepdim=True) + eps).sqrt(),
    "11.2": 0.6,
    "11.3": (0.5, -1.0),            # no scaling: s = gamma / sigma left out
    "11.5": (True, [0.1, 0.09]),
    "11.6": lambda dy, x, gamma, eps=1e-5: (dy * gamma / torch.sqrt(x.var(0, unbiased=False) + eps),
                                            *_bn_backward(dy, x, gamma, eps)[1:]),  # dx: the direct path only
    "12.1": 294_912,
    "12.2": lambda c_in, c_out, k, g: c_in * k * k * c_out,
    "12.3": 0.9,
    "12.5": lambda x, w, g: torch.nn.functional.conv2d(x, w.repeat(1, g, 1, 1), padding=w.shape[-1] // 2),
    "12.6": (False, 3.0, 7.9),
    "13.1": 294_912,
    "13.2": lambda x, c1, b1, c2, b2: b2(c2(torch.relu(b1(c1(x))))) + x,
    "13.3": 108,
    "14.1": 1024,
    "14.2": lambda n, p: n * p,
    "14.3": 147_456,
    "14.5": lambda x, bn1, c1, bn2, c2: torch.relu(c2(torch.relu(bn2(c1(torch.relu(bn1(x)))))) + x),
    "14.6": lambda x, f, p, training, keep: (x + f(x) if keep else x) if training else x + f(x),
    "15.1": 192,
    "15.2": lambda n: n * (n - 1) // 2,
    "15.3": (46_656, 32),
    "15.5": lambda x, b1, c1, b2, c2: c2(torch.relu(b2(c1(torch.relu(b1(x)))))),
    "16.1": 16.4 - 3.57,
    "16.2": {"1x1 convolutions": "GoogLeNet", "identity shortcuts": "ResNet",
             "depthwise separable convolutions": "Xception", "dense connections": "DenseNet"},
    "16.3": lambda a, b: 1 / exercises_models_ratio(a, b),
    "16.5": resnet20_with_new_head(train_mode_steps=1),
    "05.2": lambda z: torch.exp(z) / torch.exp(z).sum(dim=1, keepdim=True),
    "05.3": 2.30,  # not to 3 decimals: ln 10 = 2.3026
    "06.1": 2_416,
    "06.2": lambda x, w, b: torch.nn.functional.avg_pool2d(x, 2),
    "06.3": 4_704,   # the biases forgotten
    "05.5": ("about the same or higher", lenet_history(0.01, [0.97, 0.985]),
             lenet_history(0.1, [0.1135, 0.1135])),
    "06.5": (60_900, 16, 16, *lenets_with_equal_c3_kernels()),  # the full table keeps 16 maps?
}
#: Answers that compute the right values with a call the exercise forbids: wrong answers for the
#: grader (its source check and its trace, tests/test_grading.py), as code of an exercise cell.
FORBIDDEN = {
    "01.2": ["conv_layer_params = lambda k, i, o: lk.analysis.conv_params(k, o, i, bias=True)"],
    "02.2": ["conv1d = lambda x, w: F.conv1d(x.view(1, 1, -1), w.view(1, 1, -1))[0, 0]",
             "conv1d = lambda x, w: F.conv2d(x.view(1, 1, 1, -1), w.view(1, 1, 1, -1))[0, 0, 0]",
             "conv1d = lambda x, w: lk.layers.conv2d(x.view(1, 1, 1, -1), w.view(1, 1, 1, -1))[0, 0, 0]"],
    "04.2": ["tanh_derivative = lambda x: 1 - torch.tanh(x) ** 2",
             "tanh_derivative = lambda x: 1 - x.tanh() ** 2",
             "tanh_derivative = lk.layers.ACTIVATIONS['tanh'].derivative"],
    "05.2": ["softmax = lambda z: torch.softmax(z, dim=1)", "softmax = lambda z: z.softmax(1)"],
    "11.1": ["normalize = lambda x, eps=1e-5: F.batch_norm(x, None, None, training=True, eps=eps)",
             "normalize = lambda x, eps=1e-5: lk.layers.batch_norm(x, None, None, training=True, eps=eps)"],
    "12.5": ["grouped_conv2d = lambda x, w, g: F.conv2d(x, w, padding=w.shape[-1] // 2, groups=g)"],
    "11.6": ["batch_norm_backward = lambda dy, x, gamma, eps=1e-5: torch.autograd.grad(F.batch_norm("
             "xr := x.detach().requires_grad_(), None, None, gr := gamma.detach().requires_grad_(), "
             "br := torch.zeros_like(gamma).requires_grad_(), training=True, eps=eps), (xr, gr, br), dy)"],
    "02.6": ["conv2d_backward = lambda x, w, g: torch.autograd.grad(F.conv2d("
             "xr := x.detach().requires_grad_(), wr := w.detach().requires_grad_()), (xr, wr), g)"],
}
HIDDEN_ANSWERS = {"01.1": "78,500", "01.3": "784", "02.1": "32", "05.1": "102,764,544",
                  "05.3": "2.30", "07.1": "34,944", "07.3": "27,265,024",
                  "08.1": "16,448", "12.1": "33,920", "13.1": "295,424",
                  "14.1": "252", "14.3": "4,608", "15.1": "216", "06.1": "1,516", "06.3": "5,880"}


def test_every_exercise_has_a_right_and_a_wrong_answer_here():
    assert set(exercises.exercise_ids()) == set(RIGHT) == set(WRONG)


#: Checkers that measure a network on the real CIFAR-10 test set.
NEEDS_CIFAR = {"16.5"}


def test_right_answers_pass():
    import os

    for exercise_id, answer in RIGHT.items():
        if exercise_id in NEEDS_CIFAR and not os.environ.get("LECTUREKIT_DATA"):
            continue
        result = evaluate(exercise_id, answer)
        assert result.passed, result


def test_wrong_answers_fail_with_a_hint_but_not_the_answer():
    for exercise_id, answer in WRONG.items():
        result = evaluate(exercise_id, answer)
        assert not result.passed and len(result.message) > 20, result
        hidden = HIDDEN_ANSWERS.get(exercise_id)
        if hidden:
            assert hidden not in result.message and hidden.replace(",", "") not in result.message


def test_a_wrong_number_is_told_how_far_off_only_in_bands_that_do_not_give_the_answer_away():
    from lecturekit.exercises import Failure, compare_number

    messages = []
    for wrong in (65, 36, 33):                       # the answer is 32
        try:
            compare_number(wrong, 32, "count the outputs.")
        except Failure as failure:
            messages.append(str(failure))
    assert ["factor of 2" in messages[0], "10%" in messages[1], "less than 10%" in messages[2]] == [True] * 3
    assert not any("32" in m or "2.03" in m or "1.12" in m for m in messages), messages


def test_code_that_raises_is_reported_not_raised():
    def broken(*args):
        raise ZeroDivisionError("oops")

    result = evaluate("01.2", broken)
    assert not result.passed and "ZeroDivisionError" in result.message


def test_unanswered_and_nonsense_answers():
    def not_done(*args):
        raise NotImplementedError

    assert "not answered" in evaluate("01.2", not_done).message
    assert not evaluate("01.1", "many").passed
    assert not evaluate("01.2", 42).passed       # a number where a function is expected
    assert not evaluate("00.1", [1, 2]).passed


def test_checkers_leave_the_students_random_state_as_it_was():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    for exercise_id in ("04.5", "14.5", "14.6", "15.5"):      # checkers that seed torch
        evaluate(exercise_id, RIGHT[exercise_id])
    assert torch.equal(torch.rand(3), expected)


def test_a_checker_module_that_fails_to_import_is_a_loud_error(tmp_path, monkeypatch):
    import sys

    import pytest

    monkeypatch.setattr(exercises, "__path__", [*exercises.__path__, str(tmp_path)])
    (tmp_path / "nb98.py").write_text("import no_such_module_here\n")
    monkeypatch.delitem(sys.modules, "lecturekit.exercises.nb98", raising=False)
    with pytest.raises(ModuleNotFoundError, match="no_such_module_here"):
        evaluate("98.1", 1)
    with pytest.raises(KeyError, match="no checker for exercise '97.1'"):
        evaluate("97.1", 1)


def test_check_prints_one_line(capsys):
    exercises.check("01.1", 78_500)
    assert capsys.readouterr().out.startswith("PASS exercise 01.1")


#: The predict-then-run exercises, and how many leading parts of the answer are the prediction.
PREDICTION_PARTS = {"00.4": 3, "01.3": 2, "01.5": 2, "02.3": 4, "03.1": 2, "03.5": 2,
                    "05.5": 1, "06.5": 3, "08.5": 1, "09.5": 1, "10.5": 1, "11.5": 1, "12.6": 1}


def test_the_predict_then_run_exercises_are_these():
    assert {e for e in exercises.exercise_ids() if exercises.predicted(e)} == set(PREDICTION_PARTS)


def test_check_puts_the_recorded_prediction_before_the_measurement(capsys, monkeypatch):
    import pytest

    monkeypatch.setattr(exercises, "_PREDICTIONS", {})
    exercises.check("10.5", RIGHT["10.5"][1])
    assert "no prediction recorded" in capsys.readouterr().out
    exercises.predict("10.5", "about 100%")                           # a wrong prediction
    assert capsys.readouterr().out == "prediction for 10.5 recorded: 'about 100%'\n"
    exercises.check("10.5", RIGHT["10.5"][1])
    assert capsys.readouterr().out.startswith("FAIL exercise 10.5")
    exercises.predict("06.5", [60_900, 16, 1])
    assert "recorded: (60900, 16, 1)" in capsys.readouterr().out
    exercises.check("06.5", RIGHT["06.5"][3:])
    assert capsys.readouterr().out.startswith("PASS exercise 06.5")
    with pytest.raises(ValueError, match="exercise_id='10.1' asks for no prediction"):
        exercises.predict("10.1", 3)


def test_a_measurement_is_measured_again_not_range_checked():
    shallow, deep = RIGHT["04.5"]
    assert 1e-9 < shallow < 1e-5 and deep < 1e-11                # many orders of magnitude
    for forged in [(0.5, 0.001), (shallow * 2, deep), (shallow, deep / 2)]:
        assert not evaluate("04.5", forged).passed, forged
    assert evaluate("04.5", (shallow * 1.02, deep * 0.98)).passed   # another CPU's rounding


def test_the_checker_measures_what_notebook_04_printed():
    import json
    import os
    import re
    from pathlib import Path

    import pytest

    if not os.environ.get("LECTUREKIT_DATA") or os.environ.get("LECTUREKIT_SEED", "0") != "0":
        pytest.skip("notebook 04 was executed on real MNIST at seed 0")
    path = Path(__file__).resolve().parent.parent / "notebooks" / "04_activations.ipynb"
    text = "".join("".join(o.get("text", "")) for c in json.loads(path.read_text())["cells"]
                   for o in c.get("outputs", []))
    printed = re.search(r"depth 10: (\S+), depth 20: (\S+)\n", text)
    assert printed, "notebook 04 prints the measured pair"
    assert tuple(f"{r:.1e}" for r in RIGHT["04.5"]) == printed.groups()


def test_the_new_head_checker_fails_an_untouched_network_and_a_weak_head():
    import os

    import pytest

    from lecturekit import models

    untouched = evaluate("16.5", models.create("resnet20_cifar", pretrained=True))
    assert not untouched.passed and "still the shipped one" in untouched.message
    moved = evaluate("16.5", WRONG["16.5"])
    assert not moved.passed and "batch-norm statistics" in moved.message
    if not os.environ.get("LECTUREKIT_DATA"):
        pytest.skip("the held-out accuracy needs the real CIFAR-10 (set LECTUREKIT_DATA)")
    weak = resnet20_with_new_head()
    with torch.no_grad():
        weak.head[2].weight.normal_(0, 0.01)      # a random last layer: about chance
    result = evaluate("16.5", weak)
    assert not result.passed and "below the target" in result.message, result


def test_check_function_names_the_failing_case_says_how_far_off_and_gives_the_hint():
    import pytest

    from lecturekit.exercises import Failure, check_function, require_tuple

    def fails_on_long_inputs(x):
        if len(x) > 3:
            raise ValueError("too long")
        return 2 * x

    def not_done(x):
        raise NotImplementedError

    cases = [("x of length 3", (torch.arange(3.0),), torch.arange(3.0) * 2),
             ("x of length 5", (torch.arange(5.0),), torch.arange(5.0) * 2)]
    assert check_function(lambda x: 2 * x, "double", cases, "multiply.") == "all 2 test cases agree."
    assert check_function(lambda x: 2 * x + 1e-6, "double", cases, "multiply.", atol=1e-5)
    failures = {"x of length 3: the values differ by up to 2; multiply.": lambda x: x,
                r"x of length 5: expected a tensor of shape \(5,\), got \(3,\)": lambda x: 2 * x[:3],
                "x of length 3: expected a tensor of shape .*, got list": lambda x: [0, 2, 4],
                "x of length 3: the result has nan or inf values; multiply.": lambda x: x / 0,
                "x of length 5: your function raised ValueError: too long": fails_on_long_inputs,
                "pass the function itself": 42}
    for message, answer in failures.items():
        with pytest.raises(Failure, match=message):
            check_function(answer, "double", cases, "multiply.")
    with pytest.raises(Failure, match="x of length 3: .*; you return 0 at 1"):
        check_function(lambda x: x * 0, "double", cases,
                       lambda got, expected, x: f"you return {got[1]:g} at {x[1]:g}")
    with pytest.raises(NotImplementedError):     # evaluate() says "not answered yet"
        check_function(not_done, "double", cases, "multiply.")
    assert require_tuple([True, 3], (bool, object), "give a pair") == (True, 3)
    for answer in [(1, 3), (True,), "ab", None]:
        with pytest.raises(Failure, match="give a pair"):
            require_tuple(answer, (bool, object), "give a pair")


def test_forbidden_calls_are_found_in_the_source_and_the_solutions_use_none():
    from lecturekit.grading import forbidden_in_source

    for exercise_id, sources in FORBIDDEN.items():
        rules = exercises.forbidden(exercise_id)
        assert rules, exercise_id
        for source in sources:
            assert forbidden_in_source(source, rules), (exercise_id, source)
    allowed = {"12.5": "F.conv2d(xi, wi, padding=1)", "02.2": "def conv1d(x, w):\n    return x @ w",
               "04.2": "t = torch.exp(x)", "11.6": "with torch.no_grad():\n    dx = dy * gamma"}
    for exercise_id, source in allowed.items():
        assert forbidden_in_source(source, exercises.forbidden(exercise_id)) == [], exercise_id


def test_the_conv_backward_checker_recomputes_both_gradients_and_names_neither():
    def first_image_only(x, w, g):  # grad_w summed over the first image, not the batch
        return conv2d_backward(x, w, g)[0], conv2d_backward(x[:1], w, g[:1])[1]

    def kernel_not_flipped(x, w, g):  # grad_x spread with the kernel the wrong way round
        return conv2d_backward(x, w.flip(-2, -1), g)[0], conv2d_backward(x, w, g)[1]

    assert evaluate("02.6", conv2d_backward).passed
    for wrong, half in [(first_image_only, "grad_w"), (kernel_not_flipped, "grad_x")]:
        result = evaluate("02.6", wrong)
        assert not result.passed and half in result.message and "tensor(" not in result.message


def test_the_shift_checkers_run_the_students_function_and_catch_one_that_does_not_measure():
    for exercise_id, measure in [("01.5", equals_some_shift), ("03.5", commutes)]:
        assert evaluate(exercise_id, (True, False, measure)).passed
        for forged in [lambda *args: args[-1] == 2, lambda *args: args[-1] % 2 == 0 and False]:
            result = evaluate(exercise_id, (True, False, forged))
            assert not result.passed and "cases" in result.message, result
    assert not evaluate("00.4", (1, 30, 2000, 1, 30, 1000)).passed      # a forged measurement
    assert not evaluate("02.3", (8, 16, 32, 32, torch.zeros(8, 16, 64, 64))).passed
    assert not evaluate("03.1", ([4, 5], [7, 9], torch.zeros(1, 1, 2, 2))).passed
    assert not evaluate("01.3", (1_216, 953_344, 1_216, 1_216)).passed


def test_the_bn_backward_checker_fails_each_wrong_part_and_names_it():
    def swapped(dy, x, gamma, eps=1e-5):                 # dgamma and dbeta exchanged
        dx, dgamma, dbeta = RIGHT["11.6"](dy, x, gamma, eps)
        return dx, dbeta, dgamma

    def float32(dy, x, gamma, eps=1e-5):                 # right, computed in another dtype
        return tuple(t.float() for t in RIGHT["11.6"](dy.float(), x.float(), gamma.float(), eps))

    result = evaluate("11.6", swapped)
    assert not result.passed and "dgamma" in result.message, result
    assert not evaluate("11.6", lambda dy, x, gamma, eps=1e-5: RIGHT["11.6"](dy, x, gamma, eps)[:2]).passed
    assert "dx" in evaluate("11.6", WRONG["11.6"]).message
    assert not evaluate("11.6", float32).passed      # float32 rounding is beyond float64's tolerance
