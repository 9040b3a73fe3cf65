"""Data sets (MNIST, Fashion-MNIST, CIFAR-10) and a fast in-memory loader.

``load(name)`` looks for the data in this order:

1. a local copy in the data directory (``$LECTUREKIT_DATA``, else ``data/`` in the
   repository): torchvision's own layout (``MNIST/raw``, ``FashionMNIST/raw``,
   ``cifar-10-batches-py``) or an image-folder layout (``<name>/train/<class>/*.png``);
2. torchvision's download into the data directory (skipped at once when offline);
3. a small *real* fallback that ships with an installed package, clearly announced:
   scikit-learn's 1,797 handwritten digits for MNIST, and for CIFAR-10 a synthetic
   10-class set of coloured shapes.

Decoded images are cached as one tensor file, so the second load takes a fraction of a
second. Images stay ``uint8`` until a batch is made; :class:`Loader` slices batches from
tensors already on the training device and augments them with batched tensor operations.
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from . import _validate as check
from . import env

# --------------------------------------------------------------------------- the data sets
MNIST_CLASSES = [str(i) for i in range(10)]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                   "Sneaker", "Bag", "Ankle boot"]
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                   "ship", "truck"]


@dataclass(frozen=True)
class Spec:
    name: str
    torchvision_class: str
    torchvision_folder: str
    classes: list[str]
    shape: tuple[int, int, int]
    mean: tuple[float, ...]
    std: tuple[float, ...]
    download_host: str


SPECS: dict[str, Spec] = {
    "mnist": Spec("mnist", "MNIST", "MNIST", MNIST_CLASSES, (1, 28, 28), (0.1307,), (0.3081,),
                  "ossci-datasets.s3.amazonaws.com"),
    "fashion_mnist": Spec("fashion_mnist", "FashionMNIST", "FashionMNIST", FASHION_CLASSES,
                          (1, 28, 28), (0.2860,), (0.3530,),
                          "fashion-mnist.s3-website.eu-central-1.amazonaws.com"),
    "cifar10": Spec("cifar10", "CIFAR10", "cifar-10-batches-py", CIFAR10_CLASSES, (3, 32, 32),
                    (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616), "www.cs.toronto.edu"),
}
#: other spellings accepted for the image-folder layout
FOLDER_ALIASES = {"mnist": ["mnist", "MNIST"],
                  "fashion_mnist": ["fashion_mnist", "fashion-mnist", "FashionMNIST"],
                  "cifar10": ["cifar10", "cifar-10", "CIFAR10", "CIFAR-10"]}


def names() -> list[str]:
    """The data sets :func:`load` knows."""
    return list(SPECS)


def spec(name: str) -> Spec:
    key = name.lower().replace("-", "_") if isinstance(name, str) else name
    return SPECS[check.choice(key, SPECS, "name", "data set")]


class ImageDataset(torch.utils.data.Dataset):
    """Images as one ``uint8`` tensor ``(N, C, H, W)`` plus labels.

    Indexing returns ``(normalized float image, label)``, so the set also works with a
    :class:`torch.utils.data.DataLoader`; :class:`Loader` is the fast path.
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, classes: list[str], name: str,
                 train: bool, source: str, mean: tuple[float, ...], std: tuple[float, ...],
                 is_substitute: bool = False) -> None:
        if images.dtype != torch.uint8 or images.dim() != 4:
            raise ValueError("images must be a uint8 tensor of shape (N, C, H, W)")
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        self.images, self.labels = images, labels.long()
        self.classes, self.name, self.train = classes, name, train
        self.source, self.mean, self.std = source, mean, std
        self.is_substitute = is_substitute

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return normalize(self.images[index:index + 1], self.mean, self.std)[0], int(self.labels[index])

    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(self.images.shape[1:])

    def tensors(self) -> tuple[torch.Tensor, torch.Tensor]:
        """All images as one normalized float tensor (N, C, H, W), and the labels."""
        return normalize(self.images, self.mean, self.std), self.labels

    def subset(self, size: int | None, seed: int = 0) -> ImageDataset:
        """A random subset of ``size`` images (the same for the same seed); all if None."""
        check.integer(size, "size", 1, none_ok=True)
        check.integer(seed, "seed")
        if size is None or size >= len(self):
            return self
        index = torch.randperm(len(self), generator=torch.Generator().manual_seed(seed))[:size]
        index = index.sort().values
        return ImageDataset(self.images[index], self.labels[index], self.classes, self.name,
                            self.train, self.source, self.mean, self.std, self.is_substitute)

    def __repr__(self) -> str:
        split = "train" if self.train else "test"
        c, h, w = self.shape
        return (f"ImageDataset({self.name} {split}: {len(self):,} images {c}x{h}x{w}, "
                f"{len(self.classes)} classes, from {self.source})")


