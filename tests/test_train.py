import subprocess
import sys

import pytest
import torch
from torch import nn
from torch.optim.optimizer import register_optimizer_step_pre_hook

from lecturekit import data, train


def blobs(n=256, seed=0):
    """Two classes of 1x4x4 'images' that a linear model separates."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % 2
    images = torch.randint(0, 100, (n, 1, 4, 4), generator=g)
    images[labels == 1] += 120
    return data.ImageDataset(images.to(torch.uint8), labels, ["dark", "light"], "blobs", True,
                             "a test", (0.5,), (0.25,))


def small_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.ReLU(), nn.Dropout(0.2),
                         nn.Linear(8, 2))


def test_fit_reduces_the_loss_and_evaluates():
    model = small_model()
    before = train.evaluate(model, blobs(seed=1))
    history = train.fit(model, blobs(), blobs(seed=1), epochs=4, batch_size=32, lr=0.1,
                        device="cpu", progress=False, live_plot=False)
    assert len(history.epoch) == 4 and len(history.test_accuracy) == 4
    assert history.train_loss[-1] < history.train_loss[0]
    after = train.evaluate(model, blobs(seed=1))
    assert after.loss < before.loss and after.accuracy > 0.95
    assert history.train_seconds > 0 and history.step


@pytest.mark.parametrize("options", [
    dict(optimizer="adamw", lr=1e-2, schedule="cosine"),
    dict(optimizer="adam", lr=1e-2, schedule="step", step_epochs=1),
    dict(optimizer="sgd", schedule="multistep", milestones=[1], label_smoothing=0.1, clip_grad=1.0,
         weight_decay=5e-4, augment=True, channels_last=True),
])
def test_fit_options(options):
    history = train.fit(small_model(), blobs(), epochs=2, batch_size=64, device="cpu",
                        progress=False, live_plot=False, **options)
    assert len(history.epoch) == 2 and history.test_accuracy == []


def test_resumed_run_is_bit_identical_to_an_uninterrupted_one(tmp_path):
    common = dict(epochs=3, batch_size=32, lr=0.05, device="cpu", progress=False,
                  live_plot=False, augment=True, seed=5)
    straight = small_model()
    train.fit(straight, blobs(), **common)

    def interrupt_after_first_epoch(epoch, history):
        if epoch == 1:
            raise KeyboardInterrupt

    path = tmp_path / "run.pt"
    interrupted = small_model()
    with pytest.raises(KeyboardInterrupt):
        train.fit(interrupted, blobs(), checkpoint=path, on_epoch_end=interrupt_after_first_epoch,
                  **common)
    assert path.exists()
    resumed = small_model()                      # a fresh process would start from scratch
    history = train.fit(resumed, blobs(), checkpoint=path, **common)
    assert history.epoch == [1, 2, 3]
    for a, b in zip(straight.state_dict().values(), resumed.state_dict().values()):
        assert torch.equal(a, b)


def test_time_budget_stops_early():
    history = train.fit(small_model(), blobs(n=2048), epochs=50, batch_size=8, device="cpu",
                        progress=False, live_plot=False, time_budget=0.2)
    assert len(history.epoch) < 50
    # the last step is logged even when the budget runs out between two logging steps
    short = train.fit(small_model(), blobs(n=2048), epochs=1, batch_size=8, device="cpu",
                      progress=False, live_plot=False, time_budget=0.0, log_every=1000)
    assert short.step == [1] and len(short.step_accuracy) == 1


@pytest.mark.parametrize("kwargs, words", [
    (dict(epochs=0), "epochs"),
    (dict(optimizer="lbfgs"), "sgd, adam, adamw"),
    (dict(schedule="wiggly"), "onecycle"),
    (dict(schedule="multistep"), "milestones"),
    (dict(label_smoothing=1.5), "label_smoothing"),
])
def test_bad_arguments_are_clear_errors(kwargs, words):
    with pytest.raises(ValueError, match=words):
        train.fit(small_model(), blobs(), device="cpu", progress=False, live_plot=False, **kwargs)


def test_history_figure_draws():
    history = train.fit(small_model(), blobs(), blobs(seed=1), epochs=2, device="cpu",
                        progress=False, live_plot=False)
    from lecturekit.plots import history_figure

    figure = history_figure(history)
    assert len(figure.axes) == 2 and figure.axes[1].lines


@pytest.mark.slow      # trains LeNet-5 for an epoch in a new process
def test_command_line_trains_and_reports(offline_empty_data):
    result = subprocess.run(
        [sys.executable, "-m", "lecturekit", "train", "lenet5", "--dataset", "mnist",
         "--epochs", "1", "--profile", "smoke"],
        capture_output=True, text=True, timeout=300,
        env={**__import__("os").environ, "LECTUREKIT_OFFLINE": "1"})
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("lenet5 on mnist: test accuracy") and "s of training" in last

# An unknown model on the command line: tests/test_bad_input.py runs it in a real process.


def test_warmup_rises_from_a_tenth_of_the_rate_then_follows_the_milestones():
    model = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    schedule = train.make_schedule(optimizer, "multistep", 0.1, total_steps=40, steps_per_epoch=10,
                                   milestones=[2, 3], warmup_steps=5)
    rates = []
    for _ in range(40):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        schedule.step()
    assert rates[:6] == pytest.approx([0.01, 0.028, 0.046, 0.064, 0.082, 0.1])
    assert rates[5:20] == pytest.approx([0.1] * 15)
    assert rates[20:30] == pytest.approx([0.01] * 10) and rates[30:] == pytest.approx([0.001] * 10)


def test_warmup_needs_the_multistep_schedule():
    with pytest.raises(ValueError, match="warmup_steps works with schedule='multistep' only"):
        train.fit(nn.Linear(2, 2), [(torch.zeros(1, 2), torch.zeros(1, dtype=torch.long))],
                  schedule="onecycle", warmup_steps=10, live_plot=False, progress=False)


# --------------------------------------------------------------------------- each option takes effect
def float_batches(n=64, batch=16, channels=1, size=4, seed=0):
    """Fixed float batches, given to fit as they are (no Loader, no normalization)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, channels, size, size, generator=g)
    y = torch.arange(n) % 2
    return [(x[k:k + batch], y[k:k + batch]) for k in range(0, n, batch)]


