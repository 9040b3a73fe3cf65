import struct
import time

import pytest
import torch
from PIL import Image

from lecturekit import data


def write_idx_mnist(raw, prefix, images, labels):
    raw.mkdir(parents=True, exist_ok=True)
    n, h, w = images.shape
    (raw / f"{prefix}-images-idx3-ubyte").write_bytes(
        struct.pack(">IIII", 2051, n, h, w) + images.numpy().tobytes())
    (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(
        struct.pack(">II", 2049, n) + labels.numpy().astype("uint8").tobytes())


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="mnist, fashion_mnist, cifar10"):
        data.load("imagenet")


def test_offline_without_a_copy_falls_back_quickly(offline_empty_data, capsys):
    start = time.perf_counter()
    digits = data.load("mnist", train=True, limit=None)
    shapes = data.load("cifar10", train=False, limit=None)
    assert time.perf_counter() - start < 30           # no hang on the missing network
    assert digits.is_substitute and digits.shape == (1, 28, 28) and len(digits) == 1437
    assert digits.images.dtype == torch.uint8 and set(digits.labels.tolist()) == set(range(10))
    assert shapes.is_substitute and shapes.shape == (3, 32, 32) and len(shapes) == 1000
    out = capsys.readouterr().out
    assert "NOT the real mnist" in out and "scikit-learn" in out
    assert "NOT the real cifar10" in out and "synthetic" in out


def test_offline_check_is_fast(offline_empty_data):
    start = time.perf_counter()
    assert not data._online("example.org")
    assert time.perf_counter() - start < 5


def test_torchvision_layout(private_data):
    g = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (50, 28, 28), generator=g, dtype=torch.uint8)
    labels = torch.arange(50) % 10
    write_idx_mnist(private_data / "MNIST" / "raw", "train", images, labels)
    write_idx_mnist(private_data / "MNIST" / "raw", "t10k", images[:20], labels[:20])
    train = data.load("mnist", limit=None, verbose=False)
    test = data.load("mnist", train=False, limit=None, verbose=False)
    assert not train.is_substitute and "torchvision" in train.source
    assert torch.equal(train.images[:, 0], images) and torch.equal(train.labels, labels)
    assert len(test) == 20


def make_image_folder(root, name, counts, channels=3, size=8):
    g = torch.Generator().manual_seed(1)
    for split, per_class in counts.items():
        for label, cls in enumerate(["airplane", "automobile", "bird"]):
            folder = root / name / split / cls
            folder.mkdir(parents=True)
            for i in range(per_class):
                image = torch.full((channels, size, size), 20 * label + i, dtype=torch.uint8)
                image[:, 0, 0] = torch.randint(0, 256, (1,), generator=g, dtype=torch.uint8)
                Image.fromarray(image.permute(1, 2, 0).numpy()).save(folder / f"{i}.png")


def test_image_folder_layout_and_cache(private_data):
    make_image_folder(private_data, "cifar10", {"train": 4, "test": 2})
    first = data.load("cifar10", limit=None, verbose=False)
    assert "image folders" in first.source and not first.is_substitute
    assert first.shape == (3, 8, 8) and len(first) == 12
    assert first.labels.tolist() == [0] * 4 + [1] * 4 + [2] * 4
    assert first.classes == ["airplane", "automobile", "bird"]
    assert first.images[5, 0, 1, 1].item() == 20 * 1 + 1
    cached = list((private_data.parent / "cache").glob("cifar10-train-folder-*.pt"))
    assert len(cached) == 1
    second = data.load("cifar10", limit=None, verbose=False)
    assert torch.equal(first.images, second.images)
    assert len(data.load("cifar10", train=False, limit=None, verbose=False)) == 6