def normalize(images: torch.Tensor, mean, std) -> torch.Tensor:
    """uint8 images -> float, scaled to [0, 1], then standardized per channel."""
    x = images.float().div_(255)
    mean = torch.as_tensor(mean, device=x.device).view(1, -1, 1, 1)
    std = torch.as_tensor(std, device=x.device).view(1, -1, 1, 1)
    return (x - mean) / std


# --------------------------------------------------------------------------- loading
def load(name: str, train: bool = True, limit: int | None = ..., image_size: int | None = None,
         download: bool = True, seed: int = 0, verbose: bool = True) -> ImageDataset:
    """Load a data set (see the module docstring for where it comes from).

    ``limit`` keeps a random subset of that many images; by default the run profile's
    ``train_limit``/``test_limit`` (``None`` = all). ``image_size`` zero-pads the images to a
    larger square, e.g. MNIST's 28x28 to LeNet-5's 32x32.
    """
    info = spec(name)
    train, download = check.flag(train, "train"), check.flag(download, "download")
    if limit is not ... and limit is not None:
        check.integer(limit, "limit", 1)
    if image_size is not None:
        check.integer(image_size, "image_size", 1)
    seed = check.integer(seed, "seed")
    if limit is ...:
        prof = env.profile()
        limit = prof.train_limit if train else prof.test_limit
    data = _load_full(info, train, download)
    data = data.subset(limit, seed)
    if image_size is not None:
        data = pad_to(data, image_size)
    if verbose:
        print(_describe(data))
    return data


def downsample(images: ImageDataset, size: int) -> ImageDataset:
    """The images averaged down to ``size`` x ``size`` (area interpolation: each pixel the mean
    of the block it replaces), still uint8; the same set if it is that size already."""
    size = check.integer(size, "size", 1)
    if size == images.shape[-1]:
        return images
    small = F.interpolate(images.images.float(), size=(size, size), mode="area")
    return ImageDataset(small.round().clamp(0, 255).to(torch.uint8), images.labels,
                        images.classes, images.name, images.train,
                        f"{images.source}, averaged down to {size}x{size}", images.mean,
                        images.std, images.is_substitute)


def _describe(data: ImageDataset) -> str:
    split = "train" if data.train else "test"
    c, h, w = data.shape
    line = f"{data.name} {split}: {len(data):,} images {c}x{h}x{w} from {data.source}"
    if data.is_substitute:
        line += (f". NOT the real {data.name}: to use it, connect to the internet, or copy it "
                 f"into {env.DATA_VARIABLE} (default: data/ in the repository)")
    return line


def pad_to(data: ImageDataset, image_size: int) -> ImageDataset:
    """Zero-pad images symmetrically to ``image_size`` x ``image_size``."""
    _, h, w = data.shape
    check.integer(image_size, "image_size", 1)
    if image_size < max(h, w):
        raise ValueError(f"image_size={image_size} is smaller than the images ({h}x{w}); "
                         f"use at least {max(h, w)}, or None to keep them as they are")
    top, left = (image_size - h) // 2, (image_size - w) // 2
    images = F.pad(data.images, (left, image_size - w - left, top, image_size - h - top))
    return ImageDataset(images, data.labels, data.classes, data.name, data.train, data.source,
                        data.mean, data.std, data.is_substitute)


