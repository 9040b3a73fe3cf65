"""Paper-scale results shipped with the course: ``python -m lecturekit reproduce NAME``.

The notebooks train at class scale (a minute on a CPU). Beside those runs they show the
papers' experiments at paper scale, made once by one command and shipped in
``lecturekit/results/`` (package data): every file states the command that made it, the
device, the torch version, the seed and the wall time, so anyone can make it again. The trained
networks themselves live in :mod:`lecturekit.pretrained`.

=============  ===========================================================================
name           what it trains (full CIFAR-10, the paper's widths unless told otherwise)
=============  ===========================================================================
``resnet20``   ResNet-20 (He et al. 2015, arXiv:1512.03385, Table 6: 8.75% test error,
               i.e. 91.25% accuracy) with the fast GPU recipe ``recipes.RESNET20_GPU`` or the
               paper's recipe (``--recipe paper``); weights in ``lecturekit/weights/``.
``degradation``  plain-20/56 and ResNet-20/56 (the paper's Figure 1 and Figure 6): training
               error (eval mode, on a fixed clean subset of the training set) and test error
               after every epoch, with the paper's schedule shape (SGD 0.1, divided by 10 at
               50% and 75% of training, weight decay 1e-4, batch 128).
``deletion``   the trained ResNet-20 and plain-20 of notebook 14's unraveled-view test (Veit
               et al. 2016, arXiv:1605.06431, Figure 3), their weights, and the test accuracy
               with each block deleted.
``activations``  ReLU against tanh in a four-layer CNN (Krizhevsky et al. 2012, Figure 1):
               steps to 25% training error, over a learning-rate grid and three seeds.
``all``        the four above within one time budget (``--budget`` seconds of wall time).
=============  ===========================================================================

In a notebook::

    result = lk.reproduce.load("degradation")          # a dict, or None if not shipped
    if result is None:
        print(lk.reproduce.not_shipped_message("degradation"))
    else:
        lk.reproduce.plot_degradation(result)

    model = lk.reproduce.load_model("deletion", "resnet20")   # trained network, or None
    test = lk.reproduce.test_set(lk.reproduce.load("deletion"))  # at the size it was trained on

``load_weights(name, model, run)`` loads shipped weights into a model you built yourself
(``torch.load(..., weights_only=True)``) and returns whether it found them.
"""

from __future__ import annotations

import base64
import copy
import json
import math
import os
import platform
import shlex
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import data, env, pretrained, recipes, references, train
from ._version import __version__
from .models.alexnet import ACTIVATION_WIDTH, FourLayerNets
from .models.resnet import CifarResNet, DeletedBlock, blocks, without_block  # noqa: F401

RESULTS_VARIABLE = "LECTUREKIT_RESULTS"
#: The shipped results: package data, so that a wheel (and a Colab install) carries them.
RESULTS_DIR = Path(__file__).with_name("results")
#: He et al. 2015, Table 6: ResNet-20 on CIFAR-10, 8.75% test error (lecturekit.references).
PAPER_RESNET20_ACCURACY = 100 - references.entry("resnet20_cifar").published("cifar10_error").value
#: The paper's CIFAR-10 schedule (section 4.2): 64k iterations of batch 128 (164 epochs of
#: 50,000 images), learning rate 0.1 divided by 10 at 32k and 48k iterations.
PAPER_EPOCHS = recipes.PAPER_EPOCHS
#: Training error is measured in eval mode on this many clean (unaugmented) training images.
TRAIN_EVAL_IMAGES = 10_000
WEIGHTS_LIMIT_BYTES = 3 * 1024 * 1024
NAMES = ("resnet20", "degradation", "deletion", "activations")
#: Shares of ``reproduce all --budget``: each run gets its share of the time still left.
BUDGET_SHARES = {"resnet20": 0.25, "deletion": 0.35, "activations": 0.3, "degradation": 1.0}


#: ``--recipe NAME``'s choices (:data:`lecturekit.recipes.REPRODUCE`).
RECIPES = recipes.REPRODUCE


