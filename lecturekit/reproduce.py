"""Paper-scale results shipped with the course: ``python -m lecturekit reproduce NAME``.

The notebooks train at class scale (a minute on a CPU). Beside those runs they show the
papers' experiments at paper scale, trained once on a GPU by one command and shipped in
``results/``: every file states the command that made it, the device, the torch version, the
seed and the wall time, so anyone can make it again.

=============  ===========================================================================
name           what it trains (full CIFAR-10, the paper's widths unless told otherwise)
=============  ===========================================================================
``resnet20``   ResNet-20 (He et al. 2015, arXiv:1512.03385, Table 6: 8.75% test error,
               i.e. 91.25% accuracy) with the fast GPU recipe ``bench.RESNET20_GPU`` or the
               paper's recipe (``--recipe paper``); weights in ``results/weights/``.
``degradation``  plain-20/56 and ResNet-20/56 (the paper's Figure 1 and Figure 6): training
               error (eval mode, on a fixed clean subset of the training set) and test error
               after every epoch, with the paper's schedule shape (SGD 0.1, divided by 10 at
               50% and 75% of training, weight decay 1e-4, batch 128).
``deletion``   the trained ResNet-20 and plain-20 of notebook 14's unraveled-view test (Veit
               et al. 2016, arXiv:1605.06431, Figure 3), their weights, and the test accuracy
               with each block deleted.
``all``        the three above within one time budget (``--budget`` seconds of wall time).
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

import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import nn

from . import data, env, references, train
from ._version import __version__
from .bench import RESNET20_GPU
from .models.resnet import CIFAR_RECIPE, CifarResNet

RESULTS_VARIABLE = "LECTUREKIT_RESULTS"
#: He et al. 2015, Table 6: ResNet-20 on CIFAR-10, 8.75% test error (lecturekit.references).
PAPER_RESNET20_ACCURACY = 100 - references.CIFAR10_ERRORS["resnet20_cifar"].value
#: The paper's CIFAR-10 schedule (section 4.2): 64k iterations of batch 128 (164 epochs of
#: 50,000 images), learning rate 0.1 divided by 10 at 32k and 48k iterations.
PAPER_EPOCHS = 164
#: Training error is measured in eval mode on this many clean (unaugmented) training images.
TRAIN_EVAL_IMAGES = 10_000
WEIGHTS_LIMIT_BYTES = 3 * 1024 * 1024
NAMES = ("resnet20", "degradation", "deletion")
#: Shares of ``reproduce all --budget``: each run gets its share of the time still left.
BUDGET_SHARES = {"resnet20": 0.25, "deletion": 0.35, "degradation": 1.0}


def paper_recipe(epochs: int = PAPER_EPOCHS) -> dict[str, Any]:
    """He et al. 2015, section 4.2, for ``epochs`` epochs: SGD with momentum 0.9, weight decay
    1e-4, batch 128, learning rate 0.1 divided by 10 at 50% and 75% of training (32k and 48k of
    64k iterations in the paper), random crops and flips."""
    return dict(epochs=epochs, batch_size=128, optimizer="sgd", lr=0.1, momentum=0.9,
                weight_decay=1e-4, schedule="multistep",
                milestones=[max(1, epochs // 2), max(1, 3 * epochs // 4)], gamma=0.1,
                augment=True, channels_last=True)


def class_recipe(epochs: int = CIFAR_RECIPE["epochs"]) -> dict[str, Any]:
    """The zoo's CIFAR recipe (one-cycle SGD), for CPU-sized runs."""
    return dict(CIFAR_RECIPE, epochs=epochs)


def gpu_recipe(epochs: int = RESNET20_GPU["epochs"]) -> dict[str, Any]:
    """``bench.RESNET20_GPU``: batch 512, one-cycle SGD, label smoothing, mixed precision."""
    return dict(RESNET20_GPU, epochs=epochs)


RECIPES = {"gpu": gpu_recipe, "paper": paper_recipe, "class": class_recipe}


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
    output: Path = Path("results")
    require_real_data: bool = False
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
                                     ("--recipe", self.recipe, None)]:
            if value != default:
                parts += [flag, f"{value:g}" if isinstance(value, float) else str(value)]
        if str(self.output) != "results":
            parts += ["--output", str(self.output)]
        return shlex.join(parts)


# --------------------------------------------------------------------------- data and models
def downsample(images: data.ImageDataset, size: int) -> data.ImageDataset:
    """Images averaged down to ``size`` x ``size`` (area interpolation), still uint8."""
    if size == images.shape[-1]:
        return images
    small = F.interpolate(images.images.float(), size=(size, size), mode="area")
    return data.ImageDataset(small.round().clamp(0, 255).to(torch.uint8), images.labels,
                             images.classes, images.name, images.train,
                             f"{images.source}, averaged down to {size}x{size}", images.mean,
                             images.std, images.is_substitute)


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