def _load_full(info: Spec, train: bool, download: bool) -> ImageDataset:
    root = env.data_dir()
    for finder in (_torchvision_copy, _image_folder_copy):
        found = finder(info, root, train)
        if found is not None:
            return found
    if download and _download(info, root):
        found = _torchvision_copy(info, root, train)
        if found is not None:
            return found
    return _fallback(info, train)


def _shown(path: Path) -> str:
    """A path as shown to users: relative to the data directory, never absolute."""
    try:
        rel = path.relative_to(env.data_dir())
        where = "$" + env.DATA_VARIABLE if os.environ.get(env.DATA_VARIABLE) else "data"
        return f"{where}/{rel}"
    except ValueError:
        return path.name


# ---- cache
def _cache_file(key: str, source_path: Path) -> Path:
    stamp = f"{source_path.resolve()}:{source_path.stat().st_mtime_ns}"
    digest = hashlib.sha1(stamp.encode()).hexdigest()[:12]
    return env.cache_dir() / f"{key}-{digest}.pt"


def _cached(key: str, source_path: Path, decode) -> tuple[torch.Tensor, torch.Tensor]:
    """Decode once, then read the decoded tensors from the cache."""
    path = _cache_file(key, source_path)
    if path.exists():
        try:
            saved = torch.load(path, weights_only=True)
            return saved["images"], saved["labels"]
        except Exception:
            path.unlink(missing_ok=True)
    images, labels = decode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        torch.save({"images": images, "labels": labels}, tmp)
        tmp.replace(path)
    except OSError:
        pass  # a read-only home: work without the cache
    return images, labels


# ---- 1a. torchvision's on-disk layout
def _torchvision_copy(info: Spec, root: Path, train: bool) -> ImageDataset | None:
    folder = root / info.torchvision_folder
    if not folder.is_dir():
        return None
    import torchvision.datasets as tvd

    cls = getattr(tvd, info.torchvision_class)

    def decode():
        ds = cls(str(root), train=train, download=False)
        images = torch.as_tensor(ds.data)
        images = images.unsqueeze(1) if images.dim() == 3 else images.permute(0, 3, 1, 2)
        return images.contiguous(), torch.as_tensor(ds.targets)

    try:
        images, labels = _cached(f"{info.name}-{'train' if train else 'test'}-tv", folder, decode)
    except RuntimeError:  # torchvision: files missing or corrupt
        return None
    return ImageDataset(images, labels, info.classes, info.name, train,
                        f"torchvision files in {_shown(folder)}", info.mean, info.std)


# ---- 1b. image-folder layout
def _image_folder_copy(info: Spec, root: Path, train: bool) -> ImageDataset | None:
    split = "train" if train else "test"
    for alias in FOLDER_ALIASES[info.name]:
        folder = root / alias / split
        if folder.is_dir():
            break
    else:
        return None
    class_dirs = sorted(p for p in folder.iterdir() if p.is_dir())
    if not class_dirs:
        return None
    images, labels = _cached(f"{info.name}-{split}-folder", folder,
                             lambda: _decode_folder(class_dirs, info.shape[0]))
    classes = [d.name for d in class_dirs]
    if [c.lower() for c in classes] == [c.lower() for c in info.classes]:
        classes = info.classes
    return ImageDataset(images, labels, classes, info.name, train,
                        f"image folders in {_shown(folder)}", info.mean, info.std)


def _decode_folder(class_dirs: list[Path], channels: int) -> tuple[torch.Tensor, torch.Tensor]:
    import numpy as np
    from PIL import Image

    mode = "L" if channels == 1 else "RGB"
    files, labels = [], []
    for label, directory in enumerate(class_dirs):
        members = sorted(p for p in directory.iterdir() if p.suffix.lower() in {".png", ".jpg", ".jpeg"})
        files += members
        labels += [label] * len(members)
    if not files:
        raise ValueError(f"no .png/.jpg images under {class_dirs[0].parent}")

    def decode(path: Path) -> np.ndarray:
        with Image.open(path) as image:
            return np.asarray(image.convert(mode))

    images = torch.from_numpy(np.stack([decode(path) for path in files]))
    images = images.unsqueeze(1) if images.dim() == 3 else images.permute(0, 3, 1, 2)
    return images.contiguous(), torch.tensor(labels)


