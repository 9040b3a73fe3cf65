"""The run environment: device, run profile, seeding, and the one-line `setup()`.

Every notebook's setup cell calls :func:`lecturekit.setup`, which seeds all random number
generators, picks the device and the run profile, configures matplotlib and prints one line
saying what it chose. The pieces are available on their own too.
"""

from __future__ import annotations

import os
import platform
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # torch is imported where it is used, so the grader's process never loads it
    import torch

PROFILE_VARIABLE = "LECTUREKIT_PROFILE"
DATA_VARIABLE = "LECTUREKIT_DATA"
CACHE_VARIABLE = "LECTUREKIT_CACHE"
SEED_VARIABLE = "LECTUREKIT_SEED"
_MISSING: Any = object()  # "not given" to Profile.choose (None is a value: the whole data set)


@dataclass(frozen=True)
class Profile:
    """How much compute a notebook may spend.

    * ``smoke``: seconds per notebook; used by the tests (nbval) and CI.
    * ``class``: about a minute per notebook on a laptop CPU; the committed outputs. The default
      without a CUDA GPU.
    * ``gpu``: about 5 minutes per notebook on Colab's T4 (about 1 minute on an H100), full data
      sets and the papers' widths where they fit. The default on a CUDA GPU.
    * ``full``: paper-scale reproductions (up to an hour or more per notebook on a T4); opt-in
      with ``LECTUREKIT_PROFILE=full``.

    ``train_limit``/``test_limit`` are the default subset sizes of data sets
    (``None`` means the whole set); a notebook can always pass its own.
    """

    name: str
    train_limit: int | None
    test_limit: int | None
    description: str

    def choose(self, *positional: Any, smoke: Any = _MISSING, class_: Any = _MISSING,
               gpu: Any = _MISSING, full: Any = _MISSING) -> Any:
        """Return the value for this profile, e.g. ``P.choose(smoke=1, class_=3, gpu=8, full=30)``.

        All four are keyword arguments and all four must be given: a value that sizes training
        says what it is in every profile, so that no profile silently inherits another's (the
        ``gpu`` profile, about 5 minutes per notebook on a T4, must not train for ``full``'s
        epochs). ``None`` is a value like any other (for data-set sizes: all images).
        """
        if positional:
            raise TypeError(f"P.choose takes keyword arguments only, got {len(positional)} positional "
                            "value(s); write P.choose(smoke=..., class_=..., gpu=..., full=...)")
        values = {"smoke": smoke, "class": class_, "gpu": gpu, "full": full}
        for name, value in values.items():
            if value is _MISSING:
                keyword = "class_" if name == "class" else name
                raise TypeError(f"P.choose needs {keyword}=, the value for the {name!r} profile "
                                f"(e.g. P.choose(smoke=1, class_=3, gpu=8, full=30)); it has no default")
        return values[self.name]


PROFILES: dict[str, Profile] = {
    "smoke": Profile("smoke", 2_000, 1_000, "seconds per notebook, for tests"),
    "class": Profile("class", None, None, "about a minute per notebook on a CPU"),
    "gpu": Profile("gpu", None, None,
                   "about 5 minutes per notebook on a T4 GPU, full data; "
                   "LECTUREKIT_PROFILE=full for paper scale"),
    "full": Profile("full", None, None, "paper-scale runs on a GPU"),
}


def device() -> torch.device:
    """The best available device: CUDA, then Apple MPS, then the CPU."""
    import torch

    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def profile(name: str | None = None) -> Profile:
    """The run profile: ``name`` if given, else ``$LECTUREKIT_PROFILE``, else ``gpu`` on a
    CUDA GPU and ``class`` everywhere else (``full`` is never chosen by default)."""
    chosen = name or os.environ.get(PROFILE_VARIABLE)
    if not chosen:
        import torch

        chosen = "gpu" if torch.cuda.is_available() else "class"
    chosen = chosen.strip().lower()
    if chosen not in PROFILES:
        raise ValueError(
            f"unknown profile {chosen!r} (from {PROFILE_VARIABLE} or the argument); "
            f"choose one of {', '.join(PROFILES)}"
        )
    return PROFILES[chosen]


