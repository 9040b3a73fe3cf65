"""Trained networks shipped with the course, timm's way.

``lk.models.create("resnet20_cifar", pretrained=True)`` builds the network and loads CIFAR-10
weights that ship inside the package (``lecturekit/weights/``); ``lk.models.list_pretrained()``
names them; :func:`record` gives each one's training record: the recipe, training and test
error after every epoch, the final accuracies, the device, torch version, seed, wall time,
images seen, the command that made it and the code revision.

A name is a registered model, optionally with a tag after a dot, as timm writes
``resnet50.a1_in1k``: ``resnet56_cifar.degradation`` is the ResNet-56 of the degradation
experiment (He et al. 2015, Figure 6), trained at the reduced scale its record states.

Every network here is made by one command, ``python -m lecturekit reproduce NAME``, which
trains it with the plan below (the CPU recipe, or the GPU recipe on a CUDA device),
checkpointing every epoch under the cache directory so an interrupted run resumes, and writes
``NAME.pt`` (half-precision weights) and ``NAME.json`` (its record).
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .. import _validate as check
from .. import data, env, train
from ..recipes import onecycle, paper_schedule

#: Where the shipped weights and records live: inside the package, so a wheel carries them.
WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"
#: Set to a folder to read (and write) trained networks there instead, e.g. in tests.
WEIGHTS_VARIABLE = "LECTUREKIT_WEIGHTS"
#: Training error is measured in eval mode, without augmentation, on this many training
#: images (a fixed subset), after every epoch: the "training error" of He et al.'s Figure 6.
TRAIN_EVAL_IMAGES = 10_000
#: Where a shipped file's weights may be stored in half precision: the test accuracy of the
#: half-precision copy may differ from the float32 network's by at most this many points.
HALF_PRECISION_TOLERANCE = 0.1


# --------------------------------------------------------------------------- the plans
@dataclass(frozen=True)
class Plan:
    """How one shipped network is made: which model, at what scale, by which recipe."""

    name: str                       # "model" or "model.tag"
    options: dict[str, Any]         # keyword arguments of the model's builder
    image_size: int                 # CIFAR-10 averaged down to this size (32: as it is)
    cpu: dict[str, Any]             # the recipe a 2-core CPU runs in the background
    gpu: dict[str, Any]             # the recipe at paper scale, for a GPU
    purpose: str                    # what the course uses it for
    gpu_image_size: int | None = None   # the GPU run's image size, if it differs
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def model(self) -> str:
        return self.name.split(".")[0]

    def recipe(self, device: torch.device) -> dict[str, Any]:
        return dict(self.gpu if device.type == "cuda" else self.cpu)

    def size(self, device: torch.device) -> int:
        return (self.gpu_image_size or self.image_size) if device.type == "cuda" else self.image_size


#: He et al. 2015 train the CIFAR ResNets 164 epochs; one-cycle comes close in a fifth of that.
#: By this recipe (45 epochs, bfloat16 autocast, on a CPU with AVX-512 BF16; 64 min of training
#: on one thread) ResNet-20 reached 91.66% (the paper: 91.25%) and plain-20 90.24%; in 30
#: epochs without autocast ResNet-20 had reached 89.86%. On a CPU without bfloat16 support, set
#: amp=False (the same arithmetic in float32, slower there).
_R20_CPU = onecycle(45, amp="bf16")
_P20_CPU = _R20_CPU
_R20_GPU = onecycle(60, batch_size=256, lr=0.2, amp="auto")
#: The degradation experiment: the paper's schedule shape at 16x16 on all 50,000 images, with
#: the paper's warm-up for its deepest network (section 4.2: 0.01 until training error is below
#: 80%, about 400 iterations) given to all four alike. Without it ResNet-56 stalls: at He
#: initialisation its final features are twice ResNet-20's and its first gradient five times
#: larger (27 identity additions grow the residual stream), the first steps at 0.1 overshoot
#: (loss 3.7 -> 18), and the network escapes by silencing its last stage (output std 2.55 ->
#: 0.08, up to half its channels dead), after which the logits are the bias and the loss sits
#: at ln 10 = 2.30 for over a hundred steps (tests/test_pretrained.py, results/README.md).
FIG6_WARMUP_STEPS = 400
_FIG6_CPU = paper_schedule(20, warmup_steps=FIG6_WARMUP_STEPS)
_FIG6_GPU = paper_schedule(164, warmup_steps=FIG6_WARMUP_STEPS)

PLANS: dict[str, Plan] = {plan.name: plan for plan in [
    Plan("resnet20_cifar", {}, 32, _R20_CPU, _R20_GPU,
         "the paper's 91.25% network (Table 6); notebooks 13-15"),
    Plan("plain20_cifar", {}, 32, _P20_CPU, _R20_GPU,
         "ResNet-20 without shortcuts, by the same recipe; notebook 14's deletion test"),
    *[Plan(f"{kind}{depth}_cifar.degradation", {}, 16, _FIG6_CPU, _FIG6_GPU,
           "He et al. 2015, Figure 6 (degradation and its residual cure); notebook 13",
           gpu_image_size=32)
      for kind in ("plain", "resnet") for depth in (20, 56)],
    Plan("nin_small", {"width": 0.5}, 32, onecycle(30, amp="bf16"),
         onecycle(60, batch_size=256, lr=0.2, amp="auto"),
         "NIN with its global-average-pooling head, for class activation maps; notebook 08"),
    #: DenseNet-BC at depth 40 (k=12, 0.18M parameters), not a network of the paper's tables
    #: (its smallest BC network is L=100): the tag says so. 20 epochs at 217 images/s (one CPU
    #: thread, bfloat16 autocast, batch 64 as in the paper's section 4.2) is about 80 min.
    Plan("densenet_bc100_cifar.depth40", {"depth": 40}, 32,
         onecycle(20, batch_size=64, amp="bf16"),
         onecycle(100, batch_size=64, weight_decay=1e-4, amp="auto"),
         "a DenseNet-BC (L=40, k=12) for parameter efficiency and CAMs; notebook 15"),
]}


# --------------------------------------------------------------------------- the shipped files
def weights_dir() -> Path:
    """``$LECTUREKIT_WEIGHTS`` if set, else the package's own ``lecturekit/weights/``."""
    folder = os.environ.get(WEIGHTS_VARIABLE)
    return Path(folder).expanduser() if folder else WEIGHTS_DIR


