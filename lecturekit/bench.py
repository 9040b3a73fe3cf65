"""Benchmarks: ``python -m lecturekit bench`` (``make bench``) prints a table of figures,
each with the command that reproduces it, and writes it to a markdown file.

Benchmarks print; they never fail. Targets are the issue's ceilings, not the aim.

The file is written whole by one run; a run of some benchmarks (``--only notebooks``) replaces
the rows it measured and keeps the others, each row with the date it was measured. Notebook
times are given as measured and scaled to a reference machine by ResNet-20's training
throughput (:func:`scaled_seconds`), so a budget set on one machine can be judged on another.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F

from . import data, env, models, recipes, train


@dataclass
class Figure:
    name: str
    value: str
    target: str
    command: str
    date: str = field(default_factory=lambda: time.strftime("%Y-%m-%d"))


#: The slowest machine the course was measured on: an idle 2-core AMD EPYC with AVX2 only,
#: training ResNet-20 (32x32, batch 128, channels_last, plain torch) at this many images/s.
REFERENCE_IMAGES_PER_SECOND = 263
#: The class-profile budget of one notebook on the machine that made the outputs, and the
#: factor slower CPUs may take on top (the developers' guide).
NOTEBOOK_BUDGET_SECONDS = 75
SLOWER_MACHINE_FACTOR = 1.4


def scaled_seconds(seconds: float, images_per_second: float,
                   reference: float = REFERENCE_IMAGES_PER_SECOND) -> float:
    """``seconds`` measured on a machine that trains ResNet-20 at ``images_per_second``, as
    they would be on the reference machine, if the whole time scaled like training does (an
    upper bound: plotting and counting scale less)."""
    if images_per_second <= 0 or reference <= 0:
        raise ValueError(f"images_per_second={images_per_second!r} and reference={reference!r} "
                         "must be positive throughputs")
    return seconds * images_per_second / reference


def training_throughput(steps: int = 12, warmup: int = 3, batch_size: int = 128) -> float:
    """This machine's ResNet-20 training throughput (images/s) as the reference was measured:
    32x32 inputs, batch 128, channels_last, SGD, plain torch, random data."""
    torch.manual_seed(0)
    model = models.create("resnet20_cifar").to(memory_format=torch.channels_last).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(batch_size, 3, 32, 32).to(memory_format=torch.channels_last)
    y = torch.randint(10, (batch_size,))
    for step in range(warmup + steps):
        if step == warmup:
            start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        optimizer.step()
    return steps * batch_size / (time.perf_counter() - start)


def _seconds(function: Callable[[], object], repeat: int = 5) -> float:
    function()
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat


def _mnist32(limit: int | None = None):
    return (data.load("mnist", train=True, limit=limit, image_size=32, verbose=False),
            data.load("mnist", train=False, limit=None, image_size=32, verbose=False))


def lenet(name: str, target_accuracy: float) -> list[Figure]:
    """Train a LeNet-5 on full MNIST with its registered recipe."""
    train_set, test_set = _mnist32()
    torch.manual_seed(0)
    history = train.fit(models.create(name), train_set, test_set, progress=False,
                        live_plot=False, **models.entry(name).recipe)
    command = f"python -m lecturekit train {name} --dataset mnist"
    source = "" if not train_set.is_substitute else " (substitute data!)"
    return [Figure(f"{name} on MNIST: test accuracy{source}",
                   f"{100 * history.final_test_accuracy:.2f}%", f">= {target_accuracy}%", command),
            Figure(f"{name} on MNIST: training time", f"{history.train_seconds:.1f} s",
                   "<= 60 s", command)]


#: ResNet-20 on CIFAR-10: a few epochs on a CPU on this many images; on a GPU the recipe aimed at
#: the paper's 91.25% in at most 60 s (``recipes.RESNET20_GPU``) on all 50,000.
RESNET20_CLASS_IMAGES = 20_000


def resnet20() -> list[Figure]:
    """Train the CIFAR-10 ResNet-20: on a CPU the class recipe on 20,000 images, on a GPU the
    GPU recipe on all 50,000; tested on all 10,000 test images."""
    on_gpu = env.device().type == "cuda"
    train_set = data.load("cifar10", train=True, verbose=False,
                          limit=None if on_gpu else RESNET20_CLASS_IMAGES)
    test_set = data.load("cifar10", train=False, verbose=False)
    recipe = recipes.RESNET20_GPU if on_gpu else recipes.RESNET20_BENCH_CPU
    torch.manual_seed(0)
    history = train.fit(models.create("resnet20_cifar"), train_set, test_set, progress=False,
                        live_plot=False, **recipe)
    images = len(train_set) * len(history.epoch)
    label = (f"ResNet-20 on CIFAR-10, {len(history.epoch)} epochs on {len(train_set):,} images "
             f"({'GPU' if on_gpu else 'CPU, class'} recipe)")
    source = "" if not train_set.is_substitute else " (substitute data!)"
    command = "python -m lecturekit bench --only resnet20"
    return [Figure(f"{label}: test accuracy{source}", f"{100 * history.final_test_accuracy:.2f}%",
                   ">= 91.25% on a GPU (paper)" if on_gpu else "", command),
            Figure(f"{label}: training time", f"{history.train_seconds:.0f} s "
                   f"({images / history.train_seconds:,.0f} images/s)",
                   "<= 60 s on one H100-class GPU" if on_gpu else "", command)]


def fit_overhead() -> list[Figure]:
    """fit() (progress bar on) against a bare PyTorch loop: same model, data, recipe, epochs."""
    train_set, _ = _mnist32(limit=20_000)
    recipe = dict(models.entry("lenet5").recipe, epochs=2)
    device = env.device()

    def bare() -> None:
        torch.manual_seed(0)
        model = models.create("lenet5").to(device).to(memory_format=torch.channels_last)
        loader = data.Loader(train_set, recipe["batch_size"], shuffle=True, device=device,
                             channels_last=True)
        opt = torch.optim.AdamW(model.parameters(), lr=recipe["lr"],
                                weight_decay=recipe["weight_decay"])
        schedule = torch.optim.lr_scheduler.OneCycleLR(opt, recipe["lr"],
                                                       total_steps=recipe["epochs"] * len(loader))
        for _ in range(recipe["epochs"]):
            for x, y in loader:
                loss = F.cross_entropy(model(x), y)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                schedule.step()

    def with_fit() -> None:
        torch.manual_seed(0)
        train.fit(models.create("lenet5"), train_set, progress=True, live_plot=False, **recipe)

    bare_seconds = _seconds(bare, repeat=2)
    fit_seconds = _seconds(with_fit, repeat=2)
    return [Figure("fit() / bare PyTorch loop (LeNet-5, 20k MNIST, 2 epochs)",
                   f"{fit_seconds / bare_seconds:.2f}x ({fit_seconds:.1f} s vs {bare_seconds:.1f} s)",
                   "close to 1", "python -m lecturekit bench --only fit")]


def conv2d_ratio() -> list[Figure]:
    """lecturekit's im2col conv2d forward against F.conv2d on a typical layer."""
    from .layers import conv2d

    x, w, b = torch.randn(32, 64, 32, 32), torch.randn(64, 64, 3, 3), torch.randn(64)
    ours = _seconds(lambda: conv2d(x, w, b, padding=1))
    theirs = _seconds(lambda: F.conv2d(x, w, b, padding=1))
    return [Figure("conv2d (im2col) / F.conv2d forward, 64->64, 3x3, 32x32, batch 32",
                   f"{ours / theirs:.2f}x ({1000 * ours:.0f} ms vs {1000 * theirs:.0f} ms)",
                   "<= 3x", "python -m lecturekit bench --only conv2d")]