def _epochs_that_fit(configs: list[dict], train_set, recipe: dict, settings: Settings,
                     seconds: float, eval_images: int, most: int,
                     least: int = 1) -> tuple[int, dict[str, float]]:
    """How many epochs of every network in ``configs`` fit in ``seconds``: each network trains
    two short epochs of a few batches (the second is timed), evaluation is counted as a third
    of a training step per image. Returns the epochs and each network's seconds per epoch."""
    batch = recipe["batch_size"]
    sample = train_set.subset(min(len(train_set), 8 * batch), seed=settings.seed)
    costs = {}
    for config in configs:
        torch.manual_seed(settings.seed)
        probe = dict(recipe, epochs=2, schedule="constant")
        probe.pop("milestones", None)
        history = train.fit(build(config), sample, device=settings.device, live_plot=False,
                            progress=False, **probe)
        per_image = (history.seconds[1] - history.seconds[0]) / len(sample)
        costs[config["name"]] = per_image * (len(train_set) + eval_images / 3)
    per_epoch = sum(costs.values())
    epochs = max(least, min(most, int(seconds / per_epoch)))
    print(f"  about {per_epoch:.1f} s per epoch of {len(configs)} network(s): {epochs} epochs "
          f"fit in {seconds:.0f} s", flush=True)
    return epochs, costs


def _epochs_and_guards(configs: list[dict], train_set, recipe: dict, settings: Settings,
                       eval_images: int, least: int = 1) -> tuple[int, dict[str, float | None]]:
    """The epochs to train every network for (``--epochs``, else as many as fit ``--budget``,
    at most the recipe's), and for each network the training seconds after which it stops
    (None without a budget; with ``--epochs`` and a budget, the whole budget; else its share of
    the budget as calibrated and half as much again, so a slow start is not cut short but a
    wrong estimate cannot overrun the budget by much)."""
    guards: dict[str, float | None] = {config["name"]: settings.left() for config in configs}
    if settings.budget is None or settings.epochs is not None:
        return settings.epochs or recipe["epochs"], guards
    # 10% of what is left stays for the deletion test, saving and slack
    epochs, costs = _epochs_that_fit(configs, train_set, recipe, settings, 0.9 * settings.left(),
                                     eval_images, most=recipe["epochs"], least=least)
    left, total = settings.left(), sum(costs.values())
    for config in configs:
        guards[config["name"]] = 1.5 * left * costs[config["name"]] / total
    return epochs, guards


def _recipe(name: str, settings: Settings, default: str) -> tuple[str, dict]:
    chosen = settings.recipe or default
    if chosen not in RECIPES:
        raise ValueError(f"unknown recipe {chosen!r}; choose one of {', '.join(RECIPES)}")
    recipe = RECIPES[chosen]()
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


def run_degradation(settings: Settings) -> dict:
    """Plain-20/56 and ResNet-20/56: the degradation problem and its cure."""
    chosen, recipe = _recipe("degradation", settings, "paper")
    train_set, test_set = cifar10(settings)
    train_eval = train_set.subset(min(len(train_set), TRAIN_EVAL_IMAGES), seed=settings.seed + 1)
    configs = [network(depth, residual, settings)
               for residual in (False, True) for depth in (20, 56)]
    epochs, guards = _epochs_and_guards(configs, train_set, recipe, settings,
                                        len(test_set) + len(train_eval), least=2)
    recipe = _with_epochs(recipe, epochs)
    runs = {}
    for config in configs:
        _, runs[config["name"]] = _train(config, train_set, test_set, recipe, settings,
                                         train_eval=train_eval, time_budget=guards[config["name"]])
    final = {name: {"train_error_percent": round(100 * run["final"]["train_error"], 2),
                    "test_error_percent": round(100 * run["final"]["test_error"], 2)}
             for name, run in runs.items()}
    return {"title": "Degradation: plain and residual networks of 20 and 56 layers on CIFAR-10",
            "recipe_name": chosen, "data": describe_data(train_set, test_set),
            "train_eval_images": len(train_eval), "runs": runs,
            "final": {**final,
                      "plain56_trains_worse_than_plain20":
                          final["plain56"]["train_error_percent"]
                          > final["plain20"]["train_error_percent"],
                      "resnet56_trains_better_than_resnet20":
                          final["resnet56"]["train_error_percent"]
                          < final["resnet20"]["train_error_percent"]}}