# ---- 2. download
def _online(host: str, timeout: float = 3.0) -> bool:
    """Can we open a connection to ``host``? Answers within ``timeout`` seconds."""
    if os.environ.get("LECTUREKIT_OFFLINE"):
        return False
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def _download(info: Spec, root: Path) -> bool:
    """torchvision's download into the data directory; False (quickly) when offline."""
    if not _online(info.download_host):
        return False
    import torchvision.datasets as tvd

    try:
        root.mkdir(parents=True, exist_ok=True)
        for train in (True, False):
            getattr(tvd, info.torchvision_class)(str(root), train=train, download=True)
        return True
    except Exception as error:  # network trouble mid-download, full disk ...
        print(f"download of {info.name} failed: {error}")
        return False


# ---- 3. fallbacks that ship with installed packages
def _fallback(info: Spec, train: bool) -> ImageDataset:
    if info.name == "cifar10":
        images, labels = synthetic_shapes(train)
        classes = [f"synthetic {c}" for c in SHAPE_CLASSES]
        source = "a synthetic stand-in (coloured shapes, 10 classes), made by lecturekit"
    else:
        images, labels = sklearn_digits(train)
        classes = MNIST_CLASSES
        source = "scikit-learn's 1,797 real handwritten digits (8x8, resized to 28x28)"
    return ImageDataset(images, labels, classes, info.name, train, source, info.mean, info.std,
                        is_substitute=True)