def loader_ratio() -> list[Figure]:
    """The device-resident Loader against a DataLoader with per-image transforms, one epoch of
    CIFAR-10-sized data with random crop + flip + normalization, no model."""
    from torchvision.transforms import v2

    cifar = data.load("cifar10", train=True, limit=None, verbose=False)
    transform = v2.Compose([v2.RandomCrop(32, padding=4), v2.RandomHorizontalFlip(),
                            v2.ToDtype(torch.float32, scale=True),
                            v2.Normalize(cifar.mean, cifar.std)])

    class PerImage(torch.utils.data.Dataset):
        def __len__(self):
            return len(cifar)

        def __getitem__(self, i):
            return transform(cifar.images[i]), cifar.labels[i]

    def epoch(batches) -> None:
        for x, _ in batches:
            x.sum()

    fast = _seconds(lambda: epoch(data.Loader(cifar, 128, shuffle=True, augment=True,
                                              device=env.device())), repeat=2)
    slow = _seconds(lambda: epoch(torch.utils.data.DataLoader(
        PerImage(), 128, shuffle=True, num_workers=2, persistent_workers=False)), repeat=1)
    n = len(cifar)
    return [Figure(f"fast Loader / DataLoader (2 workers, per-image v2 transforms), {n:,} images",
                   f"{slow / fast:.1f}x faster ({n / fast:,.0f} vs {n / slow:,.0f} images/s)",
                   "much faster", "python -m lecturekit bench --only loader")]