@dataclass
class Settings:
    """What ``python -m lecturekit reproduce`` was asked for. ``None`` means the default:
    all images, the recipe's epochs (or as many as fit ``budget``), the recipe for the device
    (``gpu`` on CUDA, ``class`` elsewhere; ``degradation`` always follows the paper)."""

    device: torch.device
    epochs: int | None = None
    limit: int | None = None
    test_limit: int | None = None
    width: int = 16
    image_size: int = 32
    seed: int = 0
    budget: float | None = None
    recipe: str | None = None
    output: Path = RESULTS_DIR
    require_real_data: bool = False
    workers: int = 1       # degradation: networks trained at once, each in its own process
    started: float = 0.0   # time.perf_counter() when the run began: the budget counts from it

    def left(self) -> float | None:
        """Seconds of the budget still left (None: no budget)."""
        if self.budget is None:
            return None
        return max(1.0, self.budget - (time.perf_counter() - self.started))

    def command(self, name: str) -> str:
        """The command line that reproduces this run."""
        parts = ["python", "-m", "lecturekit", "reproduce", name, "--device", self.device.type]
        for flag, value, default in [("--epochs", self.epochs, None), ("--limit", self.limit, None),
                                     ("--test-limit", self.test_limit, None),
                                     ("--width", self.width, 16),
                                     ("--image-size", self.image_size, 32),
                                     ("--seed", self.seed, 0), ("--budget", self.budget, None),
                                     ("--recipe", self.recipe, None),
                                     ("--workers", self.workers, 1)]:
            if value != default:
                parts += [flag, f"{value:g}" if isinstance(value, float) else str(value)]
        if Path(self.output).resolve() != RESULTS_DIR.resolve():
            parts += ["--output", str(self.output)]
        return shlex.join(parts)


# --------------------------------------------------------------------------- data and models
#: Moved to :func:`lecturekit.data.downsample`; kept for older notebooks.
downsample = data.downsample


def cifar10(settings: Settings) -> tuple[data.ImageDataset, data.ImageDataset]:
    """The training and test sets the settings ask for."""
    train_set = data.load("cifar10", train=True, limit=settings.limit, verbose=False)
    test_set = data.load("cifar10", train=False, limit=settings.test_limit, verbose=False)
    if train_set.is_substitute and settings.require_real_data:
        raise SystemExit(f"the real CIFAR-10 was not found (looked in {env.data_dir()}); set "
                         f"{env.DATA_VARIABLE} to a folder that holds it")
    return downsample(train_set, settings.image_size), downsample(test_set, settings.image_size)


def describe_data(train_set: data.ImageDataset, test_set: data.ImageDataset) -> dict[str, Any]:
    """What a result was trained and tested on, for its file."""
    return {"name": "cifar10", "train_images": len(train_set), "test_images": len(test_set),
            "image_size": train_set.shape[-1], "source": train_set.source,
            "substitute": train_set.is_substitute}


def build(config: dict[str, Any]) -> nn.Module:
    """The network a result was trained with, from its stored ``model`` entry."""
    return CifarResNet(config["depth"], residual=config["residual"], width=config["width"])


def network(depth: int, residual: bool, settings: Settings) -> dict[str, Any]:
    name = f"{'resnet' if residual else 'plain'}{depth}"
    return dict(name=name, label=f"{'ResNet' if residual else 'plain'}-{depth}", depth=depth,
                residual=residual, width=settings.width, image_size=settings.image_size)


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return (f"{device.type} ({platform.processor() or platform.machine()}, "
            f"{torch.get_num_threads()} threads)")


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


