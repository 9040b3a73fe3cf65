"""The training engine: :func:`fit`, :func:`evaluate`, :func:`predict`.

``fit`` is a plain PyTorch training loop with what a lecture needs around it: a tqdm
progress bar, a live plot of loss and accuracy in notebooks (plain log lines elsewhere),
the usual optimizers and schedules, label smoothing, gradient clipping, mixed precision on
CUDA, ``channels_last``, a time budget, and checkpoints that make a run resumable with
bit-identical results on the CPU.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from . import _validate as check
from . import env
from .analysis import evaluating
from .data import ImageDataset, Loader

OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("constant", "step", "multistep", "cosine", "onecycle")


@dataclass
class History:
    """What :func:`fit` measured: one entry per epoch, plus the training loss and accuracy
    averaged over the last few steps (``step``, ``step_loss``, ``step_accuracy``), for
    smooth curves and "steps to reach an error" measurements."""

    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # cumulative training time
    lr: list[float] = field(default_factory=list)
    step: list[int] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    step_accuracy: list[float] = field(default_factory=list)

    def steps_to_accuracy(self, target: float) -> int | None:
        """The first logged step whose windowed training accuracy reached ``target``."""
        return next((s for s, a in zip(self.step, self.step_accuracy) if a >= target), None)

    @property
    def final_test_accuracy(self) -> float | None:
        return self.test_accuracy[-1] if self.test_accuracy else None

    @property
    def train_seconds(self) -> float:
        return self.seconds[-1] if self.seconds else 0.0

    def to_dict(self) -> dict[str, list]:
        return asdict(self)

    def __repr__(self) -> str:
        if not self.epoch:
            return "History(no epochs)"
        test = (f", test accuracy {100 * self.test_accuracy[-1]:.2f}%"
                if self.test_accuracy else "")
        return (f"History({len(self.epoch)} epochs in {self.train_seconds:.1f} s, train loss "
                f"{self.train_loss[-1]:.4f}, train accuracy {100 * self.train_accuracy[-1]:.2f}%"
                f"{test})")


class Evaluation(NamedTuple):
    accuracy: float
    loss: float


# --------------------------------------------------------------------------- evaluation
def _batches(data: Any, argument: str, batch_size: int, device: torch.device,
             channels_last: bool = False, **loader_kwargs) -> Iterable:
    if isinstance(data, ImageDataset):
        return Loader(data, batch_size, device=device, channels_last=channels_last, **loader_kwargs)
    _check_data(data, argument)
    return data


def _check_data(data: Any, argument: str) -> None:
    if isinstance(data, ImageDataset):
        return
    tensors = isinstance(data, (tuple, list)) and any(isinstance(t, torch.Tensor) for t in data)
    if isinstance(data, torch.Tensor) or tensors or not isinstance(data, Iterable):
        raise TypeError(f"{argument} must be an ImageDataset from lk.data.load, a Loader or an "
                        f"iterable of (images, labels) batches such as a DataLoader (wrap "
                        f"tensors in a TensorDataset), got {check.describe(data)}")


def _first_forward(model: nn.Module, x: torch.Tensor, y: torch.Tensor, argument: str):
    """``model(x)`` on the first batch, turning a mismatch of model and data into one sentence
    (later batches call the model directly: the checks cost one forward's bookkeeping)."""
    try:
        out = model(x)
    except torch.OutOfMemoryError:
        raise
    except RuntimeError as error:
        raise ValueError(f"the model cannot take {argument}'s images of shape "
                         f"{tuple(x.shape[1:])} ({check.first_line(error)}); load the data "
                         f"with a matching image_size, or build the model for this input "
                         f"(in_channels, num_classes)") from None
    if not isinstance(out, torch.Tensor) or out.dim() != 2 or len(out) != len(x):
        got = f"shape {tuple(out.shape)}" if isinstance(out, torch.Tensor) else type(out).__name__
        raise ValueError(f"the model must return class scores of shape (N, classes) = "
                         f"({len(x)}, classes) for a batch of {argument}, got {got}")
    if y.dtype != torch.long or y.dim() != 1 or len(y) != len(x):
        raise ValueError(f"{argument}'s labels must be class indices, an int64 tensor of shape "
                         f"({len(x)},), got {y.dtype} of shape {tuple(y.shape)}")
    low, high = int(y.min()), int(y.max())  # one look at the labels, on the first batch only
    if low < 0 or high >= out.shape[1]:
        raise ValueError(f"{argument} has class label {high if high >= 0 else low} but the "
                         f"model scores {out.shape[1]} classes; build it with "
                         f"num_classes={max(high + 1, 1)} or more")
    return out


def _autocast(device: torch.device, amp: str | None):
    if amp is None:
        return torch.autocast(device.type, enabled=False)
    return torch.autocast(device.type, dtype=torch.bfloat16 if amp == "bf16" else torch.float16)


@torch.no_grad()
def evaluate(model: nn.Module, data: Any, batch_size: int = 1000,
             device: torch.device | str | None = None,
             loss_fn: Callable | None = None, channels_last: bool = False) -> Evaluation:
    """Accuracy (0..1) and mean cross-entropy of ``model`` on a data set or loader."""
    check.instance(model, nn.Module, "model", "a torch.nn.Module")
    batch_size = check.integer(batch_size, "batch_size", 1)
    device = check.device(device) if device is not None else _model_device(model)
    loss_fn = loss_fn or F.cross_entropy
    total, correct, loss_sum = 0, torch.zeros((), device=device), torch.zeros((), device=device)
    with evaluating(model):
        for x, y in _batches(data, "data", batch_size, device, channels_last):
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            out = model(x) if total else _first_forward(model, x, y, "data")
            loss_sum += loss_fn(out.float(), y, reduction="sum")
            correct += (out.argmax(1) == y).sum()
            total += len(y)
    if total == 0:
        raise ValueError("evaluate() got an empty data set")
    return Evaluation(correct.item() / total, loss_sum.item() / total)


@torch.no_grad()
def predict(model: nn.Module, data: Any, batch_size: int = 1000,
            device: torch.device | str | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Predicted classes and true labels (on the CPU) for a whole data set."""
    check.instance(model, nn.Module, "model", "a torch.nn.Module")
    batch_size = check.integer(batch_size, "batch_size", 1)
    device = check.device(device) if device is not None else _model_device(model)
    predictions, labels = [], []
    with evaluating(model):
        for x, y in _batches(data, "data", batch_size, device):
            predictions.append(model(x.to(device)).argmax(1).cpu())
            labels.append(y.cpu())
    return torch.cat(predictions), torch.cat(labels)


def _model_device(model: nn.Module) -> torch.device:
    parameter = next(model.parameters(), None)
    return parameter.device if parameter is not None else torch.device("cpu")


# --------------------------------------------------------------------------- optimizers
def make_optimizer(model: nn.Module, name: str, lr: float, momentum: float = 0.9,
                   weight_decay: float = 0.0) -> torch.optim.Optimizer:
    """SGD with (Nesterov-free) momentum, Adam or AdamW."""
    check.choice(name, OPTIMIZERS, "optimizer", "optimizer")
    if name == "sgd":
        return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum,
                               weight_decay=weight_decay)
    if name == "adam":
        return torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    return torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)  # "adamw"


def make_schedule(optimizer: torch.optim.Optimizer, name: str | None, lr: float,
                  total_steps: int, steps_per_epoch: int, step_epochs: int | None = None,
                  milestones: list[int] | None = None, gamma: float = 0.1, warmup_steps: int = 0):
    """A learning-rate schedule stepped after every batch. ``step`` multiplies by ``gamma``
    every ``step_epochs`` epochs, ``multistep`` at the given epochs. ``warmup_steps`` (multistep
    only) raises the rate linearly from a tenth to its full value over the first steps (a
    gradual warm-up, Goyal et al. 2017, arXiv:1706.02677). He et al. (2015, section 4.2) held a
    tenth for ResNet-110, whose 0.1 was "slightly too large to start converging"; at class scale
    our ResNet-56 also stalls at 0.1, and falls back when the rate jumps from 0.01 to 0.1."""
    sched = torch.optim.lr_scheduler
    name = check.choice(name or "constant", SCHEDULES, "schedule", "learning-rate schedule")
    if name == "constant":
        return sched.LambdaLR(optimizer, lambda _: 1.0)
    if name == "step":
        every = (step_epochs or max(1, total_steps // steps_per_epoch // 3)) * steps_per_epoch
        return sched.StepLR(optimizer, step_size=every, gamma=gamma)
    if name == "multistep":
        if not milestones:
            raise ValueError("schedule='multistep' needs milestones=[epoch, ...], the epochs "
                             "after which the learning rate is multiplied by gamma")
        boundaries = [m * steps_per_epoch for m in milestones]
        if warmup_steps:
            return sched.LambdaLR(optimizer, lambda step: (
                0.1 + 0.9 * min(1.0, step / warmup_steps)) * gamma ** sum(step >= b for b in boundaries))
        return sched.MultiStepLR(optimizer, boundaries, gamma)
    if name == "cosine":
        return sched.CosineAnnealingLR(optimizer, T_max=total_steps)
    return sched.OneCycleLR(optimizer, max_lr=lr, total_steps=total_steps)  # "onecycle"


def _amp_mode(amp: bool | str, device: torch.device) -> str | None:
    """'bf16', 'fp16' or None. ``amp='auto'`` uses bf16 (or fp16) on CUDA and nothing on CPU."""
    if amp in (False, None) or (amp == "auto" and device.type != "cuda"):
        return None
    if amp in ("bf16", "fp16"):
        return amp
    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "bf16"


# --------------------------------------------------------------------------- checkpoints
def save_checkpoint(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(state, tmp)
    tmp.replace(path)  # never leave a half-written checkpoint behind


def load_checkpoint(path: Path) -> dict:
    return torch.load(path, map_location="cpu", weights_only=True)


# --------------------------------------------------------------------------- fit
def fit(model: nn.Module, train_data: Any, test_data: Any = None, epochs: int = 3, *,
        batch_size: int = 128, optimizer: str = "sgd", lr: float = 0.05, momentum: float = 0.9,
        weight_decay: float = 0.0, schedule: str | None = "onecycle",
        step_epochs: int | None = None, milestones: list[int] | None = None, gamma: float = 0.1,
        warmup_steps: int = 0, label_smoothing: float = 0.0, clip_grad: float | None = None,
        augment: bool = False,
        amp: bool | str = "auto", channels_last: bool = False,
        device: torch.device | str | None = None, checkpoint: str | Path | None = None,
        time_budget: float | None = None, seed: int | None = None, live_plot: bool | str = "auto",
        progress: bool | None = None, log_every: int = 20,
        on_epoch_end: Callable[[int, History], None] | None = None) -> History:
    """Train a classifier with cross-entropy and return its :class:`History`.

    ``train_data``/``test_data`` are :class:`~lecturekit.data.ImageDataset` (batched by the
    fast :class:`~lecturekit.data.Loader`, with ``augment`` = random crop and flip), a
    ``Loader``, or any iterable of ``(images, labels)`` batches such as a ``DataLoader``.
    With ``checkpoint=path`` the state is saved after every epoch and an existing file is
    resumed from. ``time_budget`` (seconds) stops training after the step that exceeds it.
    The progress bar is on unless ``progress=False`` or ``$LECTUREKIT_NO_PROGRESS`` is set
    (as it is when notebooks are executed for committing, so they store no stale bars).
    ``seed`` defaults to ``$LECTUREKIT_SEED`` (else 0), so a whole notebook re-runs at another seed.
    """
    if seed is None:
        seed = env.default_seed()
    if progress is None:
        progress = not os.environ.get("LECTUREKIT_NO_PROGRESS")
    # every argument checked before any work, each failure one sentence (see _validate.py)
    check.instance(model, nn.Module, "model", "a torch.nn.Module")
    check.integer(epochs, "epochs", 1)
    check.integer(batch_size, "batch_size", 1)
    optimizer = check.choice(optimizer.lower() if isinstance(optimizer, str) else optimizer,
                             OPTIMIZERS, "optimizer", "optimizer")
    check.number(lr, "lr", 0, low_open=True)
    check.number(momentum, "momentum", 0, 1)
    check.number(weight_decay, "weight_decay", 0)
    if schedule is not None:
        check.choice(schedule, SCHEDULES, "schedule", "learning-rate schedule")
    check.integer(step_epochs, "step_epochs", 1, none_ok=True)
    for milestone in milestones or []:
        check.integer(milestone, "each of milestones", 1)
    check.number(gamma, "gamma", 0, low_open=True)
    check.integer(warmup_steps, "warmup_steps", 0)
    if warmup_steps and schedule != "multistep":
        raise ValueError(f"warmup_steps works with schedule='multistep' only, got "
                         f"schedule={schedule!r}")
    check.number(label_smoothing, "label_smoothing", 0, 1, high_open=True)
    check.number(clip_grad, "clip_grad", 0, low_open=True, none_ok=True)
    if isinstance(amp, str):
        check.choice(amp, ("auto", "bf16", "fp16"), "amp", "mixed-precision mode")
    elif amp is not None:
        check.flag(amp, "amp")
    check.number(time_budget, "time_budget", 0, none_ok=True)
    check.integer(seed, "seed")
    check.integer(log_every, "log_every", 1)
    if on_epoch_end is not None and not callable(on_epoch_end):
        raise TypeError(f"on_epoch_end must be a function (epoch, history) or None, got "
                        f"{check.describe(on_epoch_end)}")
    device = check.device(device) if device is not None else env.device()
    torch.manual_seed(seed)
    model.to(device)
    if channels_last:
        model.to(memory_format=torch.channels_last)
    train_batches = _batches(train_data, "train_data", batch_size, device, channels_last,
                             shuffle=True, augment=augment, seed=seed)
    if test_data is not None:
        _check_data(test_data, "test_data")
    if not hasattr(train_batches, "__len__"):
        raise TypeError(f"train_data must have a length (a DataLoader or a list of batches, "
                        f"not a generator), got {check.describe(train_data)}")
    steps_per_epoch = len(train_batches)
    if dry_run():
        return _count_instead(model, train_data, train_batches, test_data, epochs, device)
    opt = make_optimizer(model, optimizer, lr, momentum, weight_decay)
    sched = make_schedule(opt, schedule, lr, epochs * steps_per_epoch, steps_per_epoch,
                          step_epochs, milestones, gamma, warmup_steps)
    amp_mode = _amp_mode(amp, device)
    scaler = torch.amp.GradScaler(device.type, enabled=amp_mode == "fp16")
    history = History()
    start_epoch = 0
    path = Path(checkpoint) if checkpoint is not None else None
    if path is not None and path.exists():
        start_epoch, history = _resume(path, model, opt, sched, scaler, train_batches)
        print(f"resumed from checkpoint {path.name} after epoch {start_epoch}")

    display = _Display(epochs, steps_per_epoch, live_plot, progress, start_epoch)
    elapsed = history.train_seconds
    try:
        for epoch in range(start_epoch, epochs):
            model.train()
            t0 = time.perf_counter()
            loss_sum = torch.zeros((), device=device)
            correct = torch.zeros((), device=device)
            seen, out_of_time = 0, False
            window = _Window(device)
            for i, (x, y) in enumerate(train_batches):
                x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
                with _autocast(device, amp_mode):
                    out = model(x) if i else _first_forward(model, x, y, "train_data")
                    loss = F.cross_entropy(out.float(), y, label_smoothing=label_smoothing)
                opt.zero_grad(set_to_none=True)
                scaler.scale(loss).backward()
                if clip_grad is not None:
                    scaler.unscale_(opt)
                    nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
                scaler.step(opt)
                scaler.update()
                sched.step()
                batch_loss = loss.detach() * len(y)
                batch_correct = (out.detach().argmax(1) == y).sum()
                loss_sum += batch_loss
                correct += batch_correct
                seen += len(y)
                window.add(batch_loss, batch_correct, len(y))
                if (i + 1) % log_every == 0 or i + 1 == steps_per_epoch:
                    history.step.append(epoch * steps_per_epoch + i + 1)
                    window.log_into(history)
                    display.step(history, i + 1)
                if time_budget is not None and elapsed + time.perf_counter() - t0 > time_budget:
                    out_of_time = True
                    if history.step[-1:] != [epoch * steps_per_epoch + i + 1]:
                        history.step.append(epoch * steps_per_epoch + i + 1)
                        window.log_into(history)
                    break
            elapsed += time.perf_counter() - t0
            history.epoch.append(epoch + 1)
            history.train_loss.append(loss_sum.item() / max(seen, 1))
            history.train_accuracy.append(correct.item() / max(seen, 1))
            history.seconds.append(elapsed)
            history.lr.append(opt.param_groups[0]["lr"])
            if test_data is not None:
                result = evaluate(model, test_data, device=device, channels_last=channels_last)
                history.test_accuracy.append(result.accuracy)
                history.test_loss.append(result.loss)
            if path is not None:
                _save(path, model, opt, sched, scaler, train_batches, epoch + 1, history)
            display.epoch_end(history)
            if on_epoch_end is not None:
                on_epoch_end(epoch + 1, history)
            if out_of_time:
                display.note(f"time budget of {time_budget:.0f} s reached in epoch {epoch + 1}")
                break
    finally:
        display.close(history)
    return history


# --------------------------------------------------------------------------- dry runs
#: With this variable set, :func:`fit` trains nothing: it measures one training step of the
#: model on its first batch and counts what its epochs would process. ``python -m lecturekit
#: bench --only gpu-compute`` runs every notebook so in the ``gpu`` profile, which gives each
#: notebook's training compute without a GPU (see :func:`lecturekit.bench.gpu_compute`).
DRY_RUN_VARIABLE = "LECTUREKIT_DRY_RUN"


@dataclass
class Compute:
    """What the calls of :func:`fit` in a dry run would have processed."""
    fits: int = 0
    train_steps: int = 0      # optimizer steps, all epochs
    train_images: int = 0     # images seen in training, all epochs
    eval_images: int = 0      # test images evaluated after each epoch
    flops: float = 0.0        # of those: forward and backward passes, and evaluation


#: The running tally of this process's dry run.
COMPUTE = Compute()


def dry_run() -> bool:
    """Whether ``$LECTUREKIT_DRY_RUN`` asks :func:`fit` to count instead of train."""
    return os.environ.get(DRY_RUN_VARIABLE, "") not in ("", "0")


def _count_instead(model: nn.Module, train_data: Any, train_batches: Any, test_data: Any,
                   epochs: int, device: torch.device) -> History:
    """Count, with ``torch.utils.flop_counter``, the floating-point operations of one training
    step (forward and backward) and of one evaluation pass on the first batch, and add what
    ``epochs`` epochs would take to :data:`COMPUTE`. The model's weights are left as they
    were (no optimizer step); the returned history has the epochs with NaN measurements."""
    from torch.utils.flop_counter import FlopCounterMode

    x, y = next(iter(train_batches))
    x, y = x.to(device), y.to(device)
    model.train()
    with FlopCounterMode(display=False) as counted:
        F.cross_entropy(_first_forward(model, x, y, "train_data").float(), y).backward()
    model.zero_grad(set_to_none=True)
    train_per_image = counted.get_total_flops() / len(y)
    with evaluating(model), FlopCounterMode(display=False) as counted, torch.no_grad():
        model(x)
    eval_per_image = counted.get_total_flops() / len(y)
    per_epoch = len(train_data) if isinstance(train_data, ImageDataset) else (
        len(train_batches) * len(y))
    tests = 0
    if isinstance(test_data, ImageDataset):
        tests = len(test_data)
    elif test_data is not None:
        tests = sum(len(labels) for _, labels in test_data)
    COMPUTE.fits += 1
    COMPUTE.train_steps += epochs * len(train_batches)
    COMPUTE.train_images += epochs * per_epoch
    COMPUTE.eval_images += epochs * tests
    COMPUTE.flops += epochs * (per_epoch * train_per_image + tests * eval_per_image)
    nan = float("nan")
    history = History()
    for epoch in range(1, epochs + 1):
        history.epoch.append(epoch)
        history.step.append(epoch * len(train_batches))
        for series in (history.train_loss, history.train_accuracy, history.lr, history.seconds,
                       history.step_loss, history.step_accuracy):
            series.append(nan)
        if test_data is not None:
            history.test_loss.append(nan)
            history.test_accuracy.append(nan)
    return history


class _Window:
    """Sums over the steps since the last log entry."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.reset()

    def reset(self) -> None:
        self.loss = torch.zeros((), device=self.device)
        self.correct = torch.zeros((), device=self.device)
        self.seen = 0

    def add(self, loss: torch.Tensor, correct: torch.Tensor, count: int) -> None:
        self.loss += loss
        self.correct += correct
        self.seen += count

    def log_into(self, history: History) -> None:
        history.step_loss.append(self.loss.item() / self.seen)
        history.step_accuracy.append(self.correct.item() / self.seen)
        self.reset()


def _save(path, model, opt, sched, scaler, batches, epoch: int, history: History) -> None:
    generator = getattr(batches, "generator", None)
    save_checkpoint(path, {
        "epoch": epoch,
        "model": model.state_dict(),
        "optimizer": opt.state_dict(),
        "schedule": sched.state_dict(),
        "scaler": scaler.state_dict(),
        "history": history.to_dict(),
        "torch_rng": torch.get_rng_state(),
        "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "loader_rng": generator.get_state() if generator is not None else torch.empty(0),
    })


def _resume(path, model, opt, sched, scaler, batches) -> tuple[int, History]:
    state = load_checkpoint(path)
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["optimizer"])
    sched.load_state_dict(state["schedule"])
    scaler.load_state_dict(state["scaler"])
    torch.set_rng_state(state["torch_rng"])
    if state["cuda_rng"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda_rng"])
    generator = getattr(batches, "generator", None)
    if generator is not None and len(state["loader_rng"]):
        generator.set_state(state["loader_rng"])
    return state["epoch"], History(**state["history"])


# --------------------------------------------------------------------------- display
class _Display:
    """Progress bar plus, in a notebook, a live figure updated in place (at most every
    ``interval`` seconds); outside a notebook, one log line per epoch."""

    interval = 2.0

    def __init__(self, epochs: int, steps_per_epoch: int, live_plot: bool | str, progress: bool,
                 start_epoch: int) -> None:
        from tqdm.auto import tqdm

        self.epochs, self.steps_per_epoch = epochs, steps_per_epoch
        notebook = env.in_notebook()
        self.live = notebook if live_plot == "auto" else bool(live_plot)
        self.bar = tqdm(total=epochs * steps_per_epoch, initial=start_epoch * steps_per_epoch,
                        unit="step", disable=not progress, leave=False,
                        desc=f"epoch {start_epoch + 1}/{epochs}")
        self.handle, self.figure, self.last_draw = None, None, 0.0
        self.log_lines = not notebook

    def step(self, history: History, step_in_epoch: int) -> None:
        self.bar.update(history.step[-1] - self.bar.n)
        self.bar.set_postfix(loss=f"{history.step_loss[-1]:.4f}", refresh=False)
        if self.live and time.perf_counter() - self.last_draw > self.interval:
            self.draw(history)

    def epoch_end(self, history: History) -> None:
        epoch = history.epoch[-1]
        self.bar.set_description(f"epoch {min(epoch + 1, self.epochs)}/{self.epochs}")
        if self.log_lines:
            test = (f"  test loss {history.test_loss[-1]:.4f} accuracy "
                    f"{100 * history.test_accuracy[-1]:.2f}%" if history.test_accuracy else "")
            self.bar.write(f"epoch {epoch}/{self.epochs}  train loss {history.train_loss[-1]:.4f}"
                           f" accuracy {100 * history.train_accuracy[-1]:.2f}%{test}"
                           f"  {history.seconds[-1]:.1f} s")
        if self.live:
            self.draw(history)

    def note(self, text: str) -> None:
        self.bar.write(text)

    def draw(self, history: History) -> None:
        """Render the figure to PNG ourselves, so it shows whether or not matplotlib's inline
        backend is active yet, and replace the previous picture in place."""
        import io

        from IPython.display import Image, display

        from .plots import history_figure

        self.figure = history_figure(history, self.epochs * self.steps_per_epoch,
                                     self.steps_per_epoch, figure=self.figure)
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=90)
        picture = Image(buffer.getvalue(), format="png")
        if self.handle is None:
            self.handle = display(picture, display_id=True)
        else:
            self.handle.update(picture)
        self.last_draw = time.perf_counter()

    def close(self, history: History) -> None:
        self.bar.close()
        if self.live and history.epoch:
            self.draw(history)