class DeletedBlock(nn.Module):
    """A block deleted at test time: only its shortcut remains (Veit et al. 2016, section 4).
    In a plain network there is no shortcut: the block's input passes on unchanged."""

    def __init__(self, block: nn.Module) -> None:
        super().__init__()
        self.shortcut = block.shortcut if block.has_shortcut else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x if self.shortcut is None else self.shortcut(x))


def blocks(model: CifarResNet) -> list[tuple[str, int]]:
    """Every block of a CIFAR ResNet as (stage, index): 9 for the 20-layer networks."""
    return [(stage, i) for stage in ("stage1", "stage2", "stage3")
            for i in range(len(getattr(model, stage)))]


def without_block(model: CifarResNet, stage: str, index: int) -> CifarResNet | None:
    """A copy of ``model`` with one block deleted, or None where it cannot be (a plain block
    that changes the shape of its input has nothing to fall back on)."""
    block = getattr(model, stage)[index]
    if not block.has_shortcut and (block.conv1.stride[0] > 1
                                   or block.conv1.in_channels != block.conv2.out_channels):
        return None
    damaged = copy.deepcopy(model)
    getattr(damaged, stage)[index] = DeletedBlock(block)
    return damaged


def deletion_accuracies(model: CifarResNet, test_set, device: torch.device) -> list[float | None]:
    """Test accuracy with each block deleted in turn (None: the block cannot be deleted)."""
    accuracies = []
    for stage, index in blocks(model):
        damaged = without_block(model, stage, index)
        accuracies.append(None if damaged is None
                          else train.evaluate(damaged.to(device), test_set, device=device).accuracy)
    return accuracies


def run_deletion(settings: Settings) -> dict:
    """The trained ResNet-20 and plain-20 of the deletion test, and the test itself."""
    default = "gpu" if settings.device.type == "cuda" else "class"
    chosen, recipe = _recipe("deletion", settings, default)
    train_set, test_set = cifar10(settings)
    configs = [network(20, True, settings), network(20, False, settings)]
    epochs, guards = _epochs_and_guards(configs, train_set, recipe, settings, len(test_set))
    recipe = _with_epochs(recipe, epochs)
    runs = {}
    for config in configs:
        model, record = _train(config, train_set, test_set, recipe, settings,
                               time_budget=guards[config["name"]])
        model.to(settings.device)
        record["intact_accuracy"] = train.evaluate(model, test_set, device=settings.device).accuracy
        record["blocks"] = [f"{stage}.{index}" for stage, index in blocks(model)]
        record["deleted_accuracy"] = deletion_accuracies(model, test_set, settings.device)
        weights = Path("weights") / f"deletion-{config['name']}.pt"
        record["weights"] = str(weights)
        save_weights(model, settings.output / weights)
        runs[config["name"]] = record
    return {"title": "Deleting single blocks of a trained ResNet-20 and plain-20 "
                     "(Veit et al. 2016, Figure 3)",
            "recipe_name": chosen, "data": describe_data(train_set, test_set), "runs": runs,
            "final": {name: {"intact_accuracy_percent": round(100 * run["intact_accuracy"], 2),
                             "worst_deleted_accuracy_percent": round(100 * min(
                                 a for a in run["deleted_accuracy"] if a is not None), 2)}
                      for name, run in runs.items()}}


REPRODUCTIONS = {"resnet20": run_resnet20, "degradation": run_degradation,
                 "deletion": run_deletion}


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
    for name in ("resnet20", "deletion", "degradation"):
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
    """Where shipped results live: ``$LECTUREKIT_RESULTS``, else ``results/`` in the repository
    checkout, else ``./results`` in the working directory."""
    if os.environ.get(RESULTS_VARIABLE):
        return Path(os.environ[RESULTS_VARIABLE]).expanduser()
    root = env.repository_root()
    return root / "results" if root is not None else Path.cwd() / "results"


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
    """Load the shipped weights of ``run`` (default: the result's only, or first, run) into
    ``model``; return False, leaving the model as it is, when they are not shipped."""
    result = load(name)
    if result is None:
        return False
    runs = result["runs"]
    record = runs[run] if run is not None else next(iter(runs.values()))
    path = results_dir() / record.get("weights", "")
    if "weights" not in record or not path.is_file():
        return False
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return True


def load_model(name: str, run: str | None = None) -> nn.Module | None:
    """The trained network of a shipped result, built as it was trained, in eval mode; None
    when the result or its weights are not shipped. E.g. ``load_model("deletion", "plain20")``."""
    result = load(name)
    if result is None:
        return None
    runs = result["runs"]
    if run is not None and run not in runs:
        raise ValueError(f"result {name!r} has no run {run!r}; choose one of {', '.join(runs)}")
    record = runs[run] if run is not None else next(iter(runs.values()))
    model = build(record["model"])
    return model.eval() if load_weights(name, model, run) else None