def notebooks() -> list[Figure]:
    """Execution time of every notebook in the class profile, and of the nbval run (smoke)."""
    from .kernels import execute_notebook

    root = env.repository_root()
    if root is None:
        return []
    rate = training_throughput()
    figures = [Figure("ResNet-20 training throughput (32x32, batch 128, channels_last)",
                      f"{rate:,.0f} images/s ({rate / REFERENCE_IMAGES_PER_SECOND:.2f}x the "
                      f"reference's {REFERENCE_IMAGES_PER_SECOND})", "",
                      "python -m lecturekit bench --only notebooks")]
    with tempfile.TemporaryDirectory() as folder:
        for path in sorted(env.notebooks_dir().glob("*.ipynb")):
            copy = Path(folder) / path.name
            copy.write_bytes(path.read_bytes())
            seconds = execute_notebook(copy)
            figures.append(notebook_figure(path.name, seconds, rate))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "notebooks"], cwd=root,
                          capture_output=True, env={**os.environ, "LECTUREKIT_PROFILE": "smoke",
                                                    "LECTUREKIT_NO_PROGRESS": "1"})
    figures.append(nbval_figure(time.perf_counter() - start, done.returncode))
    return figures


def notebook_figure(name: str, seconds: float, images_per_second: float) -> Figure:
    """A notebook's class-profile time: measured here, and scaled to the reference machine."""
    scaled = scaled_seconds(seconds, images_per_second)
    within = "within" if seconds <= NOTEBOOK_BUDGET_SECONDS else "OVER"
    return Figure(f"notebook {name}, class profile",
                  f"{seconds:.0f} s here ({within} budget); {scaled:.0f} s scaled to the reference",
                  f"<= {NOTEBOOK_BUDGET_SECONDS} s here; slower CPUs up to "
                  f"{SLOWER_MACHINE_FACTOR:g}x", f"python -m lecturekit execute notebooks/{name}")


def nbval_figure(seconds: float, returncode: int) -> Figure:
    """The nbval run of every notebook (smoke profile): its time, or that it failed."""
    value = (f"{seconds:.0f} s" if returncode == 0
             else f"FAILED (pytest exit code {returncode}) after {seconds:.0f} s")
    return Figure("all notebooks under nbval, smoke profile", value, "passes", "make notebooks")