def linear_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(16, 2))


QUIET = dict(device="cpu", progress=False, live_plot=False)


def test_label_smoothing_changes_the_loss_by_the_smoothed_targets():
    batches = float_batches()
    model = linear_model()
    with torch.no_grad():
        x, y = torch.cat([b[0] for b in batches]), torch.cat([b[1] for b in batches])
        expected = {s: nn.functional.cross_entropy(model(x), y, label_smoothing=s).item() for s in (0.0, 0.4)}
    losses = {}
    for smoothing in (0.0, 0.4):
        history = train.fit(linear_model(), batches, epochs=1, optimizer="sgd", lr=1e-9, momentum=0.0,
                            schedule=None, label_smoothing=smoothing, **QUIET)
        losses[smoothing] = history.train_loss[0]
    assert losses == pytest.approx(expected, abs=1e-5)      # the weights barely move at lr 1e-9
    assert abs(losses[0.4] - losses[0.0]) > 1e-3      # 0.004 here: far beyond the 1e-5 tolerance


def test_weight_decay_shrinks_the_weights_by_one_minus_lr_times_decay_per_step():
    zeros = [(torch.zeros(8, 1, 4, 4), torch.arange(8) % 2)] * 5   # zero inputs: no weight gradient
    model = linear_model()
    before = model[1].weight.detach().clone()
    train.fit(model, zeros, epochs=2, optimizer="sgd", lr=0.1, momentum=0.0, weight_decay=0.5,
              schedule=None, **QUIET)
    assert torch.allclose(model[1].weight.detach(), before * (1 - 0.1 * 0.5) ** 10, atol=1e-6)
    untouched = linear_model()
    train.fit(untouched, zeros, epochs=2, optimizer="sgd", lr=0.1, momentum=0.0, schedule=None, **QUIET)
    assert torch.equal(untouched[1].weight.detach(), before)


def gradient_norms(**options):
    """The total gradient norm at every optimizer step of a fit with ``options``."""
    norms = []

    def record(optimizer, args, kwargs):
        grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
        norms.append(torch.linalg.vector_norm(torch.stack([g.norm() for g in grads])).item())

    handle = register_optimizer_step_pre_hook(record)
    try:
        big = [(x * 100, y) for x, y in float_batches()]
        train.fit(linear_model(), big, epochs=2, optimizer="sgd", lr=1e-3, schedule=None, **QUIET, **options)
    finally:
        handle.remove()
    return norms