# --------------------------------------------------------------------------- training
def _train(config: dict, train_set, test_set, recipe: dict, settings: Settings,
           train_eval=None, time_budget: float | None = None) -> tuple[nn.Module, dict]:
    """Train one network; return it and its record (history per epoch, final figures)."""
    torch.manual_seed(settings.seed)
    model = build(config)
    evaluations: list[float] = []

    def measure_training_error(_epoch: int, _history: train.History) -> None:
        if train_eval is not None:
            result = train.evaluate(model, train_eval, device=settings.device,
                                    channels_last=recipe.get("channels_last", False))
            evaluations.append(1 - result.accuracy)

    print(f"  {config['label']}: {recipe['epochs']} epochs on {len(train_set):,} images",
          flush=True)
    history = train.fit(model, train_set, test_set, device=settings.device, seed=settings.seed,
                        live_plot=False, progress=False, time_budget=time_budget,
                        on_epoch_end=measure_training_error, **recipe)
    per_epoch = {
        "epoch": history.epoch,
        "seconds": [round(s, 2) for s in history.seconds],
        "lr": history.lr,
        "train_loss": history.train_loss,
        "train_error_running": [1 - a for a in history.train_accuracy],
        "test_loss": history.test_loss,
        "test_error": [1 - a for a in history.test_accuracy],
    }
    if train_eval is not None:
        per_epoch["train_error"] = evaluations
    finished = len(history.epoch) == recipe["epochs"] and not (
        time_budget is not None and history.train_seconds > time_budget)
    record = {
        "model": {k: config[k] for k in ("depth", "residual", "width", "image_size")},
        "label": config["label"],
        "parameters": sum(p.numel() for p in model.parameters()),
        "recipe": recipe,
        "history": per_epoch,
        "final": {"test_accuracy": history.final_test_accuracy,
                  "test_error": 1 - history.final_test_accuracy,
                  "train_error": evaluations[-1] if evaluations else None,
                  "epochs": len(history.epoch), "train_seconds": round(history.train_seconds, 2),
                  "finished": finished},
    }
    print(f"  {config['label']}: test accuracy {100 * history.final_test_accuracy:.2f}% after "
          f"{len(history.epoch)} epochs, {history.train_seconds:.1f} s of training", flush=True)
    return model.cpu(), record


def _recipe(name: str, settings: Settings, default: str) -> tuple[str, dict]:
    chosen = settings.recipe or default
    if chosen not in RECIPES:
        raise ValueError(f"unknown recipe {chosen!r}; choose one of {', '.join(RECIPES)}")
    recipe = dict(RECIPES[chosen])
    if settings.device.type != "cuda":
        recipe["amp"] = False   # mixed precision only pays on a GPU
    return chosen, recipe