#: The T4's peak single-precision rate is 8.1 TFLOPS (NVIDIA T4 Tensor Core GPU datasheet,
#: 2019); small CIFAR networks in eager PyTorch reach a fraction of it. We assume 1.5 TFLOP/s
#: (ResNet-20 training at about 6,000 images/s, 0.25 GFLOP an image forward and backward) plus
#: 4 ms an optimizer step (kernel launches and Python: what bounds the small networks), so the
#: minutes below estimate the arithmetic; they are not a measurement on a T4.
T4_PEAK_FLOPS = 8.1e12
T4_ASSUMED_FLOPS = 1.5e12
T4_ASSUMED_SECONDS_PER_STEP = 0.004
GPU_NOTEBOOK_MINUTES = 5

_COUNT_START = """import torch.utils.flop_counter
from torch.optim.optimizer import register_optimizer_step_post_hook
_dry_run_counter = torch.utils.flop_counter.FlopCounterMode(display=False)
_dry_run_counter.__enter__()
_dry_run_steps = []
register_optimizer_step_post_hook(lambda *_: _dry_run_steps.append(1))"""
_COUNT_END = """import json, lecturekit.train
_dry_run_counter.__exit__(None, None, None)
print("DRY-RUN " + json.dumps({"executed": _dry_run_counter.get_total_flops(),
                               "executed_steps": len(_dry_run_steps),
                               **vars(lecturekit.train.COMPUTE)}))"""


def count_notebook(path: Path, timeout: int = 3600) -> dict:
    """Execute a copy of notebook ``path`` in the ``gpu`` profile with ``fit`` in dry-run mode
    (:data:`lecturekit.train.DRY_RUN_VARIABLE`) and everything else run for real under
    ``torch.utils.flop_counter``: the floating-point operations it would do on a GPU."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(_COUNT_START))
    notebook.cells.append(nbformat.v4.new_code_cell(_COUNT_END))
    saved = dict(os.environ)
    os.environ.update({env.PROFILE_VARIABLE: "gpu", train.DRY_RUN_VARIABLE: "1",
                       "LECTUREKIT_NO_PROGRESS": "1", "MPLBACKEND": "agg"})
    start, died = time.perf_counter(), []
    try:
        NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except Exception as error:    # a kernel that died counts as nothing counted, not a crash
        died.append(type(error).__name__)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    counted = {"errors": died, "seconds": time.perf_counter() - start}
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and cell.source != _COUNT_END:
                # the notebook's own cell number (the counting cell 0 is not the notebook's)
                counted["errors"].append(f"{output.get('ename', 'error')} in cell {index - 1}: "
                                         f"{output.get('evalue', '')[:120]}")
            if output.get("name") == "stdout" and "DRY-RUN " in output.get("text", ""):
                line = output["text"].split("DRY-RUN ", 1)[1].splitlines()[0]
                counted.update(json.loads(line))
    return counted


def t4_minutes(flops: float, steps: int) -> float:
    """The minutes a T4 would take for ``flops`` in ``steps`` optimizer steps, by the assumed
    rates above (arithmetic plus a fixed cost per step)."""
    return (flops / T4_ASSUMED_FLOPS + steps * T4_ASSUMED_SECONDS_PER_STEP) / 60


def gpu_compute_figure(name: str, counted: dict) -> Figure:
    """One notebook's ``gpu``-profile compute and the T4 minutes it implies."""
    if "flops" not in counted:
        return Figure(f"notebook {name}, gpu profile compute", "FAILED: nothing counted",
                      f"<= {GPU_NOTEBOOK_MINUTES} T4 min", "make gpu-compute")
    total = counted["flops"] + counted["executed"]
    steps = counted["train_steps"] + counted["executed_steps"]
    minutes = t4_minutes(total, steps)
    failed = len(counted["errors"])
    errors = f"; {failed} cell{'s' * (failed != 1)} failed in the dry run" if failed else ""
    value = (f"{total / 1e12:,.1f} TFLOP, {steps:,} steps ({counted['train_images']:,} images "
             f"in {counted['fits']} fit calls; {counted['executed'] / 1e12:,.1f} TFLOP and "
             f"{counted['executed_steps']:,} steps outside fit): {minutes:.1f} T4 min{errors}")
    return Figure(f"notebook {name}, gpu profile compute", value,
                  f"about {GPU_NOTEBOOK_MINUTES} T4 min (at {T4_ASSUMED_FLOPS / 1e12:g} TFLOP/s "
                  f"and {1000 * T4_ASSUMED_SECONDS_PER_STEP:g} ms a step)",
                  "python -m lecturekit bench --only gpu-compute")