def _files(name: str, folder: Path | None = None) -> tuple[Path, Path]:
    folder = weights_dir() if folder is None else Path(folder)
    return folder / f"{name}.pt", folder / f"{name}.json"


def list_pretrained() -> list[str]:
    """Names of the networks whose trained weights ship with the course."""
    return [name for name in PLANS if all(p.exists() for p in _files(name))]


def _shipped(name: str) -> str:
    """The shipped network's name (an old name becomes its new one, with a warning)."""
    from .. import models

    name = models.canonical(name)
    if name in PLANS and name not in list_pretrained():
        raise ValueError(f"name={name!r}: no trained weights for it ship with this copy of the "
                         f"course; make them with: python -m lecturekit reproduce {name}")
    return check.choice(name, list_pretrained(), "name", "pretrained network",
                        see="lk.models.list_pretrained()")


def record(name: str) -> dict[str, Any]:
    """The training record of shipped network ``name`` (a dict, as stored in its JSON file)."""
    return json.loads(_files(_shipped(name))[1].read_text())


def build(name: str, pretrained: bool = True, **options: Any) -> nn.Module:
    """Network ``name`` (``model`` or ``model.tag``) built as it was trained; with trained
    weights (float32) unless ``pretrained=False``."""
    from .. import models

    name = models.canonical(name)
    plan = PLANS[_shipped(name) if pretrained else check.choice(name, PLANS, "name",
                                                               "pretrained network")]
    model = models.create(plan.model, **{**plan.options, **options})
    if pretrained:
        state = torch.load(_files(name)[0], map_location="cpu", weights_only=True)
        model.load_state_dict({k: v.float() if v.is_floating_point() else v
                               for k, v in state.items()})
        model.eval()
    return model


def test_set(name: str) -> data.ImageDataset:
    """The CIFAR-10 test set at the size network ``name`` was trained on."""
    return data.downsample(data.load("cifar10", train=False, limit=None, verbose=False),
                           record(name)["data"]["image_size"])


# --------------------------------------------------------------------------- making them
def revision() -> str:
    """The git commit of the code that trained a network (``+dirty`` with local changes)."""
    root = Path(__file__).resolve().parent.parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "lecturekit"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"cpu ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"


def half(model: nn.Module) -> dict[str, torch.Tensor]:
    """The state dict with floating-point tensors in half precision."""
    return {k: v.detach().cpu().half().contiguous() if v.is_floating_point() else v.cpu()
            for k, v in model.state_dict().items()}