def sklearn_digits(train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's bundled 8x8 digits (UCI, 43 writers) scaled to MNIST's look: the digit
    resized to 20x20 and centred in a 28x28 frame, values 0..255. 80% train, 20% test."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    x = F.interpolate(x, size=(20, 20), mode="bilinear", align_corners=False)
    x = F.pad(x, (4, 4, 4, 4)).clamp(0, 1).mul(255).round().to(torch.uint8)
    y = torch.tensor(digits.target)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    cut = int(0.8 * len(x))
    index = order[:cut] if train else order[cut:]
    return x[index], y[index]


SHAPE_CLASSES = ["disc", "square", "ring", "cross", "horizontal stripes", "vertical stripes",
                 "diagonal stripes", "checkerboard", "triangle", "dots"]


def synthetic_shapes(train: bool, size: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """10 classes of coloured shapes and textures, drawn with tensor ops (5,000 train /
    1,000 test images, fixed seeds). Learnable, but much easier than CIFAR-10."""
    count = 5000 if train else 1000
    g = torch.Generator().manual_seed(1 if train else 2)
    labels = torch.arange(count) % 10
    yy, xx = torch.meshgrid(torch.arange(size, dtype=torch.float32),
                            torch.arange(size, dtype=torch.float32), indexing="ij")
    yy, xx = yy.expand(count, -1, -1), xx.expand(count, -1, -1)
    cy = 8 + 16 * torch.rand(count, 1, 1, generator=g)
    cx = 8 + 16 * torch.rand(count, 1, 1, generator=g)
    r = 5 + 5 * torch.rand(count, 1, 1, generator=g)
    period = 4 + 4 * torch.rand(count, 1, 1, generator=g)
    dy, dx = yy - cy, xx - cx
    dist = (dy ** 2 + dx ** 2).sqrt()
    masks = torch.stack([
        dist < r,                                                    # disc
        (dy.abs() < r) & (dx.abs() < r),                            # square
        (dist < r) & (dist > r - 3),                                # ring
        ((dy.abs() < 2) & (dx.abs() < r)) | ((dx.abs() < 2) & (dy.abs() < r)),  # cross
        (yy % period) < period / 2,                                 # horizontal stripes
        (xx % period) < period / 2,                                 # vertical stripes
        ((xx + yy) % period) < period / 2,                          # diagonal stripes
        ((xx // (period / 2)) + (yy // (period / 2))) % 2 == 0,     # checkerboard
        (dy < r) & (dx.abs() < (dy + r) / 2),                      # triangle
        ((yy % period - period / 2).abs() < 1.2) & ((xx % period - period / 2).abs() < 1.2),
    ], dim=1)
    mask = masks[torch.arange(count), labels].unsqueeze(1).float()
    foreground = torch.rand(count, 3, 1, 1, generator=g)
    background = torch.rand(count, 3, 1, 1, generator=g)
    noise = 0.08 * torch.randn(count, 3, size, size, generator=g)
    images = mask * foreground + (1 - mask) * background + noise
    return images.clamp(0, 1).mul(255).round().to(torch.uint8), labels


# --------------------------------------------------------------------------- the fast loader
class Loader:
    """Mini-batches sliced from tensors that already sit on ``device``.

    The whole data set is moved to the device once, as ``uint8``. Each batch is converted to
    float, normalized and, with ``augment=True``, randomly cropped (zero padding ``pad``) and
    flipped horizontally, all as batched tensor operations on the device. Shuffling and
    augmentation draw from one seeded CPU generator, whose state :func:`lecturekit.train.fit`
    checkpoints, so runs are reproducible and resumable.
    """

    def __init__(self, data: ImageDataset, batch_size: int = 128, shuffle: bool = False,
                 augment: bool = False, pad: int = 4, flip: bool = True,
                 device: torch.device | str | None = None, drop_last: bool = False,
                 channels_last: bool = False, seed: int = 0) -> None:
        check.instance(data, ImageDataset, "data", "an ImageDataset from lk.data.load")
        batch_size, pad = check.integer(batch_size, "batch_size", 1), check.integer(pad, "pad", 0)
        seed = check.integer(seed, "seed")
        self.data = data
        self.device = check.device(device) if device is not None else env.device()
        self.images = data.images.to(self.device)
        self.labels = data.labels.to(self.device)
        self.batch_size, self.shuffle, self.drop_last = batch_size, shuffle, drop_last
        self.augment, self.pad, self.flip = augment, pad, flip
        self.channels_last = channels_last
        self.generator = torch.Generator().manual_seed(seed)
        self.mean = torch.tensor(data.mean, device=self.device).view(1, -1, 1, 1)
        self.std = torch.tensor(data.std, device=self.device).view(1, -1, 1, 1)

    def __len__(self) -> int:
        n = len(self.images)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self.images)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        order = order.to(self.device)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            index = order[start:start + self.batch_size]
            yield self.batch(index)

    def batch(self, index: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.images[index].float().div_(255)
        if self.augment:
            x = self.random_crop_and_flip(x)
        x = (x - self.mean) / self.std
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return x, self.labels[index]

    def random_crop_and_flip(self, x: torch.Tensor) -> torch.Tensor:
        """Pad by ``pad`` zeros, cut a random window of the original size from each image,
        and mirror each image left-right with probability 1/2."""
        b, _, h, w = x.shape
        if self.pad:
            offsets = torch.randint(0, 2 * self.pad + 1, (b, 2), generator=self.generator)
            offsets = offsets.to(x.device)
            padded = F.pad(x, (self.pad,) * 4)
            rows = (offsets[:, 0:1] + torch.arange(h, device=x.device)).view(b, 1, h, 1)
            cols = (offsets[:, 1:2] + torch.arange(w, device=x.device)).view(b, 1, 1, w)
            batch = torch.arange(b, device=x.device).view(b, 1, 1, 1)
            channel = torch.arange(x.shape[1], device=x.device).view(1, -1, 1, 1)
            x = padded[batch, channel, rows, cols]
        if self.flip:
            flips = (torch.rand(b, generator=self.generator) < 0.5).to(x.device)
            x = torch.where(flips.view(b, 1, 1, 1), x.flip(3), x)
        return x