def test_subsets_padding_and_dataset_protocol(offline_empty_data):
    full = data.load("mnist", limit=None, verbose=False)
    a = data.load("mnist", limit=100, verbose=False)
    b = data.load("mnist", limit=100, verbose=False)
    assert len(a) == 100 and torch.equal(a.images, b.images)
    padded = data.load("mnist", limit=10, image_size=32, verbose=False)
    assert padded.shape == (1, 32, 32) and padded.images[:, :, :2].sum() == 0
    x, y = full[0]
    assert x.dtype == torch.float32 and x.shape == (1, 28, 28) and isinstance(y, int)
    with pytest.raises(ValueError, match="smaller"):
        data.load("mnist", limit=10, image_size=20, verbose=False)


def test_profile_chooses_the_subset_size(offline_empty_data, monkeypatch):
    monkeypatch.setenv("LECTUREKIT_PROFILE", "smoke")
    assert len(data.load("cifar10", verbose=False)) == 2000
    assert len(data.load("cifar10", train=False, verbose=False)) == 1000


def small_set():
    images = torch.arange(10 * 3 * 4 * 4, dtype=torch.int64).remainder(256).to(torch.uint8)
    return data.ImageDataset(images.view(10, 3, 4, 4), torch.arange(10), list("abcdefghij"),
                             "toy", True, "a test", (0.5, 0.5, 0.5), (0.25, 0.25, 0.25))


def test_loader_batches_and_normalization():
    loader = data.Loader(small_set(), batch_size=4, device="cpu")
    batches = list(loader)
    assert len(loader) == len(batches) == 3 and [len(y) for _, y in batches] == [4, 4, 2]
    x, y = batches[0]
    expected = (small_set().images[:4].float() / 255 - 0.5) / 0.25
    torch.testing.assert_close(x, expected)
    assert len(data.Loader(small_set(), 4, drop_last=True, device="cpu")) == 2
    with pytest.raises(ValueError, match="batch_size"):
        data.Loader(small_set(), 0)


def test_augmentation_shapes_and_determinism():
    dataset = small_set()
    runs = []
    for _ in range(2):
        loader = data.Loader(dataset, 5, shuffle=True, augment=True, pad=2, device="cpu", seed=3)
        runs.append([(x.clone(), y.clone()) for x, y in loader])
    for (x1, y1), (x2, y2) in zip(*runs):
        assert x1.shape == (5, 3, 4, 4)
        assert torch.equal(x1, x2) and torch.equal(y1, y2)
    other = data.Loader(dataset, 5, shuffle=True, augment=True, pad=2, device="cpu", seed=4)
    assert not all(torch.equal(a[0], b[0]) for a, b in zip(runs[0], other))


def test_crop_and_flip_move_pixels_as_described():
    image = torch.zeros(1, 1, 5, 5)
    image[0, 0, 2, 2] = 1.0                    # a single bright pixel in the centre
    loader = data.Loader(small_set(), 1, augment=True, pad=1, flip=False, device="cpu")
    crops = torch.cat([loader.random_crop_and_flip(image) for _ in range(50)])
    positions = {tuple(c[0].nonzero()[0].tolist()) for c in crops}
    assert positions <= {(r, c) for r in (1, 2, 3) for c in (1, 2, 3)} and len(positions) > 3
    flipper = data.Loader(small_set(), 1, augment=True, pad=0, flip=True, device="cpu")
    ramp = torch.arange(5.0).view(1, 1, 1, 5).expand(1, 1, 5, 5)
    outs = {tuple(flipper.random_crop_and_flip(ramp)[0, 0, 0].tolist()) for _ in range(30)}
    assert outs == {(0.0, 1.0, 2.0, 3.0, 4.0), (4.0, 3.0, 2.0, 1.0, 0.0)}


def test_downsample_averages_blocks_of_pixels():
    pixels = torch.arange(16, dtype=torch.uint8).view(1, 1, 4, 4).repeat(1, 3, 1, 1)
    images = data.ImageDataset(pixels, torch.zeros(1), ["a"], "cifar10", True, "test", (0.5,) * 3, (0.5,) * 3)
    small = data.downsample(images, 2)
    assert small.shape == (3, 2, 2)
    assert small.images[0, 0].tolist() == [[2, 4], [10, 12]]   # means 2.5, 4.5, ... rounded to even
