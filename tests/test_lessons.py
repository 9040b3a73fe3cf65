"""lk.lesson prints a verdict computed from measurements; LECTUREKIT_SEED seeds setup and fit."""

import numpy as np
import pytest
import torch

import lecturekit as lk
from lecturekit import env


def test_a_true_condition_prints_lesson_holds(capsys):
    verdict = lk.lesson("ReLU trains faster than tanh", 120 < 300, "120 vs 300 steps")
    assert bool(verdict) is True
    assert capsys.readouterr().out == "Lesson holds: ReLU trains faster than tanh (120 vs 300 steps)\n"


def test_a_false_condition_prints_lesson_not_shown(capsys):
    verdict = lk.lesson("deeper is better", np.float64(0.3) > 0.5, "0.30 vs 0.50")
    assert not verdict
    assert capsys.readouterr().out.startswith("Lesson NOT shown at this scale: deeper is better")


def test_a_one_element_tensor_is_a_condition():
    assert lk.lesson("x", torch.tensor(True), quiet=True).holds


@pytest.mark.parametrize("claim, condition, evidence, error", [
    ("", True, "", ValueError),
    ("claim", torch.tensor([True, False]), "", TypeError),
    ("claim", True, 3.0, TypeError),
])
def test_bad_lesson_calls_are_refused_with_one_sentence(claim, condition, evidence, error):
    with pytest.raises(error):
        lk.lesson(claim, condition, evidence)


def test_the_seed_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LECTUREKIT_SEED", "2")
    assert env.default_seed() == 2
    lk.setup(quiet=True)
    a = torch.rand(3)
    torch.manual_seed(2)
    assert torch.equal(a, torch.rand(3))
    monkeypatch.delenv("LECTUREKIT_SEED")
    assert env.default_seed() == 0


def test_a_seed_that_is_not_an_integer_is_refused(monkeypatch):
    monkeypatch.setenv("LECTUREKIT_SEED", "one")
    with pytest.raises(ValueError, match="LECTUREKIT_SEED must be an integer"):
        env.default_seed()


def test_fit_uses_the_environment_seed(monkeypatch):
    from lecturekit.data import ImageDataset
    from lecturekit.train import fit

    labels = torch.arange(64) % 2
    images = torch.randint(0, 255, (64, 1, 8, 8), dtype=torch.uint8)
    data = ImageDataset(images, labels, ["a", "b"], "noise", True, "a test", (0.5,), (0.25,))

    def train(seed_env):
        monkeypatch.setenv("LECTUREKIT_SEED", seed_env)
        torch.manual_seed(0)  # the same initial weights; fit's seed then sets the batch order
        model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 2))
        fit(model, data, epochs=1, batch_size=16, live_plot=False, progress=False, device="cpu")
        return model[1].weight.detach().clone()

    assert torch.equal(train("1"), train("1"))
    assert not torch.equal(train("1"), train("2"))