def default_seed() -> int:
    """The course-wide seed: ``$LECTUREKIT_SEED`` (an integer), else 0.

    ``lk.setup()`` and ``lk.train.fit`` use it when no seed is passed, so every experiment can be
    re-run at another seed (``LECTUREKIT_SEED=1 python -m lecturekit execute ...``) to check that
    its lesson does not hang on one lucky seed.
    """
    text = os.environ.get(SEED_VARIABLE, "").strip()
    if not text:
        return 0
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{SEED_VARIABLE} must be an integer such as 0, 1 or 2, got {text!r}") from None


def seed_everything(seed: int = 0) -> int:
    """Seed Python's, NumPy's and torch's random number generators (all devices)."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return seed


def in_colab() -> bool:
    """True inside Google Colab."""
    return "google.colab" in sys.modules


def in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, Notebook, Colab, VS Code)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def repository_root() -> Path | None:
    """The source checkout this package was imported from, if it was (not a pip install)."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").exists() and (root / "notebooks").is_dir() else None


def notebooks_dir() -> Path:
    """The course's notebooks: ``notebooks/`` in the repository checkout, else ``./notebooks``."""
    root = repository_root()
    return root / "notebooks" if root is not None else Path("notebooks")


def data_dir() -> Path:
    """Where data sets live: ``$LECTUREKIT_DATA``, else ``data/`` in the repository checkout,
    else ``./data`` in the working directory (e.g. ``/content/data`` on Colab)."""
    if os.environ.get(DATA_VARIABLE):
        return Path(os.environ[DATA_VARIABLE]).expanduser()
    root = repository_root()
    return root / "data" if root is not None else Path.cwd() / "data"


def cache_dir() -> Path:
    """Where decoded data sets are cached: ``$LECTUREKIT_CACHE`` or ``~/.cache/lecturekit``."""
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "lecturekit"
    return Path(os.environ.get(CACHE_VARIABLE, default)).expanduser()


def configure_matplotlib() -> None:
    """Readable defaults for figures in notebooks and slides."""
    import matplotlib as mpl

    mpl.rcParams.update({
        "figure.figsize": (7.0, 3.6),
        "figure.dpi": 100,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 10,
    })


def describe(dev: torch.device, prof: Profile) -> str:
    """The one-line summary that :func:`setup` prints."""
    import torch

    from ._version import __version__

    if dev.type == "cuda":
        hardware = torch.cuda.get_device_name(dev)
    else:
        hardware = f"{torch.get_num_threads()} CPU threads"
    where = "Colab" if in_colab() else platform.system()
    return (
        f"lecturekit {__version__} | torch {torch.__version__} | Python {platform.python_version()}"
        f" | {where} | device {dev.type} ({hardware}) | profile {prof.name} ({prof.description})"
    )


def setup(seed: int | None = None, profile_name: str | None = None,
          quiet: bool = False) -> tuple[torch.device, Profile]:
    """Seed everything, pick device and profile, configure matplotlib, print one line.

    ``seed`` defaults to :func:`default_seed` (``$LECTUREKIT_SEED``, else 0). Returns
    ``(device, profile)`` so a notebook can write ``DEVICE, P = lk.setup()``.
    """
    seed_everything(default_seed() if seed is None else seed)
    dev, prof = device(), profile(profile_name)
    configure_matplotlib()
    if not quiet:
        print(describe(dev, prof))
    return dev, prof


def check() -> list[tuple[str, str, bool]]:
    """An environment check for notebook 00: each row is (what, value, looks fine)."""
    from importlib.metadata import PackageNotFoundError, version

    rows: list[tuple[str, str, bool]] = [
        ("Python", platform.python_version(), sys.version_info >= (3, 10))]
    for package in ("torch", "torchvision", "numpy", "matplotlib", "ipywidgets", "tqdm",
                    "scikit-learn"):
        try:
            rows.append((package, version(package), True))
        except PackageNotFoundError:
            rows.append((package, "missing", False))
    import torch

    dev = device()
    try:
        x = torch.randn(1, 3, 8, 8, device=dev)
        ok = torch.nn.functional.conv2d(x, torch.ones(2, 3, 3, 3, device=dev)).shape == (1, 2, 6, 6)
        rows.append((f"a convolution on {dev.type}", "runs", bool(ok)))
    except Exception as error:  # a broken driver should be reported, not crash the check
        rows.append((f"a convolution on {dev.type}", f"fails: {error}", False))
    root = data_dir()     # what is there, without importing lecturekit.data (which imports env)
    found = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    rows.append(("local data sets", ", ".join(found) or "none (downloads or fallbacks)", True))
    return rows