def test_clipping_bounds_the_gradient_norm():
    assert max(gradient_norms()) > 1.0
    clipped = gradient_norms(clip_grad=0.5)
    assert len(clipped) == 8 and max(clipped) <= 0.5 + 1e-5


def seen_batches(model, **options):
    """The input batches ``model`` sees during a fit with ``options``."""
    seen = []
    handle = model.register_forward_pre_hook(lambda module, inputs: seen.append(inputs[0].detach().clone()))
    try:
        train.fit(model, options.pop("data"), epochs=1, batch_size=32, lr=1e-3, **QUIET, **options)
    finally:
        handle.remove()
    return seen


def varied_images(n=64, channels=1, size=8):
    g = torch.Generator().manual_seed(3)
    images = torch.randint(0, 255, (n, channels, size, size), generator=g, dtype=torch.uint8)
    return data.ImageDataset(images, torch.arange(n) % 2, ["a", "b"], "noise", True, "a test",
                             (0.5,) * channels, (0.25,) * channels)


def test_augmentation_changes_the_batches():
    def run(augment):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Flatten(), nn.Linear(64, 2))
        return seen_batches(model, data=varied_images(), augment=augment, seed=4)

    plain, again, augmented = run(False), run(False), run(True)
    assert all(torch.equal(a, b) for a, b in zip(plain, again))          # the same batches, repeatably
    assert len(plain) == len(augmented) == 2
    assert not any(torch.equal(a, b) for a, b in zip(plain, augmented))
    # plain batches are the data set's images (normalized), whole; augmented ones are not all so
    images = varied_images().images.float().div(255).sub(0.5).div(0.25)
    assert all(any(torch.allclose(x, image, atol=1e-5) for image in images) for x in plain[0])
    assert not all(any(torch.allclose(x, image, atol=1e-5) for image in images) for x in augmented[0])


def test_channels_last_changes_the_memory_layout_of_inputs_and_weights():
    def run(channels_last):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))
        seen = seen_batches(model, data=varied_images(channels=3), channels_last=channels_last)
        return model[0].weight, seen[0]

    weight, x = run(True)
    assert x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous()
    assert weight.is_contiguous(memory_format=torch.channels_last) and not weight.is_contiguous()
    weight, x = run(False)
    assert x.is_contiguous() and weight.is_contiguous()


def test_a_dry_run_fit_counts_the_epochs_flops_and_leaves_the_weights_untouched(monkeypatch):
    monkeypatch.setenv(train.DRY_RUN_VARIABLE, "1")
    monkeypatch.setattr(train, "COMPUTE", train.Compute())
    batches = float_batches()                 # lists of (images, labels) batches
    model = linear_model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    history = train.fit(model, batches, batches, epochs=3, **QUIET)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    images = sum(len(y) for _, y in batches)
    counted = train.COMPUTE
    assert (counted.fits, counted.train_steps) == (1, 3 * len(batches))
    assert (counted.train_images, counted.eval_images) == (3 * images, 3 * images)
    # a 16 -> 2 linear layer: 2*16*2 FLOPs forward an image, twice that backward (the input's
    # gradient is not needed for the first layer, but the weights' is: 2*16*2 again)
    forward = 2 * 16 * 2
    assert counted.flops == 3 * images * (forward + forward) + 3 * images * forward
    assert history.epoch == [1, 2, 3] and all(a != a for a in history.test_accuracy)   # NaN


def test_without_the_dry_run_variable_fit_trains_and_counts_nothing(monkeypatch):
    monkeypatch.delenv(train.DRY_RUN_VARIABLE, raising=False)
    monkeypatch.setattr(train, "COMPUTE", train.Compute())
    model = linear_model()
    before = model[1].weight.clone()
    train.fit(model, float_batches(), epochs=1, **QUIET)
    assert not torch.equal(before, model[1].weight) and train.COMPUTE == train.Compute()
    monkeypatch.setenv(train.DRY_RUN_VARIABLE, "0")
    assert not train.dry_run()
