import pytest
from torch import nn


@pytest.fixture
def offline_empty_data(tmp_path, monkeypatch):
    """No local data copy, no network, a private cache: what a student has on a plane."""
    import socket

    monkeypatch.setenv("LECTUREKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("LECTUREKIT_CACHE", str(tmp_path / "cache"))

    def no_network(*args, **kwargs):
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket, "create_connection", no_network)
    return tmp_path


@pytest.fixture
def private_data(tmp_path, monkeypatch):
    """An empty data directory and cache the test can fill."""
    monkeypatch.setenv("LECTUREKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("LECTUREKIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("LECTUREKIT_OFFLINE", "1")
    (tmp_path / "data").mkdir()
    return tmp_path / "data"


class _DataDependent(nn.Module):
    """Control flow on values: torch.fx cannot trace it."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)

    def forward(self, x):
        y = self.conv(x)
        return y if y.sum() > 0 else -y


@pytest.fixture
def untraceable_model():
    """A one-convolution network that torch.fx cannot trace (it branches on a value)."""
    return _DataDependent()