def make(name: str, device: torch.device | str = "cpu", seed: int = 0,
         epochs: int | None = None, limit: int | None = None, output: Path | None = None,
         checkpoint_dir: Path | None = None, test_limit: int | None = None) -> dict[str, Any]:
    """Train network ``name`` by its plan and write ``NAME.pt`` and ``NAME.json`` to ``output``
    (default: :func:`weights_dir`). Resumes from its checkpoint under the cache
    directory. ``epochs``, ``limit`` (training images) and ``test_limit`` shrink the run, for
    tests."""
    from .. import models

    name = models.canonical(name)
    plan = PLANS[check.choice(name, PLANS, "name", "pretrained network")]
    device = check.device(device)
    recipe = plan.recipe(device)
    if epochs is not None:
        recipe["epochs"] = epochs
        if recipe.get("milestones"):
            recipe["milestones"] = [max(1, epochs // 2), max(1, 3 * epochs // 4)]
    size = plan.size(device)
    train_set = data.load("cifar10", train=True, limit=limit, verbose=False)
    test_full = data.load("cifar10", train=False, limit=test_limit, verbose=False)
    train_set, test_full = data.downsample(train_set, size), data.downsample(test_full, size)
    train_eval = train_set.subset(min(TRAIN_EVAL_IMAGES, len(train_set)), seed=0)

    weights, record_file = _files(name, output)
    if weights.exists() and record_file.exists():
        made = json.loads(record_file.read_text())
        if (made["recipe"] == json.loads(json.dumps(recipe)) and made["seed"] == seed
                and made["data"]["train_images"] == len(train_set)
                and made["data"]["test_images"] == len(test_full)):
            print(f"{name}: already made by this recipe ({record_file}); delete it to remake it",
                  flush=True)
            return made

    folder = (checkpoint_dir or env.cache_dir() / "pretrained")
    tag = f"{name}-{device.type}-seed{seed}-e{recipe['epochs']}-n{len(train_set)}"
    checkpoint = folder / f"{tag}.ckpt"
    side = folder / f"{tag}.train_error.json"
    train_error: list[float] = json.loads(side.read_text()) if side.exists() else []

    torch.manual_seed(seed)
    model = models.create(plan.model, **plan.options)
    started, code = time.time(), revision()   # the code as it was when training began

    def measure(epoch: int, _history: train.History) -> None:
        result = train.evaluate(model, train_eval, device=device,
                                channels_last=recipe.get("channels_last", False))
        del train_error[epoch - 1:]
        train_error.append(1 - result.accuracy)
        side.parent.mkdir(parents=True, exist_ok=True)
        side.write_text(json.dumps(train_error))
        print(f"  {name} epoch {epoch}: train error {100 * train_error[-1]:.2f}%, test error "
              f"{100 * (1 - _history.test_accuracy[-1]):.2f}%, {_history.train_seconds:.0f} s",
              flush=True)

    history = train.fit(model, train_set, test_full, device=device, seed=seed, live_plot=False,
                        progress=False, checkpoint=checkpoint, on_epoch_end=measure, **recipe)
    model = model.cpu().eval()
    full = train.evaluate(model, test_full).accuracy
    halved = models.create(plan.model, **plan.options)
    halved.load_state_dict({k: v.float() if v.is_floating_point() else v
                            for k, v in half(model).items()})
    half_accuracy = train.evaluate(halved.eval(), test_full).accuracy
    halves = abs(half_accuracy - full) * 100 <= HALF_PRECISION_TOLERANCE
    if not halves:
        print(f"{name}: half precision moves test accuracy from {100 * full:.2f}% to "
              f"{100 * half_accuracy:.2f}%; the weights stay in float32", flush=True)
    command = ["python", "-m", "lecturekit", "reproduce", name, "--device", device.type]
    if seed:
        command += ["--seed", str(seed)]
    if epochs is not None:
        command += ["--epochs", str(epochs)]
    if limit is not None:
        command += ["--limit", str(limit)]
    if test_limit is not None:
        command += ["--test-limit", str(test_limit)]
    result = {
        "name": name,
        "model": plan.model,
        "options": plan.options,
        "purpose": plan.purpose,
        "parameters": sum(p.numel() for p in model.parameters()),
        "data": {"name": "cifar10", "train_images": len(train_set),
                 "test_images": len(test_full), "image_size": size,
                 "train_error_images": len(train_eval), "source": train_set.source,
                 "substitute": train_set.is_substitute},
        "recipe": recipe,
        "history": {
            "epoch": history.epoch,
            "seconds": [round(s, 1) for s in history.seconds],
            "lr": history.lr,
            "train_loss": history.train_loss,
            "train_error": train_error[:len(history.epoch)],
            "test_error": [1 - a for a in history.test_accuracy],
            "test_loss": history.test_loss,
        },
        "final": {"test_accuracy": half_accuracy if halves else full,
                  "float32_test_accuracy": full, "float16_test_accuracy": half_accuracy,
                  "train_error": train_error[len(history.epoch) - 1],
                  "epochs": len(history.epoch),
                  "images_seen": len(history.epoch) * len(train_set)},
        "weights": "float16" if halves else "float32",
        "device": device_name(device),
        "torch": torch.__version__,
        "seed": seed,
        "train_seconds": round(history.train_seconds, 1),
        "wall_seconds": round(time.time() - started, 1),
        "command": shlex.join(command),
        "revision": code,
    }
    weights.parent.mkdir(parents=True, exist_ok=True)
    torch.save(half(model) if halves else model.state_dict(), weights)
    record_file.write_text(json.dumps(result, indent=1) + "\n")
    print(f"{name}: test accuracy {100 * result['final']['test_accuracy']:.2f}% after "
          f"{len(history.epoch)} epochs "
          f"({history.train_seconds:.0f} s); wrote {weights} and {record_file.name}", flush=True)
    return result


# --------------------------------------------------------------------------- checking them
#: Fields every training record carries.
RECORD_FIELDS = ("name", "model", "options", "parameters", "data", "recipe", "history", "final",
                 "weights", "device", "torch", "seed", "train_seconds", "wall_seconds",
                 "command", "revision")


def inconsistencies(record: dict[str, Any]) -> list[str]:
    """What in a training record disagrees with itself: missing fields, and summary figures
    that its per-epoch curves do not give. An empty list for an honest record."""
    missing = [f for f in RECORD_FIELDS if f not in record]
    if missing:
        return [f"missing fields: {', '.join(missing)}"]
    problems = []
    history, final = record["history"], record["final"]
    epochs = len(history["epoch"])
    lengths = {k: len(v) for k, v in history.items()}
    if set(lengths.values()) != {epochs}:
        problems.append(f"curves of different lengths: {lengths}")
    if final["epochs"] != epochs or history["epoch"] != list(range(1, epochs + 1)):
        problems.append(f"final.epochs is {final['epochs']} but the curves have {epochs} epochs")
    if final["images_seen"] != epochs * record["data"]["train_images"]:
        problems.append(f"final.images_seen is {final['images_seen']}, not {epochs} epochs x "
                        f"{record['data']['train_images']} images")
    if history["train_error"] and final["train_error"] != history["train_error"][-1]:
        problems.append("final.train_error is not the last epoch's training error")
    if abs(final["float32_test_accuracy"] - (1 - history["test_error"][-1])) > 1e-9:
        problems.append("final.float32_test_accuracy is not 1 - the last epoch's test error")
    stored = final["float16_test_accuracy"] if record["weights"] == "float16" \
        else final["float32_test_accuracy"]
    if final["test_accuracy"] != stored:
        problems.append(f"final.test_accuracy is not the accuracy of the {record['weights']} "
                        f"weights that ship")
    if record["train_seconds"] != round(history["seconds"][-1], 1):
        problems.append("train_seconds is not the curves' last cumulative time")
    return problems


# --------------------------------------------------------------------------- why the warm-up
def first_steps(depth: int = 56, lr: float = 0.1, steps: int = 60, residual: bool = True,
                image_size: int = 16, batch_size: int = 128, seed: int = 0,
                train_set: data.ImageDataset | None = None) -> list[dict[str, float]]:
    """The first ``steps`` SGD steps (momentum 0.9, weight decay 1e-4) of a freshly
    initialised CIFAR network on CIFAR-10, as the degradation experiment starts them: for each
    step the loss, the standard deviation of the logits and of the last stage's output, and the
    share of final channels that are silent (zero for every image of the batch). At lr 0.1 a
    ResNet-56 overshoots and then silences its last stage (the stall at ln 10); at 0.01 it does
    not. See ``FIG6_WARMUP_STEPS``."""
    from .resnet import CifarResNet

    if train_set is None:
        train_set = data.downsample(data.load("cifar10", train=True, limit=None, verbose=False),
                                    image_size)
    torch.manual_seed(seed)
    model = CifarResNet(depth, residual=residual)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=1e-4)
    seen: dict[str, torch.Tensor] = {}
    model.stage3.register_forward_hook(lambda _m, _i, out: seen.__setitem__("last", out.detach()))
    generator = torch.Generator().manual_seed(seed)
    images, labels = train_set.tensors()
    mean = torch.tensor(train_set.mean).view(1, -1, 1, 1)
    std = torch.tensor(train_set.std).view(1, -1, 1, 1)
    rows = []
    for step in range(steps):
        index = torch.randint(0, len(labels), (batch_size,), generator=generator)
        x, y = (images[index].float() / 255 - mean) / std, labels[index]
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        last = seen["last"]
        rows.append({"step": step + 1, "loss": loss.item(), "logit_std": logits.std().item(),
                     "last_stage_std": last.std().item(),
                     "silent_channels": (last.amax((0, 2, 3)) == 0).float().mean().item()})
    return rows