def _with_epochs(recipe: dict, epochs: int) -> dict:
    recipe = dict(recipe, epochs=epochs)
    if recipe.get("schedule") == "multistep":
        recipe["milestones"] = [max(1, epochs // 2), max(1, 3 * epochs // 4)]
    return recipe


def save_weights(model: nn.Module, path: Path) -> int:
    """Save the weights as contiguous float tensors; return the file size (bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    torch.save(state, path)
    size = path.stat().st_size
    if size > WEIGHTS_LIMIT_BYTES:
        path.unlink()
        raise ValueError(f"{path.name} would be {size / 2**20:.1f} MB; shipped weights must be "
                         f"at most {WEIGHTS_LIMIT_BYTES / 2**20:.0f} MB")
    return size


# --------------------------------------------------------------------------- the reproductions
def run_resnet20(settings: Settings) -> dict:
    """ResNet-20 on CIFAR-10 against the paper's 91.25%."""
    default = "gpu" if settings.device.type == "cuda" else "class"
    chosen, recipe = _recipe("resnet20", settings, default)
    train_set, test_set = cifar10(settings)
    if settings.epochs is not None:
        recipe = _with_epochs(recipe, settings.epochs)
    config = network(20, True, settings)
    model, record = _train(config, train_set, test_set, recipe, settings,
                           time_budget=settings.left())
    weights = Path("weights") / "resnet20.pt"
    record["weights"] = str(weights)
    save_weights(model, settings.output / weights)
    accuracy = 100 * record["final"]["test_accuracy"]
    return {"title": "ResNet-20 on CIFAR-10", "recipe_name": chosen,
            "data": describe_data(train_set, test_set), "runs": {"resnet20": record},
            "final": {"test_accuracy_percent": round(accuracy, 2),
                      "paper_accuracy_percent": PAPER_RESNET20_ACCURACY,
                      "reached_paper": accuracy >= PAPER_RESNET20_ACCURACY,
                      "train_seconds": record["final"]["train_seconds"]}}


#: The degradation experiment's networks (He et al. 2015, Figure 6): result key -> the shipped
#: network of :mod:`lecturekit.pretrained` that carries it.
FIG6_NETWORKS = {"plain20": "plain20_cifar.degradation", "plain56": "plain56_cifar.degradation",
                 "resnet20": "resnet20_cifar.degradation", "resnet56": "resnet56_cifar.degradation"}
#: The deletion test's networks (Veit et al. 2016, Figure 3): the well-trained 32x32 pair.
DELETION_NETWORKS = {"resnet20": "resnet20_cifar", "plain20": "plain20_cifar"}


def _run_from_record(record: dict) -> dict:
    """A shipped network's record in the form of one of a result's ``runs``."""
    model = pretrained.build(record["name"], pretrained=False)
    depth = 6 * sum(len(getattr(model, s)) for s in ("stage1", "stage2", "stage3")) // 3 + 2
    residual = record["model"].startswith("resnet")
    history, final = record["history"], record["final"]
    return {"network": record["name"],
            "model": {"depth": depth, "residual": residual, "width": model.stem[0].out_channels,
                      "image_size": record["data"]["image_size"]},
            "label": f"{'ResNet' if residual else 'plain'}-{depth}",
            "parameters": record["parameters"], "recipe": record["recipe"],
            "history": history,
            "final": {"test_accuracy": final["test_accuracy"],
                      "test_error": 1 - final["test_accuracy"],
                      "train_error": final["train_error"], "epochs": final["epochs"],
                      "train_seconds": record["train_seconds"], "finished": True}}


def _data_from_record(record: dict) -> dict:
    data_line = record["data"]
    return {k: data_line[k] for k in ("name", "train_images", "test_images", "image_size",
                                      "source", "substitute")}


def run_degradation(settings: Settings) -> dict:
    """Plain-20/56 and ResNet-20/56, the degradation problem and its cure: each network made by
    :func:`lecturekit.pretrained.make` (its plan sets the scale and the schedule; a run that was
    interrupted resumes), the four records gathered into one result."""
    records = {key: pretrained.make(name, device=settings.device, seed=settings.seed,
                                    epochs=settings.epochs, limit=settings.limit,
                                    test_limit=settings.test_limit)
               for key, name in FIG6_NETWORKS.items()}
    training_set = data.load("cifar10", train=True, limit=settings.limit, verbose=False)
    right = {key: training_images_right(name, training_set, settings.device)
             for key, name in FIG6_NETWORKS.items()}
    return degradation_result(records, right)


def training_images_right(name: str, training_set: data.ImageDataset,
                          device: torch.device | str = "cpu") -> torch.Tensor:
    """For every image of ``training_set`` (in its order, averaged down to the network's size),
    whether the shipped network ``name`` classifies it right, in eval mode. Two networks' answers
    on the same images make a paired comparison (:func:`lecturekit.analysis.paired_margin`)."""
    model = pretrained.build(name, pretrained=True).to(device).eval()
    images = data.downsample(training_set, pretrained.record(name)["data"]["image_size"])
    right = []
    with torch.no_grad():
        for x, y in data.Loader(images, batch_size=1000, shuffle=False):
            right.append(model(x.to(device)).argmax(1).cpu() == y)
    return torch.cat(right)


def pack_bits(right: torch.Tensor) -> str:
    """Booleans as base64 text (8 to a byte), for a result file."""
    return base64.b64encode(np.packbits(right.numpy().astype(bool)).tobytes()).decode("ascii")


def unpack_bits(text: str, count: int) -> torch.Tensor:
    """The inverse of :func:`pack_bits`: ``count`` booleans."""
    bits = np.unpackbits(np.frombuffer(base64.b64decode(text), dtype=np.uint8))[:count]
    return torch.from_numpy(bits.astype(bool))


def training_right(result: dict, key: str) -> torch.Tensor | None:
    """Per training image, whether network ``key`` of a degradation result is right (None for a
    result made before these were recorded)."""
    entry = result.get("training_right", {}).get(key)
    return None if entry is None else unpack_bits(entry["bits"], entry["images"])


def degradation_result(records: dict[str, dict], right: dict[str, torch.Tensor] | None = None) -> dict:
    """The degradation result from the four networks' training records (and, if given, which
    training images each gets right)."""
    runs = {key: _run_from_record(record) for key, record in records.items()}
    final = {name: {"train_error_percent": round(100 * run["final"]["train_error"], 2),
                    "test_error_percent": round(100 * run["final"]["test_error"], 2)}
             for name, run in runs.items()}
    first = next(iter(records.values()))
    return {"title": "Degradation: plain and residual networks of 20 and 56 layers on CIFAR-10",
            "recipe_name": "paper schedule with warm-up (lk.pretrained)",
            "data": _data_from_record(first), "runs": runs,
            "final": {**final,
                      "plain56_trains": final["plain56"]["train_error_percent"] <= 60,
                      "plain56_trains_worse_than_plain20":
                          final["plain56"]["train_error_percent"]
                          > final["plain20"]["train_error_percent"],
                      "resnet56_trains_better_than_resnet20":
                          final["resnet56"]["train_error_percent"]
                          < final["resnet20"]["train_error_percent"]},
            **({"training_right": {key: {"images": len(r), "error": round(1 - r.float().mean().item(), 5),
                                         "bits": pack_bits(r)} for key, r in right.items()}}
               if right else {})}


def deletion_accuracies(model: CifarResNet, test_set, device: torch.device) -> list[float | None]:
    """Test accuracy with each block deleted in turn (None: the block cannot be deleted)."""
    accuracies = []
    for stage, index in blocks(model):
        damaged = without_block(model, stage, index)
        accuracies.append(None if damaged is None
                          else train.evaluate(damaged.to(device), test_set, device=device).accuracy)
    return accuracies


def run_deletion(settings: Settings) -> dict:
    """Veit et al.'s deletion test on the shipped, well-trained ResNet-20 and plain-20: test
    accuracy of each network intact and with each block deleted in turn (no training, unless a
    network is missing: then it is made first by its plan, as ``reproduce all`` needs)."""
    for name in DELETION_NETWORKS.values():
        if name not in pretrained.list_pretrained():
            pretrained.make(name, device=settings.device, seed=settings.seed, epochs=settings.epochs,
                            limit=settings.limit, test_limit=settings.test_limit)
    runs, first = {}, None
    for key, name in DELETION_NETWORKS.items():
        record = pretrained.record(name)
        first = first or record
        test = pretrained.test_set(name)
        if settings.test_limit is not None:
            test = test.subset(settings.test_limit, seed=settings.seed)
        model = pretrained.build(name).to(settings.device)
        run = _run_from_record(record)
        run["intact_accuracy"] = train.evaluate(model, test, device=settings.device).accuracy
        run["blocks"] = [f"{stage}.{index}" for stage, index in blocks(model)]
        run["deleted_accuracy"] = deletion_accuracies(model, test, settings.device)
        runs[key] = run
    result_data = {**_data_from_record(first), "test_images": len(test)}
    final = {}
    for name, run in runs.items():
        deleted = [(b, a) for b, a in zip(run["blocks"], run["deleted_accuracy"]) if a is not None]
        downsampling = {"stage2.0", "stage3.0"}
        plain_blocks = [a for b, a in deleted if b not in downsampling]
        final[name] = {"intact_accuracy_percent": round(100 * run["intact_accuracy"], 2),
                       "worst_deleted_accuracy_percent": round(100 * min(a for _, a in deleted), 2),
                       "median_non_downsampling_deleted_accuracy_percent":
                           round(100 * sorted(plain_blocks)[len(plain_blocks) // 2], 2),
                       "downsampling_deleted_accuracy_percent":
                           {b: round(100 * a, 2) for b, a in deleted if b in downsampling}}
    return {"title": "Deleting single blocks of a trained ResNet-20 and plain-20 "
                     "(Veit et al. 2016, Figure 3)",
            "recipe_name": "none (the shipped networks of lk.pretrained)", "data": result_data,
            "runs": runs, "final": final}


# --------------------------------------------------------------------------- AlexNet Figure 1
#: Krizhevsky et al. 2012, section 3.1 and Figure 1: "a four-layer convolutional neural network
#: with ReLUs reaches a 25% training error rate on CIFAR-10 six times faster than an equivalent
#: network with tanh neurons", each at the learning rate that trains it fastest, with no
#: regularization. The grids are factors of 2 apart and wide enough that the fastest rate of
#: each activation lies inside its grid, not on an edge (class-scale probes found about 0.004
#: for ReLU and 0.03 or more for tanh); ``final.<activation>.bracketed`` records whether it did.
ACTIVATION_LRS = {"relu": (0.0005, 0.001, 0.002, 0.004, 0.008, 0.016),
                  "tanh": (0.0025, 0.005, 0.01, 0.02, 0.04, 0.08)}
ACTIVATION_SEEDS = 3
ACTIVATION_TARGET = 0.25      # the paper's 25% training error
ACTIVATION_EPOCHS = 30        # at most; training stops once every copy reached the target
ACTIVATION_BATCH = 128


def _training_errors(nets: dict, images: torch.Tensor, labels: torch.Tensor) -> dict:
    """Each copy's error (0..1) on ``images``, or nan where its outputs are not finite."""
    errors = {}
    with torch.no_grad():
        for name, net in nets.items():
            wrong = torch.zeros(net.copies, device=images.device)
            finite = torch.ones(net.copies, dtype=torch.bool, device=images.device)
            for start in range(0, len(images), 1000):
                logits = net(images[start:start + 1000])
                finite &= torch.isfinite(logits).all(dim=2).all(dim=0)
                wrong += (logits.argmax(2) != labels[start:start + 1000, None]).sum(0)
            error = wrong / len(images)
            errors[name] = torch.where(finite, error, torch.nan).tolist()
    return errors


def run_activations(settings: Settings) -> dict:
    """ReLU against tanh in a four-layer CNN on CIFAR-10 (AlexNet, Figure 1): the steps each
    needs to reach 25% training error, at every learning rate of its grid and ACTIVATION_SEEDS
    seeds, all trained side by side on the same batches (``FourLayerNets``). As in the paper:
    raw pixels minus the mean image, weights from N(0, 0.01), SGD with momentum 0.9, batch 128,
    no regularization. Training error is measured in eval mode on a fixed set of clean training
    images four times an epoch."""
    device = settings.device
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True   # grouped convolutions: let cuDNN pick kernels
    train_set, _ = cifar10(settings)
    images = train_set.images.float().to(device)
    images -= images.mean(0, keepdim=True)
    labels = train_set.labels.to(device)
    generator = torch.Generator().manual_seed(settings.seed)
    probe = torch.randperm(len(images), generator=generator)[:TRAIN_EVAL_IMAGES].to(device)
    probe_images, probe_labels = images[probe], labels[probe]   # the fixed, clean training images
    seeds = [settings.seed + k for k in range(ACTIVATION_SEEDS)]
    grid = {name: [(lr, seed) for lr in lrs for seed in seeds]
            for name, lrs in ACTIVATION_LRS.items()}
    nets, rates, velocity = {}, {}, {}
    for name, cells in grid.items():
        net = FourLayerNets(len(cells), name, image_size=images.shape[-1])
        for index, (_, seed) in enumerate(cells):
            net.init_copy(index, seed)
        nets[name] = net.to(device)
        rates[name] = net.per_copy(torch.tensor([lr for lr, _ in cells], device=device))
        velocity[name] = [torch.zeros_like(t) for t in net.parameters_in_order()]
    epochs = settings.epochs or ACTIVATION_EPOCHS
    batches = len(images) // ACTIVATION_BATCH
    every = max(1, batches // 4)
    steps = [0]
    errors = {name: [[e] for e in es]
              for name, es in _training_errors(nets, probe_images, probe_labels).items()}
    step, start, budget = 0, time.perf_counter(), settings.left()

    def done() -> bool:
        return all(math.isnan(e[-1]) or min(e) <= ACTIVATION_TARGET
                   for es in errors.values() for e in es)

    def out_of_time() -> bool:
        return budget is not None and time.perf_counter() - start > budget

    for _epoch in range(epochs):
        order = torch.randperm(len(images), generator=generator).to(device)
        for b in range(batches):
            batch = order[b * ACTIVATION_BATCH:(b + 1) * ACTIVATION_BATCH]
            x, y = images[batch], labels[batch]
            for name, net in nets.items():
                logits = net(x)
                # the sum over copies of each copy's mean loss: each copy gets its own gradient
                loss = F.cross_entropy(logits.reshape(-1, 10), y.repeat_interleave(net.copies),
                                       reduction="sum") / len(x)
                grads = torch.autograd.grad(loss, net.parameters_in_order())
                with torch.no_grad():   # SGD with momentum 0.9, a learning rate per copy
                    for p, g, v, lr in zip(net.parameters_in_order(), grads, velocity[name],
                                           rates[name]):
                        v.mul_(0.9).add_(torch.nan_to_num(g, nan=0.0, posinf=0.0, neginf=0.0))
                        p.sub_(lr * v)
            step += 1
            if step % every == 0:
                steps.append(step)
                for name, es in _training_errors(nets, probe_images, probe_labels).items():
                    for history, e in zip(errors[name], es):
                        history.append(e)
                if done() or out_of_time():
                    break
        if done() or out_of_time():
            break
    _synchronize(device)
    return _activations_result(grid, steps, errors, batches, time.perf_counter() - start,
                               train_set)


def _steps_to_target(history: list[float], steps: list[int]) -> int | None:
    for step, error in zip(steps, history):
        if not math.isnan(error) and error <= ACTIVATION_TARGET:
            return step
    return None


def _median_steps(values: list[int | None]) -> float:
    """The median over seeds, a seed that never reached the target counting as infinite."""
    ordered = sorted(math.inf if v is None else v for v in values)
    return ordered[len(ordered) // 2]


def _activations_result(grid: dict, steps: list[int], errors: dict, steps_per_epoch: int,
                        seconds: float, train_set) -> dict:
    runs, final = {}, {}
    for name, cells in grid.items():
        reached: dict[float, list[int | None]] = {}
        for (lr, seed), history in zip(cells, errors[name]):
            key = f"{name}-lr{lr:g}-seed{seed}"
            runs[key] = {"activation": name, "lr": lr, "seed": seed,
                         "train_error": [None if math.isnan(e) else round(e, 4) for e in history],
                         "steps_to_target": _steps_to_target(history, steps),
                         "diverged": math.isnan(history[-1])}
            reached.setdefault(lr, []).append(runs[key]["steps_to_target"])
        medians = {lr: _median_steps(v) for lr, v in reached.items()}
        lrs = list(medians)
        best = min(lrs, key=lambda lr: (medians[lr], lr))
        final[name] = {"best_lr": best, "steps_per_seed": reached[best],
                       "median_steps": None if math.isinf(medians[best]) else medians[best],
                       "bracketed": 0 < lrs.index(best) < len(lrs) - 1,
                       "median_steps_per_lr": {f"{lr:g}": None if math.isinf(m) else m
                                               for lr, m in medians.items()}}
    relu, tanh = final["relu"]["median_steps"], final["tanh"]["median_steps"]
    final["steps_trained"] = steps[-1]
    final["steps_per_epoch"] = steps_per_epoch
    final["tanh_over_relu"] = (None if relu is None
                               else round((tanh if tanh is not None else steps[-1]) / relu, 2))
    final["tanh_over_relu_is_lower_bound"] = tanh is None
    final["relu_reaches_25_percent_sooner"] = relu is not None and (tanh is None or relu < tanh)
    return {"title": "ReLU against tanh: steps to 25% training error on CIFAR-10 "
                     "(Krizhevsky et al. 2012, Figure 1)",
            "recipe_name": "alexnet-figure-1",
            "recipe": {"batch_size": ACTIVATION_BATCH, "momentum": 0.9, "weight_decay": 0,
                       "init": "N(0, 0.01), biases 0", "inputs": "raw pixels minus the mean image",
                       "widths": [ACTIVATION_WIDTH, ACTIVATION_WIDTH, 2 * ACTIVATION_WIDTH],
                       "learning_rates": {k: list(v) for k, v in ACTIVATION_LRS.items()},
                       "seeds": ACTIVATION_SEEDS, "target_train_error": ACTIVATION_TARGET,
                       "train_error_measured_on": TRAIN_EVAL_IMAGES},
            "data": {**describe_data(train_set, train_set), "test_images": 0},
            "steps": steps, "train_seconds": round(seconds, 1), "runs": runs, "final": final}


REPRODUCTIONS = {"resnet20": run_resnet20, "degradation": run_degradation,
                 "deletion": run_deletion, "activations": run_activations}


def reproduce(name: str, settings: Settings, part_of: str | None = None) -> dict:
    """Run one reproduction and write ``<output>/<name>.json``; return what was written."""
    if name not in REPRODUCTIONS:
        raise ValueError(f"unknown reproduction {name!r}; choose one of {', '.join(NAMES)}, all")
    print(f"reproduce {name} on {device_name(settings.device)}", flush=True)
    settings.output.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    start = settings.started = time.perf_counter()
    result = REPRODUCTIONS[name](settings)
    _synchronize(settings.device)
    result = {
        "name": name,
        **result,
        "command": settings.command(name),
        "device": settings.device.type,
        "device_name": device_name(settings.device),
        "torch": torch.__version__,
        "lecturekit": __version__,
        "python": platform.python_version(),
        "seed": settings.seed,
        "started_utc": started,
        "wall_seconds": round(time.perf_counter() - start, 1),
    }
    if part_of is not None:
        result["part_of"] = part_of
    path = settings.output / f"{name}.json"
    path.write_text(json.dumps(result, indent=1, default=_plain) + "\n")
    print(f"wrote {path} ({result['wall_seconds']:.0f} s)", flush=True)
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, torch.Tensor):
        return value.tolist()
    raise TypeError(f"cannot store {type(value).__name__} in a result file")


def reproduce_all(settings: Settings) -> dict[str, dict]:
    """All reproductions, each given a share of the time still left of ``settings.budget``.
    The data set is decoded (and cached) first, so the first run's share is spent training."""
    results, start = {}, time.perf_counter()
    cifar10(settings)
    for name in BUDGET_SHARES:
        run_settings = settings
        if settings.budget is not None:
            left = settings.budget - (time.perf_counter() - start)
            run_settings = copy.copy(settings)
            run_settings.budget = max(1.0, BUDGET_SHARES[name] * left)
        results[name] = reproduce(name, run_settings, part_of=settings.command("all"))
    print(summary(results))
    return results


def summary(results: dict[str, dict]) -> str:
    """A markdown table of the results' final figures."""
    rows = ["| result | figure | device | wall time |", "|---|---|---|---|"]
    for name, result in results.items():
        for key, value in _flatten(result["final"]).items():
            rows.append(f"| {name} | {key}: {value} | {result['device_name']} | "
                        f"{result['wall_seconds']:.0f} s |")
    return "\n".join(rows)


def _flatten(values: dict, prefix: str = "") -> dict[str, Any]:
    flat = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key} "))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


# --------------------------------------------------------------------------- for the notebooks
def results_dir() -> Path:
    """Where shipped results live: ``$LECTUREKIT_RESULTS``, else the package's own
    ``lecturekit/results/`` (package data: a wheel or a Colab install carries it)."""
    if os.environ.get(RESULTS_VARIABLE):
        return Path(os.environ[RESULTS_VARIABLE]).expanduser()
    return RESULTS_DIR


def load(name: str) -> dict | None:
    """The shipped result ``name`` (``results/<name>.json``) as a dict, or None if it is not
    shipped. Its ``runs`` hold each network's ``history`` per epoch; ``command``, ``device_name``
    and ``wall_seconds`` say how it was made."""
    if name not in NAMES:
        raise ValueError(f"unknown result {name!r}; choose one of {', '.join(NAMES)}")
    path = results_dir() / f"{name}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())


def load_weights(name: str, model: nn.Module, run: str | None = None) -> bool:
    """Load the trained weights of ``run`` (default: the result's first run) into ``model``;
    return False, leaving the model as it is, when they are not shipped."""
    result = load(name)
    if result is None:
        return False
    runs = result["runs"]
    record = runs[run] if run is not None else next(iter(runs.values()))
    network = record.get("network")
    if network is None or network not in pretrained.list_pretrained():
        return False
    model.load_state_dict(pretrained.build(network).state_dict())
    return True


def load_model(name: str, run: str | None = None) -> nn.Module | None:
    """The trained network of a shipped result, built as it was trained, in eval mode; None
    when the result or its network is not shipped. E.g. ``load_model("deletion", "plain20")``."""
    result = load(name)
    if result is None:
        return None
    runs = result["runs"]
    if run is not None and run not in runs:
        raise ValueError(f"result {name!r} has no run {run!r}; choose one of {', '.join(runs)}")
    record = runs[run] if run is not None else next(iter(runs.values()))
    network = record.get("network")
    if network is None or network not in pretrained.list_pretrained():
        return None
    return pretrained.build(network)


def test_set(result: dict, limit: int | None = None) -> data.ImageDataset:
    """The CIFAR-10 test images at the size ``result`` was trained on (all 10,000 unless
    ``limit``), e.g. to run the deletion test on a network from :func:`load_model`."""
    images = data.load("cifar10", train=False, limit=limit, verbose=False)
    return data.downsample(images, result["data"]["image_size"])


def not_shipped_message(name: str) -> str:
    """What a notebook prints when a result is not shipped: and the command that makes it."""
    folder = "$" + RESULTS_VARIABLE if os.environ.get(RESULTS_VARIABLE) else "lecturekit/results/"
    return (f"The paper-scale result {name!r} is not shipped with this copy of the course yet "
            f"(no {name}.json in {folder}). Make it on a GPU with: "
            f"python -m lecturekit reproduce {name} --device cuda")


from .pictures.results import (  # noqa: E402, F401
    fastest_rates,
    plot_activations,
    plot_degradation,
    plot_deletion,
    provenance,
)