def gpu_compute() -> list[Figure]:
    """Every notebook's training compute in the ``gpu`` profile, counted without a GPU."""
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        for path in sorted(env.notebooks_dir().glob("*.ipynb")):
            copy = Path(folder) / path.name
            copy.write_bytes(path.read_bytes())
            counted = count_notebook(copy)
            if "flops" not in counted:            # once more: a kernel can die of a neighbour
                counted = count_notebook(copy)
            print(f"  {path.name}: {counted}", flush=True)
            figures.append(gpu_compute_figure(path.name, counted))
    return figures


BENCHMARKS: dict[str, Callable[[], list[Figure]]] = {
    "lenet5": lambda: lenet("lenet5", 99.0),
    "lenet5_1998": lambda: lenet("lenet5_1998", 98.5),
    "resnet20": resnet20,
    "fit": fit_overhead,
    "conv2d": conv2d_ratio,
    "loader": loader_ratio,
    "notebooks": notebooks,
    "gpu-compute": gpu_compute,
}


HEADER = "| benchmark | measured | target | date | reproduce with |"


def table(figures: list[Figure]) -> str:
    rows = [HEADER, "|---|---|---|---|---|"]
    rows += [f"| {f.name} | {f.value} | {f.target} | {f.date} | `{f.command}` |" for f in figures]
    return "\n".join(rows)


def read_table(text: str) -> list[Figure]:
    """The rows of a benchmark file written by :func:`table` (an older file without dates, or
    another file, gives none: a fresh file is written)."""
    lines = text.splitlines()
    if HEADER not in lines:
        return []
    figures = []
    for line in lines[lines.index(HEADER) + 2:]:
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if not line.startswith("|") or len(cells) != 5:
            break
        name, value, target, date, command = cells
        figures.append(Figure(name, value, target, command.strip("`"), date))
    return figures


def merge(old: list[Figure], new: list[Figure]) -> list[Figure]:
    """The rows of the last full run with those measured now put in their place (new rows,
    of benchmarks added since, at the end); each keeps the date it was measured."""
    fresh = {f.name: f for f in new}
    merged = [fresh.pop(f.name, f) for f in old]
    return merged + list(fresh.values())


def run(only: list[str] | None = None, output: Path | None = None) -> str:
    os.environ["LECTUREKIT_NO_PROGRESS"] = "1"
    dev = env.device()
    machine = (torch.cuda.get_device_name(dev) if dev.type == "cuda"
               else f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    figures: list[Figure] = []
    for name, benchmark in BENCHMARKS.items():
        if only and name not in only:
            continue
        print(f"running {name} ...", flush=True)
        figures += benchmark()
    if only and output is not None and output.exists():
        figures = merge(read_table(output.read_text()), figures)
    what = "These rows were" if not only else f"The last run ({', '.join(only)}) was"
    text = (f"# Benchmarks\n\n{what} measured on {dev.type} ({machine}), torch "
            f"{torch.__version__}, {time.strftime('%Y-%m-%d')}; each row gives its date. Written "
            f"by `make bench` (`make bench BENCH_ARGS=\"--only notebooks\"` re-measures some rows "
            f"and keeps the others).\n\n{table(figures)}\n")
    print(text)
    if output is not None:
        output.write_text(text)
    return text