def test_set(result: dict, limit: int | None = None) -> data.ImageDataset:
    """The CIFAR-10 test images at the size ``result`` was trained on (all 10,000 unless
    ``limit``), e.g. to run the deletion test on a network from :func:`load_model`."""
    images = data.load("cifar10", train=False, limit=limit, verbose=False)
    return downsample(images, result["data"]["image_size"])


def not_shipped_message(name: str) -> str:
    """What a notebook prints when a result is not shipped: and the command that makes it."""
    folder = "$" + RESULTS_VARIABLE if os.environ.get(RESULTS_VARIABLE) else "results/"
    return (f"The paper-scale result {name!r} is not shipped with this copy of the course yet "
            f"(no {name}.json in {folder}). Make it on a GPU with: "
            f"python -m lecturekit reproduce {name} --device cuda")


def provenance(result: dict) -> str:
    """One line for a figure's label: what was trained, where, how long, and the command."""
    data_line = result["data"]
    epochs = max(run["final"]["epochs"] for run in result["runs"].values())
    substitute = " (SUBSTITUTE data, not CIFAR-10)" if data_line["substitute"] else ""
    widths = sorted({run["model"]["width"] for run in result["runs"].values()})
    width = "" if widths == [16] else f", width {'/'.join(map(str, widths))} (the paper: 16)"
    return (f"{data_line['train_images']:,} CIFAR-10 images{substitute} at "
            f"{data_line['image_size']}x{data_line['image_size']}{width}, {epochs} epochs on "
            f"{result['device_name']}, {result['wall_seconds'] / 60:.1f} min, "
            f"{result['started_utc'][:10]} (`{result['command']}`)")


def plot_degradation(result: dict, title: str | None = None) -> Figure:
    """The degradation result drawn like He et al. (2015), Figures 1 and 6: plain networks on
    the left, ResNets on the right; dashed: training error (eval mode), solid: test error."""
    figure = Figure(figsize=(10, 3.8), layout="constrained")
    axes = figure.subplots(1, 2, sharey=True)
    colors = {20: "C1", 56: "C3"}
    highest = 0.0
    for ax, residual, heading in ((axes[0], False, "plain networks"), (axes[1], True, "ResNets")):
        for run in result["runs"].values():
            if run["model"]["residual"] != residual:
                continue
            history, depth = run["history"], run["model"]["depth"]
            train_error = [100 * e for e in history["train_error"]]
            test_error = [100 * e for e in history["test_error"]]
            highest = max(highest, *train_error[len(train_error) // 4:],
                          *test_error[len(test_error) // 4:])
            ax.plot(history["epoch"], train_error, "--", color=colors.get(depth), lw=1,
                    label=f"{run['label']} training")
            ax.plot(history["epoch"], test_error, "-", color=colors.get(depth), lw=2,
                    label=f"{run['label']} test")
        ax.set(xlabel="epoch", title=heading)
        ax.legend(fontsize=8)
    axes[0].set_ylabel("error (%)")
    axes[0].set_ylim(0, min(100, math.ceil(1.1 * highest / 5) * 5))
    figure.suptitle(title or "After He et al. (2015), Figures 1 and 6: dashed = training error, "
                             "solid = test error", fontsize=10)
    figure.text(0.5, -0.02, provenance(result), ha="center", va="top", fontsize=7, wrap=True)
    return figure


def plot_deletion(result: dict) -> Figure:
    """The deletion result drawn like Veit et al. (2016), Figure 3: test accuracy with one
    block deleted, for the ResNet and the plain network, against the intact networks."""
    figure = Figure(figsize=(8.5, 3.6), layout="constrained")
    ax = figure.subplots()
    for (offset, color), (_, run) in zip(((-0.2, "C0"), (0.2, "C1")), result["runs"].items()):
        values = run["deleted_accuracy"]
        xs = [i + 1 + offset for i, v in enumerate(values) if v is not None]
        ax.bar(xs, [100 * v for v in values if v is not None], width=0.4, color=color,
               label=f"{run['label']}, one block deleted")
        ax.axhline(100 * run["intact_accuracy"], color=color, linestyle="--", lw=1,
                   label=f"{run['label']}, intact")
    ax.axhline(10, color="0.5", lw=0.8, linestyle=":", label="chance")
    first = next(iter(result["runs"].values()))
    ax.set_xticks(range(1, len(first["blocks"]) + 1))
    ax.set(xlabel=f"deleted block (1-{len(first['blocks'])})", ylabel="test accuracy (%)",
           title="After Veit et al. (2016), Figure 3", ylim=(0, 100))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    figure.text(0.5, -0.02, provenance(result), ha="center", va="top", fontsize=7, wrap=True)
    return figure
